import { spawn } from 'node:child_process';
import type { HelperReport } from './measure-helper';
import { extractHelperReport, MEASURE_OWNER_ENV, measureOwnerToken, withoutHelperReport } from './measure-helper';

/** Keep only the end of long outputs: enough to explain a failure, bounded for huge logs. */
const OUTPUT_TAIL_BYTES = 64 * 1024;
/** After SIGTERM, how long the helper gets to kill the command and report before SIGKILL. */
const TERMINATE_GRACE_MS = 3_000;
/** The helper enforces the timeout itself; this is the backstop if the helper is stuck. */
const BACKSTOP_MS = 10_000;

export interface MeasuredSpawn {
  /** Program that ends up running the measure helper (the helper itself for native, `docker` for containers...). */
  program: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /**
   * Give the program a stdin pipe that is never written and stays open while it runs (the helper's
   * --watch-stdin lifeline through `ssh`): when this process dies the pipe closes, and the command
   * is killed wherever it runs. Default: no stdin.
   */
  holdStdin?: boolean;
}

export interface MeasuredOutcome {
  /** Outer wall time measured here with process.hrtime.bigint(): what the user waits for. */
  outerWallMs: number;
  /** What the helper measured inside the environment; null if it never reported. */
  report: HelperReport | null;
  /** Exit code of the outer program (the command's when the helper reported). */
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
}

class TailBuffer {
  private text = '';
  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > OUTPUT_TAIL_BYTES * 2) this.text = this.text.slice(-OUTPUT_TAIL_BYTES);
  }
  toString(): string {
    return this.text.length > OUTPUT_TAIL_BYTES ? this.text.slice(-OUTPUT_TAIL_BYTES) : this.text;
  }
}

/**
 * Spawns one measured command (argument vector, never a shell) in its own process group, so that
 * a cancel or a stuck helper can be stopped together with everything it started.
 */
export function runMeasured(request: MeasuredSpawn): Promise<MeasuredOutcome> {
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) {
      reject(request.signal.reason ?? new Error('cancelled'));
      return;
    }
    const stdout = new TailBuffer();
    const stderr = new TailBuffer();
    let cancelled = false;
    let backstopFired = false;
    const timers: NodeJS.Timeout[] = [];

    const started = process.hrtime.bigint();
    const owner = measureOwnerToken();
    const child = spawn(request.program, request.args, {
      cwd: request.cwd,
      // The helper kills the command as soon as this process is gone, even after a kill -9.
      env: owner ? { ...request.env, [MEASURE_OWNER_ENV]: owner } : request.env,
      stdio: [request.holdStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdin?.on('error', () => undefined);

    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const onAbort = (): void => {
      cancelled = true;
      // SIGTERM lets the helper kill the command's own process group and still report.
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
      timers.push(setTimeout(() => killGroup('SIGKILL'), TERMINATE_GRACE_MS));
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.timeoutMs > 0) {
      timers.push(
        setTimeout(() => {
          backstopFired = true;
          killGroup('SIGKILL');
        }, request.timeoutMs + BACKSTOP_MS),
      );
    }

    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      stdout.append(chunk);
      request.onOutput?.('stdout', chunk);
    });
    child.stderr!.on('data', (chunk: string) => {
      stderr.append(chunk);
      const text = withoutHelperReport(chunk);
      if (text) request.onOutput?.('stderr', text);
    });

    child.on('error', (error) => {
      cleanup();
      reject(error);
    });
    child.on('close', (code, signal) => {
      child.stdin?.destroy();
      const outerWallMs = Number(process.hrtime.bigint() - started) / 1e6;
      cleanup();
      const { report, stderr: commandStderr } = extractHelperReport(stderr.toString());
      resolve({
        outerWallMs,
        report,
        exitCode: report?.exitCode ?? code ?? 128 + (signal ? 9 : 0),
        stdout: stdout.toString(),
        stderr: commandStderr,
        timedOut: backstopFired || Boolean(report?.timedOut),
        cancelled: cancelled || Boolean(report?.cancelled),
      });
    });

    function cleanup(): void {
      for (const timer of timers) clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  });
}
