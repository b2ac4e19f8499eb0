// hyperfine's `--export-json` file as a run in the history, so results people already have
// can be compared with EnvBench's own (history trend, run comparison, exports).
//
// One import is one result: one runtime × one scenario, named by the user. A file with several
// benchmarks (hyperfine 'cmd a' 'cmd b') needs --command-index to say which; import the others
// with their own --runtime or --scenario. The scenario must be a timed scenario of EnvBench's
// catalogue, so the imported figures sit next to EnvBench's runs of the same scenario.
//
// hyperfine keeps, per run, the wall time and exit code (and, from 1.17 on, peak memory); CPU
// time only as a mean over the runs, and no I/O. Those per-sample figures are stored as 0 and
// the run's facts say that only wall times were imported.

import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FactValue, MachineFingerprint, RuntimeId, WorkspaceInfo } from '../../shared/run';
import { RUNTIME_IDS, unknownRuntimes } from '../environments/registry';
import type { NewSample, RunStore } from '../history/run-store';
import { newRunId, resultKey } from '../history/run-store';
import { SCENARIOS, findScenario } from '../scenarios/catalog';
import { UserError } from '../user-error';

/** The module name of runs imported without a Go module to attach them to. */
export const PLACEHOLDER_MODULE = '(imported from hyperfine)';
/** A hyperfine export is a few KB per thousand runs; anything far larger is not one. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

const seconds = z.number().nonnegative();

const hyperfineResult = z
  .object({
    command: z.string(),
    mean: seconds,
    // null (or absent) when hyperfine made a single run.
    stddev: seconds.nullable().optional(),
    median: seconds,
    user: seconds,
    system: seconds,
    min: seconds,
    max: seconds,
    times: z.array(seconds).min(1, 'hyperfine wrote no run times'),
    // null where the command was killed by a signal.
    exit_codes: z.array(z.number().int().nullable()),
    memory_usage_byte: z.array(z.number().int().nonnegative()).optional(),
    parameters: z.record(z.string(), z.string()).optional(),
  })
  .superRefine((result, ctx) => {
    if (result.exit_codes.length !== result.times.length) {
      ctx.addIssue({ code: 'custom', path: ['exit_codes'], message: `has ${result.exit_codes.length} entries for ${result.times.length} run times` });
    }
    if (result.memory_usage_byte && result.memory_usage_byte.length !== result.times.length) {
      ctx.addIssue({ code: 'custom', path: ['memory_usage_byte'], message: `has ${result.memory_usage_byte.length} entries for ${result.times.length} run times` });
    }
  });

const hyperfineExport = z.object({ results: z.array(hyperfineResult).min(1, 'it has no results') });

export type HyperfineResult = z.infer<typeof hyperfineResult>;
export type HyperfineExport = z.infer<typeof hyperfineExport>;

const HOW_TO_MAKE_ONE = 'Pass the file hyperfine writes with --export-json FILE (not --export-markdown or --export-csv), for example: hyperfine -N --runs 10 --export-json go-vet.json "go vet ./..."';

function notHyperfine(file: string, why: string): UserError {
  return new UserError(`${file} is not hyperfine JSON`, why, HOW_TO_MAKE_ONE);
}

function issuePath(issuePath: readonly PropertyKey[]): string {
  return issuePath.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}${text ? '.' : ''}${String(key)}`), '');
}

/** hyperfine's export from text, or a UserError saying what is wrong with it. */
export function parseHyperfineJson(text: string, file: string): HyperfineExport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // V8 quotes the start of the text, newlines included: keep the message to one short line.
    const reason = (error as Error).message.replace(/\s+/g, ' ').slice(0, 160);
    throw notHyperfine(file, `it does not parse as JSON (${reason})`);
  }
  const parsed = hyperfineExport.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((issue) => (issue.path.length > 0 ? `${issuePath(issue.path)}: ${issue.message}` : issue.message));
    throw notHyperfine(file, issues.join('; '));
  }
  return parsed.data;
}

export function readHyperfineFile(file: string): HyperfineExport {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UserError(`Cannot read ${file}`, 'it does not exist', HOW_TO_MAKE_ONE);
  }
  if (!stat.isFile()) throw new UserError(`Cannot read ${file}`, 'it is not a file', HOW_TO_MAKE_ONE);
  if (stat.size > MAX_FILE_BYTES) throw notHyperfine(file, `it is ${stat.size} bytes, far more than a hyperfine export`);
  return parseHyperfineJson(fs.readFileSync(file, 'utf8'), file);
}

/** The runtime and scenario an import is filed under, checked before anything is read or written. */
export function checkImportTarget(runtime: string, scenario: string): { runtime: RuntimeId; scenario: string } {
  if (!RUNTIME_IDS.includes(runtime)) {
    throw unknownRuntimes([runtime], RUNTIME_IDS, 'Pass with --runtime the environment hyperfine measured, for example --runtime native for the bare host');
  }
  const timed = SCENARIOS.filter((s) => s.kind !== 'check').map((s) => s.id);
  const known = findScenario(scenario);
  if (!known) {
    throw new UserError(
      `Unknown scenario "${scenario}"`,
      `an import is filed under one of EnvBench's timed scenarios, so it can be compared with EnvBench's own runs of it: ${timed.join(', ')}`,
      'Pass with --scenario the one whose command hyperfine ran, for example --scenario vet for "go vet ./..."',
    );
  }
  if (known.kind === 'check') {
    throw new UserError(
      `Cannot import timings as "${scenario}"`,
      `${scenario} is a check with a verdict, not a timed scenario`,
      `Pass one of the timed scenarios: ${timed.join(', ')}`,
    );
  }
  return { runtime: runtime as RuntimeId, scenario };
}

/** The benchmark to import: the only one, or the one --command-index (1-based, as hyperfine numbers them) names. */
export function pickResult(data: HyperfineExport, file: string, commandIndex?: number): { result: HyperfineResult; index: number } {
  const list = data.results.map((r, i) => `${i + 1}: ${JSON.stringify(r.command)}`).join(', ');
  if (commandIndex === undefined) {
    if (data.results.length === 1) return { result: data.results[0]!, index: 1 };
    throw new UserError(
      `${file} holds ${data.results.length} benchmarks`,
      `one import is one runtime × scenario, and it cannot tell which to take (${list})`,
      'Pick one with --command-index N, and import the others with their own --runtime or --scenario',
    );
  }
  if (!Number.isInteger(commandIndex) || commandIndex < 1 || commandIndex > data.results.length) {
    throw new UserError(`Invalid --command-index ${commandIndex}`, `${file} holds ${data.results.length} benchmark${data.results.length === 1 ? '' : 's'} (${list})`, `Pass a number from 1 to ${data.results.length}`);
  }
  return { result: data.results[commandIndex - 1]!, index: commandIndex };
}

/** hyperfine's runs as EnvBench samples: wall times (s -> ms) and exit codes; what hyperfine does not record per run is 0. */
export function hyperfineSamples(result: HyperfineResult): NewSample[] {
  return result.times.map((time, i) => {
    const wallMs = time * 1000;
    const memory = result.memory_usage_byte?.[i];
    return {
      wallMs,
      innerWallMs: wallMs,
      userMs: 0,
      sysMs: 0,
      maxRssKb: memory === undefined ? 0 : memory / 1024,
      readBytes: 0,
      writeBytes: 0,
      blockReadBytes: 0,
      blockWriteBytes: 0,
      // A command killed by a signal has no exit code in hyperfine's file.
      exitCode: result.exit_codes[i] ?? -1,
      warmup: false,
    };
  });
}

/** The workspace of an import that names no Go module: unique per file, never a folder (so the app does not offer it as one). */
export function placeholderWorkspace(file: string): WorkspaceInfo {
  return {
    path: `hyperfine:${path.resolve(file)}`,
    module: PLACEHOLDER_MODULE,
    goVersion: null,
    toolchain: null,
    packages: 0,
    testFiles: 0,
    mainPackages: [],
    definitions: [],
  };
}

export interface HyperfineImport {
  file: string;
  runtime: RuntimeId;
  scenario: string;
  result: HyperfineResult;
  /** 1-based position of the result in the file. */
  index: number;
  workspace: WorkspaceInfo;
  machine: MachineFingerprint;
  envbench: { version: string; commit: string | null };
}

/**
 * Stores the import as a finished run and returns its id. Everything was validated before; should
 * the store still fail half way, the run is deleted, so the history holds all of it or nothing.
 */
export function storeHyperfineRun(store: RunStore, input: HyperfineImport): string {
  const samples = hyperfineSamples(input.result);
  const runId = newRunId();
  const resultIds = store.createRun({
    id: runId,
    workspace: input.workspace,
    machine: input.machine,
    envbench: input.envbench,
    options: { runtimes: [input.runtime], scenarios: [input.scenario], runs: samples.length, warmup: 0, offline: false, timeoutMs: 0 },
  });
  try {
    const resultId = resultIds.get(resultKey(input.runtime, input.scenario))!;
    samples.forEach((sample, seq) => store.addSample(resultId, seq, sample));
    store.setFacts(runId, input.runtime, importFacts(input));
    const failed = input.result.exit_codes.filter((code) => code !== 0);
    if (failed.length > 0) {
      const codes = failed.map((code) => (code === null ? 'killed by a signal' : String(code))).join(', ');
      store.finishResult(
        resultId,
        'failed',
        `hyperfine recorded a failing exit in ${failed.length} of ${samples.length} runs of ${JSON.stringify(input.result.command)} (${codes}); its times are imported as hyperfine measured them`,
      );
      store.finishRun(runId, 'failed', 'some measurements failed');
    } else {
      store.finishResult(resultId, 'completed');
      store.finishRun(runId, 'completed');
    }
    return runId;
  } catch (error) {
    store.deleteRun(runId);
    throw error;
  }
}

function importFacts(input: HyperfineImport): Record<string, FactValue> {
  const r = input.result;
  return {
    'import.source': 'hyperfine',
    'import.file': path.resolve(input.file),
    'import.command': r.command,
    'import.commandIndex': input.index,
    ...(r.parameters && Object.keys(r.parameters).length > 0 ? { 'import.parameters': JSON.stringify(r.parameters) } : {}),
    'import.note':
      'only wall times were imported: hyperfine records each run\'s wall time and exit code' +
      (r.memory_usage_byte ? ' and peak memory' : '') +
      ', and CPU time only as a mean over the runs; per-sample CPU time, I/O' +
      (r.memory_usage_byte ? '' : ' and peak memory') +
      ' are 0 here, and innerWallMs equals wallMs. The machine is the one that imported the file; the date is the import\'s',
    'import.hyperfineMedianMs': r.median * 1000,
    'import.hyperfineMeanUserMs': r.user * 1000,
    'import.hyperfineMeanSystemMs': r.system * 1000,
  };
}

/** A note when the command hyperfine ran is not the scenario's own command (they are then compared knowingly). */
export function commandMismatch(scenario: string, command: string): string | null {
  const known = findScenario(scenario);
  if (known?.kind !== 'command') return null;
  const own = known.argv.join(' ');
  const normalise = (text: string): string => text.trim().replace(/\s+/g, ' ');
  return normalise(command) === normalise(own) ? null : `hyperfine ran ${JSON.stringify(command)}; EnvBench's ${scenario} runs ${JSON.stringify(own)}: compare the two knowing that`;
}
