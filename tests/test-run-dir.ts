import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Global setup of both test projects (tests/vitest.config.mts): one parent for every temporary
 * data directory of this test run (tests/support/envbench-cli.ts), removed at teardown. vitest
 * ends its workers without an exit event, and a Nix GC root left in one would keep store paths
 * alive and make the next cold start impossible. Its own parent, so that another test run at the
 * same time keeps its directories.
 */
export default function setup(): () => void {
  // `npm test` runs both projects in one process: the first setup makes the directory, the
  // second finds it in the environment and leaves it to the first.
  const existing = process.env.ENVBENCH_TEST_TMP;
  if (existing && fs.existsSync(existing)) return () => {};
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-tests-'));
  process.env.ENVBENCH_TEST_TMP = parent;
  // The machine-wide measuring lock (measure-lock.ts) of this test run only: its test files share
  // it, while another test run on the machine keeps its own.
  process.env.ENVBENCH_LOCK_DIR = path.join(parent, 'measure-lock');
  return () => fs.rmSync(parent, { recursive: true, force: true });
}
