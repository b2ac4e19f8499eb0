import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'out', 'cli', 'envbench.cjs');
export const RESOURCES = path.join(ROOT, 'resources');
export const SAMPLE_WORKSPACE = path.join(RESOURCES, 'sample-workspace');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

const created: string[] = [];

/**
 * A fresh data directory per test, so history never leaks between tests or into the user's own.
 * Removed when its test file ends (tests/per-file-setup.ts), and in any case with the test run's
 * own parent directory (tests/test-run-dir.ts). A Nix GC root left inside one would keep store
 * paths alive and make a later test file's cold start impossible.
 */
/** Removes the data directories this test file made (its cores are disposed by then), and returns them. */
export function removeTempDataDirs(): string[] {
  const dirs = created.splice(0);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  return dirs;
}

export function tempDataDir(prefix = 'envbench-test-'): string {
  const dir = fs.mkdtempSync(path.join(process.env.ENVBENCH_TEST_TMP ?? os.tmpdir(), prefix));
  if (created.length === 0) process.once('exit', () => created.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  created.push(dir);
  return dir;
}

export function envbench(args: string[], dataDir: string, options: { cwd?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, ENVBENCH_DATA_DIR: dataDir, ...options.env },
    timeout: options.timeout ?? 15 * 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function envbenchAsync(args: string[], dataDir: string): ReturnType<typeof spawn> {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ENVBENCH_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Writes a small stdlib-only Go module (a main package plus a tested library) into dir. */
export function writeGoModule(dir: string, module = 'example.com/other'): string {
  fs.mkdirSync(path.join(dir, 'cmd', 'hello'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'greet'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), `module ${module}\n\ngo 1.22\n`);
  fs.writeFileSync(
    path.join(dir, 'greet', 'greet.go'),
    'package greet\n\nimport "strings"\n\n// Hello greets name.\nfunc Hello(name string) string { return "hello, " + strings.TrimSpace(name) }\n',
  );
  fs.writeFileSync(
    path.join(dir, 'greet', 'greet_test.go'),
    'package greet\n\nimport "testing"\n\nfunc TestHello(t *testing.T) {\n\tif got := Hello(" go "); got != "hello, go" {\n\t\tt.Fatalf("got %q", got)\n\t}\n}\n',
  );
  fs.writeFileSync(
    path.join(dir, 'cmd', 'hello', 'main.go'),
    `package main\n\nimport (\n\t"fmt"\n\n\t"${module}/greet"\n)\n\nfunc main() { fmt.Println(greet.Hello("world")) }\n`,
  );
  return dir;
}

/** Samples stored so far in a history file another process is writing (0 before the schema exists). */
export function storedSampleCount(dbFile: string): number {
  if (!fs.existsSync(dbFile)) return 0;
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

export async function waitForSamples(dbFile: string, count: number, describeFailure: () => string, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = storedSampleCount(dbFile);
    if (n >= count) return n;
    if (Date.now() > deadline) throw new Error(`fewer than ${count} samples after ${timeoutMs / 1000} s: ${describeFailure()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
