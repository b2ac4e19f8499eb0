// The one IPC contract between the renderer and the core. Channels are 'domain:verb'.
// The main process (and `envbench serve`) validate every argument list with the zod schemas of
// invoke-args.ts before calling the core; the renderer imports only the types, the preload also the channel lists.
import type { ExportFormat, RunComparisonJson, RunJson, RunPlan, RunProgress, RunSummary, RuntimeHealth, RuntimeId, WorkspaceInfo } from '../run';
import type { Language } from '../i18n/languages';
import type { HostEntry, HostHealth } from '../hosts';

export interface AppInfo {
  version: string;
  commit: string | null;
  dataDir: string;
  dbFile: string;
  sampleWorkspace: string;
  /** 'electron' in the desktop app; 'browser' when `envbench serve` serves the renderer. */
  shell: 'electron' | 'browser';
}

/** A scenario as the run form shows it. */
export interface ScenarioInfo {
  id: string;
  dimension: 'startup' | 'performance' | 'maintenance';
  kind: 'startup' | 'command' | 'check' | 'probe';
  title: string;
  counts: string;
}

/** What the run form sends: the same choices as `envbench run`. */
export interface RunRequest {
  workspace: string;
  runtimes: RuntimeId[];
  scenarios: string[];
  /** A count fixes every scenario's samples; 'auto' plans them within `budgetSeconds` (as `envbench run`'s default). */
  runs: number | 'auto';
  /** As `envbench run --budget`: the whole planned run's time, in seconds (default 900). */
  budgetSeconds?: number;
  warmup: number;
  offline: boolean;
  /** As `envbench run --first-run`: the command that ends each start; default: the first build of the main packages. */
  firstRun?: string;
  /** As `envbench run --main`: the main package (./cmd/x) for the scenarios that need one and the default first run. */
  main?: string;
  /** As `envbench run --test-args`: arguments added to the test and test-race commands, split without a shell. */
  testArgs?: string;
}

/** A run this process is measuring now. */
export interface ActiveRun {
  runId: string;
  request: RunRequest;
  startedAt: string;
  progress: RunProgress | null;
  cancelling: boolean;
}

/** A generated environment definition EnvBench would use, shown before anything is written. */
export interface DefinitionPreview {
  runtime: RuntimeId;
  /** File name relative to the workspace root (Dockerfile.dev, flake.nix, shell.nix, devbox.json). */
  file: string;
  content: string;
  /** True when the workspace already has this file (writing is then refused). */
  exists: boolean;
  /** Why the workspace's own file is not shown (it points outside the workspace, or is too large); `content` says the same. */
  notShown?: string;
  /** A file only offline runs use, kept by EnvBench at this path in its data directory; never written into the workspace. */
  offlineOnlyAt?: string;
}

/** One point of a scenario × runtime over time. */
export interface TrendPoint {
  runId: string;
  startedAt: string;
  medianMs: number;
  ciLowMs: number;
  ciHighMs: number;
  machine: string;
}

export interface TerminalInfo {
  id: string;
  runtime: RuntimeId;
  title: string;
  /** The command the terminal runs, as the user would type it. */
  command: string;
}

/** A line of a run's live log: what EnvBench is doing, and the current command's output. */
export interface RunLogLine {
  runId: string;
  runtime: RuntimeId | null;
  stream: 'log' | 'stdout' | 'stderr';
  text: string;
}

/** Renderer -> core requests: argument tuple and result. */
export interface IpcInvokeMap {
  'app:info': { args: []; result: AppInfo };
  'runtime:list': { args: []; result: RuntimeHealth[] };
  /** The remote hosts added with `envbench hosts add` (the app lists them; adding stays in the CLI, with its key and known_hosts checks). */
  'hosts:list': { args: []; result: HostEntry[] };
  /** A real probe of one host over SSH, and each runtime's health there (none when unreachable). */
  'hosts:check': { args: [{ name: string }]; result: { health: HostHealth; runtimes: RuntimeHealth[] } };
  'scenario:list': { args: []; result: ScenarioInfo[] };
  'workspace:inspect': { args: [{ path: string }]; result: WorkspaceInfo };
  'workspace:recent': { args: []; result: string[] };
  /** Electron only: the native folder dialog; null when the user cancels. */
  'workspace:pick': { args: []; result: string | null };
  'definitions:preview': { args: [{ workspace: string; runtimes: RuntimeId[] }]; result: DefinitionPreview[] };
  'definitions:write': { args: [{ workspace: string; runtime: RuntimeId; file: string }]; result: { path: string } };
  'run:start': { args: [RunRequest]; result: { runId: string } };
  /** What run:start with this request would do and how long it should take; measures nothing. */
  'run:plan': { args: [RunRequest]; result: RunPlan };
  'run:cancel': { args: [{ runId: string }]; result: { cancelled: boolean } };
  'run:active': { args: []; result: ActiveRun[] };
  'run:get': { args: [{ id: string }]; result: RunJson };
  'run:delete': { args: [{ id: string }]; result: { deleted: boolean } };
  'run:compare': { args: [{ before: string; after: string }]; result: RunComparisonJson };
  /** Writes the run in `format` to `path` (absolute), whole or not at all, with the same exporters as `envbench export`. */
  /** `compareWith`: pdf only, a comparison report against that earlier run. `language`: the PDF's (the app's own); default English. */
  'run:export': { args: [{ id: string; format: ExportFormat; path: string; compareWith?: string; language?: Language }]; result: { path: string; bytes: number } };
  /** The export's content, for a browser to download (base64, whatever the format): the same exporters, nothing written. */
  'run:download': { args: [{ id: string; format: ExportFormat; compareWith?: string; language?: Language }]; result: { fileName: string; mimeType: string; base64: string } };
  /** Electron only: the native save dialog, at `suggested` (an absolute path); null when the user cancels. */
  'export:pick': { args: [{ suggested: string; extension: string }]; result: string | null };
  /** Electron only: the file shown in the desktop's file manager. */
  'export:reveal': { args: [{ path: string }]; result: void };
  'history:query': { args: [{ limit?: number; offset?: number }]; result: RunSummary[] };
  'history:trend': { args: [{ scenario: string; runtime: RuntimeId; workspace?: string }]; result: TrendPoint[] };
  /** `offline`: the environment as an offline run prepares it (Devbox and Nix from local definitions, containers without a network); default false. */
  /** `host`: in that environment on a remote host (`envbench hosts add`), over SSH; absent: on this machine. */
  'terminal:open': { args: [{ runtime: RuntimeId; workspace: string; cols: number; rows: number; offline?: boolean; host?: string }]; result: TerminalInfo };
  'terminal:write': { args: [{ id: string; data: string }]; result: void };
  'terminal:resize': { args: [{ id: string; cols: number; rows: number }]; result: void };
  /** Flow control: the renderer has drawn this many characters of the terminal's output. */
  'terminal:ack': { args: [{ id: string; chars: number }]; result: void };
  'terminal:close': { args: [{ id: string }]; result: void };
  'terminal:list': { args: []; result: TerminalInfo[] };
}

/** Core -> renderer events. */
export interface IpcEventMap {
  'bench:progress': RunProgress;
  'bench:log': RunLogLine;
  /** A run started, finished, failed or was cancelled: the renderer refreshes what it shows. */
  'bench:state': { runId: string; status: 'running' | 'completed' | 'failed' | 'cancelled'; error?: string };
  'terminal:data': { id: string; data: string };
  'terminal:exit': { id: string; exitCode: number; signal?: number };
}

export type InvokeChannel = keyof IpcInvokeMap;
export type EventChannel = keyof IpcEventMap;


/** Every invoke channel, listed (type-checked both ways) so that knowing them loads no schema: the core and the preload check names against it. */
const INVOKE_CHANNEL_SET: Record<InvokeChannel, true> = {
  'app:info': true,
  'runtime:list': true,
  'hosts:list': true,
  'hosts:check': true,
  'scenario:list': true,
  'workspace:inspect': true,
  'workspace:recent': true,
  'workspace:pick': true,
  'definitions:preview': true,
  'definitions:write': true,
  'run:start': true,
  'run:plan': true,
  'run:cancel': true,
  'run:active': true,
  'run:get': true,
  'run:delete': true,
  'run:compare': true,
  'run:export': true,
  'run:download': true,
  'export:pick': true,
  'export:reveal': true,
  'history:query': true,
  'history:trend': true,
  'terminal:open': true,
  'terminal:write': true,
  'terminal:resize': true,
  'terminal:ack': true,
  'terminal:close': true,
  'terminal:list': true,
};
export const INVOKE_CHANNELS = Object.keys(INVOKE_CHANNEL_SET) as InvokeChannel[];
export const EVENT_CHANNELS: readonly EventChannel[] = ['bench:progress', 'bench:log', 'bench:state', 'terminal:data', 'terminal:exit'];

/** Errors cross the boundary as data and are re-thrown on the renderer's side with their real message. */
export type IpcReply<T> = { ok: true; value: T } | { ok: false; error: { name: string; message: string } };

/** What the preload (or the browser bridge) exposes on window.envbench. */
export interface EnvbenchApi {
  invoke<C extends InvokeChannel>(channel: C, ...args: IpcInvokeMap[C]['args']): Promise<IpcInvokeMap[C]['result']>;
  on<C extends EventChannel>(channel: C, listener: (payload: IpcEventMap[C]) => void): () => void;
}
