import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { CLI, ROOT } from './envbench-cli';

export interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const running: ChildProcess[] = [];

/** The real CLI bundle, as `npm start` runs it; resolves once it printed its URL. */
export async function serve(args: string[], dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd: ROOT, env: { ...process.env, ENVBENCH_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL after 30 s: ${stdout} ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /^(http:\/\/\S+\/\?token=[A-Za-z0-9_-]+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`envbench serve exited ${code} before printing its URL: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr, exited };
}

/** Kills every server a test started and left running. */
export function stopServers(): void {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
