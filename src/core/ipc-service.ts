import fs from 'node:fs';
import path from 'node:path';
import type { AppInfo, EventChannel, InvokeChannel, IpcInvokeMap, IpcReply, TrendPoint } from '../shared/ipc/contract';
import { INVOKE_CHANNELS } from '../shared/ipc/contract';
import type * as InvokeArgs from '../shared/ipc/invoke-args';
import { machineKey } from '../shared/format/machine-key';
import type { ReportData } from '../shared/report';
import type { ExportFormat } from '../shared/run';
import { compareRuns } from './bench/run-comparison';
import type { ExportContext } from './export/exporter';
import type { Core } from './create-core';
import { SCENARIOS } from './scenarios/catalog';
import { describeError, UserError } from './user-error';
import type { Disposable, EventListener } from './workbench/event-hub';
import { EventHub } from './workbench/event-hub';
import { RecentWorkspaces } from './workbench/recent-workspaces';
import { RunManager, runInputOf } from './workbench/run-manager';
import { runtimesNamed } from './environments/registry';
import { createTerminalManager } from './workbench/terminal-manager';

type Handlers = { [C in InvokeChannel]: (...args: IpcInvokeMap[C]['args']) => Promise<IpcInvokeMap[C]['result']> | IpcInvokeMap[C]['result'] };

/**
 * The IPC contract served by the core, independent of the transport: Electron's ipcMain uses it,
 * and so does `envbench serve` for the renderer in a plain browser. Arguments are validated with
 * the contract's zod schemas; errors come back as data with their real message; events (progress,
 * logs, terminal output) go to every subscriber.
 */
export interface IpcService {
  readonly channels: readonly InvokeChannel[];
  handle(channel: string, rawArgs: unknown[]): Promise<IpcReply<unknown>>;
  subscribe(listener: EventListener): Disposable;
  /** Cancels runs and closes terminals this service started. */
  dispose(): Promise<void>;
}

export interface IpcServiceOptions {
  /** The native folder dialog (Electron); absent in a browser, where the user types a path. */
  pickFolder?: () => Promise<string | null>;
  /** The native save dialog (Electron); absent in a browser, which downloads instead (run:download). */
  pickSaveFile?: (suggested: string, extension: string) => Promise<string | null>;
  /** Shows a file in the desktop's file manager (Electron). */
  revealFile?: (file: string) => void;
  /** How the PDF report is printed: the app's printToPDF, or Chromium on the built report page. */
  report?: { rendererDir?: string; printPdf?: (data: ReportData) => Promise<Uint8Array> };
}

/** What a browser is told each export is, for its download. */
const MIME_TYPES: Partial<Record<ExportFormat, string>> = {
  pdf: 'application/pdf',
  md: 'text/markdown;charset=utf-8',
  csv: 'text/csv;charset=utf-8',
  'csv-summary': 'text/csv;charset=utf-8',
  json: 'application/json',
  benchfmt: 'text/plain;charset=utf-8',
};

/** The most recent runs a trend looks at: enough for a trend, few enough to answer at once. */
const TREND_RUNS = 100;

type InvokeArgsModule = typeof InvokeArgs;

export function createIpcService(core: Core, appInfo: AppInfo, options: IpcServiceOptions = {}): IpcService {
  const hub = new EventHub();
  const runs = new RunManager(core, hub);
  const terminals = createTerminalManager(core, hub);
  const recent = new RecentWorkspaces(core.dataDir);
  // zod and the schemas load with the first call (the page's first request), not at start.
  let invokeArgs: Promise<InvokeArgsModule> | null = null;

  const handlers: Handlers = {
    'app:info': () => appInfo,
    'runtime:list': () => core.doctor(),
    'hosts:list': () => core.listHosts(),
    'hosts:check': ({ name }) => core.checkHost(name),
    'scenario:list': () => SCENARIOS.map(({ id, dimension, kind, title, counts }) => ({ id, dimension, kind, title, counts })),
    async 'workspace:inspect'({ path: dir }) {
      const info = await core.inspectWorkspace(dir);
      recent.remember(info.path);
      return info;
    },
    'workspace:recent': () => {
      const fromHistory = core.listRuns().map((r) => r.workspacePath);
      return [...new Set([...recent.list(), ...fromHistory])].filter((p) => fs.existsSync(p)).slice(0, 10);
    },
    async 'workspace:pick'() {
      if (!options.pickFolder) throw new UserError('No folder dialog here', 'the renderer runs in a browser, which cannot open the desktop\'s folder dialog', 'Type the folder\'s path instead');
      return options.pickFolder();
    },
    'definitions:preview': async ({ workspace, runtimes }) => (await import('./workbench/definition-previews')).previewDefinitions(await core.inspectWorkspace(workspace), runtimesNamed(await core.runtimes(), runtimes), { dataDir: core.dataDir }),
    'definitions:write': async ({ workspace, runtime, file }) => (await import('./workbench/definition-previews')).writeDefinition(await core.inspectWorkspace(workspace), runtimesNamed(await core.runtimes(), [runtime])[0]!, file),
    'run:start': (request) => runs.start(request),
    'run:plan': (request) => core.plan(runInputOf(request)),
    'run:cancel': ({ runId }) => runs.cancel(runId),
    'run:active': () => runs.list(),
    'run:get': ({ id }) => core.requireRun(id),
    'run:delete': ({ id }) => {
      if (runs.list().some((r) => r.runId === id)) throw new UserError(`Run ${id} is still measuring`, 'a run is deleted only once it has ended', 'Cancel it first');
      return { deleted: core.deleteRun(id) };
    },
    'run:compare': ({ before, after }) => compareRuns(core.requireRun(before), core.requireRun(after)),
    'run:export': async ({ id, format, path: file, compareWith, language }) => {
      if (!path.isAbsolute(file)) throw new UserError(`Cannot write ${file}`, 'the path is relative, and the app has no current folder to resolve it against', 'Choose the file with the save dialog, or type an absolute path');
      const context: ExportContext = { envbench: { version: appInfo.version, commit: appInfo.commit }, language, pdf: { rendererDir: options.report?.rendererDir, print: options.report?.printPdf } };
      // The exporters (and the PDF report's code) load with the first export, not with the app.
      return (await import('./export/export-flow')).exportToFile(core, { run: id, format, compareWith }, file, context);
    },
    'run:download': async ({ id, format, compareWith, language }) => {
      const context: ExportContext = { envbench: { version: appInfo.version, commit: appInfo.commit }, language, pdf: { rendererDir: options.report?.rendererDir, print: options.report?.printPdf } };
      const job = await (await import('./export/export-flow')).prepareExport(core, { run: id, format, compareWith }, context);
      const content = await job.exporter.render(job.run, job.context);
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
      return { fileName: `${job.run.id}${compareWith ? `-vs-${compareWith}` : ''}.${job.exporter.extension}`, mimeType: MIME_TYPES[job.exporter.format] ?? 'application/octet-stream', base64: bytes.toString('base64') };
    },
    async 'export:pick'({ suggested, extension }) {
      if (!options.pickSaveFile) throw new UserError('No save dialog here', 'the renderer runs in a browser, which downloads exports instead', 'Use Download, or type an absolute path');
      return options.pickSaveFile(suggested, extension);
    },
    'export:reveal': ({ path: file }) => {
      if (!options.revealFile) throw new UserError('Cannot show the file', 'the renderer runs in a browser, which has no file manager to open', `Open ${path.dirname(file)} yourself`);
      if (!path.isAbsolute(file) || !fs.existsSync(file)) throw new UserError(`Cannot show ${file}`, 'it is not an existing file', 'Export it again');
      options.revealFile(file);
    },
    'history:query': ({ limit, offset }) => core.listRuns({ limit, offset }),
    'history:trend': ({ scenario, runtime, workspace }) => {
      const points: TrendPoint[] = [];
      const candidates = core
        .listRuns()
        .filter((r) => r.scenarios.includes(scenario) && r.runtimes.includes(runtime) && (!workspace || path.resolve(r.workspacePath) === path.resolve(workspace)))
        .slice(0, TREND_RUNS);
      for (const summary of candidates) {
        const run = core.getRun(summary.id);
        const stats = run?.results.find((r) => r.scenario === scenario && r.runtime === runtime)?.stats;
        if (run && stats) points.push({ runId: run.id, startedAt: run.startedAt, medianMs: stats.medianMs, ciLowMs: stats.ciLowMs, ciHighMs: stats.ciHighMs, machine: machineKey(run.machine) });
      }
      return points.reverse();
    },
    'terminal:open': (request) => terminals.open(request),
    'terminal:write': ({ id, data }) => terminals.write(id, data),
    'terminal:resize': ({ id, cols, rows }) => terminals.resize(id, cols, rows),
    'terminal:ack': ({ id, chars }) => terminals.ack(id, chars),
    'terminal:close': ({ id }) => terminals.close(id),
    'terminal:list': () => terminals.list(),
  };

  return {
    channels: INVOKE_CHANNELS,
    async handle(channel, rawArgs) {
      try {
        if (!(INVOKE_CHANNELS as string[]).includes(channel)) throw new Error(`unknown IPC channel ${JSON.stringify(channel)}`);
        const known = channel as InvokeChannel;
        const { ipcInvokeArgs } = await (invokeArgs ??= import('../shared/ipc/invoke-args'));
        const parsed = ipcInvokeArgs[known].safeParse(rawArgs);
        if (!parsed.success) throw new Error(`invalid arguments for ${known}: ${parsed.error.message}`);
        const handler = handlers[known] as (...args: unknown[]) => unknown;
        return { ok: true, value: await handler(...parsed.data) };
      } catch (error) {
        return { ok: false, error: { name: error instanceof Error ? error.name : 'Error', message: describeError(error) } };
      }
    },
    subscribe: (listener) => hub.subscribe(listener),
    async dispose() {
      await Promise.all([runs.dispose(), terminals.dispose()]);
    },
  };
}

export type { EventChannel };
