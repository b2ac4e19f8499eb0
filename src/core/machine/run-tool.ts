import { spawn } from 'node:child_process';

export interface ToolResult {
  code: number;
  stdout: string;
  /** The last 64 KiB: enough to explain a failure. */
  stderr: string;
}

/**
 * Runs a tool (nix, nix-store, devbox, ...) with an argument vector (never a shell) and collects
 * its output; a cancel through `signal` stops it. Unlike probe(), no timeout: the caller's
 * signal decides, because realising or installing may rightly take minutes.
 */
export function runTool(program: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal }): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-64 * 1024)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
