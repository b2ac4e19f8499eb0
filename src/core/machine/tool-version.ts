import { execFile } from 'node:child_process';

export interface ProbeResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** ENOENT when the program is not installed, otherwise the exit code or signal as text. */
  failure: string | null;
}

/** Runs a short informational command (never through a shell) with a hard timeout. */
export function probe(program: string, args: readonly string[], timeoutMs = 5_000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(program, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ ok: true, stdout, stderr, failure: null });
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      const failure = code === 'ENOENT' ? 'ENOENT' : error.killed ? 'timeout' : String(code ?? error.message);
      resolve({ ok: false, stdout: stdout ?? '', stderr: stderr ?? '', failure });
    });
  });
}

/** `go version` -> "go1.26.8"; `nix (Nix) 2.8.0` -> "2.8.0"; first version-looking token otherwise. */
export function parseVersion(text: string): string | null {
  const go = /\bgo(\d+\.\d+(?:\.\d+)?(?:[a-z0-9.-]*)?)\b/.exec(text);
  if (go && /go version/.test(text)) return `go${go[1]}`;
  const generic = /\b(\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?)\b/.exec(text);
  return generic ? generic[1]! : null;
}

export async function toolVersion(program: string, args: readonly string[]): Promise<string | null> {
  const result = await probe(program, args);
  return result.ok ? parseVersion(result.stdout + result.stderr) : null;
}
