import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { currentProcessIdentity } from '../machine/process-identity';

/**
 * The static C helper (resources/measure/envbench-measure.c) that runs a command and reports
 * wall time, CPU, peak RSS and I/O of the whole process tree. Built by `npm install`.
 */
export const MEASURE_HELPER_NAME = 'envbench-measure';
const RESULT_MARKER = '\x1eENVBENCH-MEASURE ';

export function measureHelperPath(resourcesDir: string): string {
  return path.join(resourcesDir, 'bin', MEASURE_HELPER_NAME);
}

export function isMeasureHelperBuilt(resourcesDir: string): boolean {
  try {
    fs.accessSync(measureHelperPath(resourcesDir), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The helper's arguments. `watchStdin`: the helper's stdin is a pipe EnvBench holds open and never
 * writes to (a container's `docker exec`): when it closes, EnvBench is gone and the command is killed.
 */
export function measureHelperArgs(command: readonly string[], timeoutMs: number, options: { watchStdin?: boolean } = {}): string[] {
  return ['--timeout-ms', String(Math.max(0, Math.round(timeoutMs))), ...(options.watchStdin ? ['--watch-stdin'] : []), '--', ...command];
}

/** The environment variable through which the helper learns which process is EnvBench. */
export const MEASURE_OWNER_ENV = 'ENVBENCH_MEASURE_OWNER';

/**
 * This process as the helper identifies it: "pid:starttime:pidns". Put in the environment of every
 * host-side measured spawn, it lets the helper kill the command once EnvBench is gone (a `kill -9`
 * included), even when `nix develop` or `devbox run` stands between the two. The helper ignores it
 * in another PID namespace. Null where /proc cannot tell.
 */
export function measureOwnerToken(): string | null {
  if (ownerToken === undefined) {
    const { pid, started } = currentProcessIdentity();
    try {
      ownerToken = started ? `${pid}:${started}:${fs.statSync('/proc/self/ns/pid').ino}` : null;
    } catch {
      ownerToken = null;
    }
  }
  return ownerToken;
}
let ownerToken: string | null | undefined;

const helperReportSchema = z.object({
  wallNs: z.number(),
  userMs: z.number(),
  sysMs: z.number(),
  maxRssKb: z.number(),
  readBytes: z.number(),
  writeBytes: z.number(),
  blockReadBytes: z.number(),
  blockWriteBytes: z.number(),
  // Read/write-like system calls (/proc io syscr/syscw). Optional: a helper binary built before
  // they existed (inside a cached image, say) does not print them.
  readCalls: z.number().optional(),
  writeCalls: z.number().optional(),
  ioAvailable: z.boolean(),
  exitCode: z.number(),
  signal: z.number(),
  timedOut: z.boolean(),
  cancelled: z.boolean(),
  execError: z.string().nullable(),
});
export type HelperReport = z.infer<typeof helperReportSchema>;

/** Live stderr without the helper's report line (the helper writes it in one atomic write). */
export function withoutHelperReport(chunk: string): string {
  const at = chunk.indexOf(RESULT_MARKER);
  if (at < 0) return chunk;
  const lineEnd = chunk.indexOf('\n', at);
  return chunk.slice(0, at).replace(/\n$/, '') + (lineEnd < 0 ? '' : chunk.slice(lineEnd + 1));
}

/** Splits the helper's report off the command's own stderr. */
export function extractHelperReport(stderr: string): { report: HelperReport | null; stderr: string } {
  const at = stderr.lastIndexOf(RESULT_MARKER);
  if (at < 0) return { report: null, stderr };
  const lineEnd = stderr.indexOf('\n', at);
  const json = stderr.slice(at + RESULT_MARKER.length, lineEnd < 0 ? undefined : lineEnd);
  // The helper writes "\n" before the marker so the report starts on its own line.
  const before = stderr.slice(0, at).replace(/\n$/, '');
  const after = lineEnd < 0 ? '' : stderr.slice(lineEnd + 1);
  try {
    return { report: helperReportSchema.parse(JSON.parse(json)), stderr: before + after };
  } catch {
    return { report: null, stderr };
  }
}
