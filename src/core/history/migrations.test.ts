import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDirsOfThisFile } from '../../../tests/support/temp-dirs';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from './migrations';
import { RunStore } from './run-store';
import { testMachine } from '../../../tests/support/run-fixtures';

const tempDir = tempDirsOfThisFile('envbench-db-');

function tempDb(): string {
  return path.join(tempDir(), 'history.sqlite');
}

/** A run 'old' with one result (inserted by `result`, id `resultId`) holding one sample, as an older EnvBench left it. */
function seedOldRun(db: Database.Database, resultId: number, result: string): void {
  db.exec(`
    INSERT INTO machines (id, fingerprint_hash, cpu_model, cpu_count, memory_bytes, kernel, os, arch, cgroup_version, first_seen_at)
      VALUES (1, 'h', 'c', 1, 1, 'k', 'o', 'x64', 'v2', 't');
    INSERT INTO workspaces (id, path, module, last_used_at) VALUES (1, '/m', 'example.com/m', 't');
    INSERT INTO runs (id, status, started_at, workspace_id, machine_id, envbench_version, runs, warmup, offline, timeout_ms)
      VALUES ('old', 'completed', 't', 1, 1, 'v', 1, 0, 0, 1);
    ${result};
    INSERT INTO samples (result_id, seq, warmup, wall_ms, inner_wall_ms, user_ms, sys_ms, max_rss_kb, read_bytes, write_bytes,
      block_read_bytes, block_write_bytes, exit_code, measured_at) VALUES (${resultId}, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 't');
  `);
}

describe('history schema', () => {
  it('migrates a new file to the latest version in WAL mode, and reopening changes nothing', () => {
    const file = tempDb();
    RunStore.open(file).close();
    RunStore.open(file).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(['machines', 'results', 'runs', 'runtime_facts', 'sample_phases', 'samples', 'step_times', 'workspaces']);
    db.close();
  });

  it('keeps read/write call counts of a sample, and reads a sample without them (or from before version 4) as absent', () => {
    const file = tempDb();
    // A database at version 3 holding a sample, as an older EnvBench left it.
    const old = new Database(file);
    migrate(old, MIGRATIONS.filter((m) => m.version <= 3));
    seedOldRun(old, 1, `INSERT INTO results (id, run_id, position, runtime, scenario, status) VALUES (1, 'old', 0, 'native', 'vet', 'completed')`);
    old.close();

    const store = RunStore.open(file);
    const base = { wallMs: 10, innerWallMs: 9, userMs: 1, sysMs: 1, maxRssKb: 1, readBytes: 1, writeBytes: 1, blockReadBytes: 0, blockWriteBytes: 0, exitCode: 0, warmup: false };
    const ids = store.createRun({
      id: 'new',
      workspace: { path: '/m', module: 'example.com/m', goVersion: null, toolchain: null, packages: 1, testFiles: 0, mainPackages: [], definitions: [] },
      machine: testMachine({ envbenchVersion: 'v' }),
      envbench: { version: 'v', commit: null },
      options: { runtimes: ['native'], scenarios: ['vet'], runs: 2, warmup: 0, offline: false, timeoutMs: 1 },
    });
    const resultId = [...ids.values()][0]!;
    store.addSample(resultId, 0, { ...base, readCalls: 1234, writeCalls: 0 });
    store.addSample(resultId, 1, base);
    const [counted, missing] = store.getRun('new')!.results[0]!.samples;
    expect(counted).toMatchObject({ readCalls: 1234, writeCalls: 0 });
    expect(missing).not.toHaveProperty('readCalls');
    expect(missing).not.toHaveProperty('writeCalls');
    const [older] = store.getRun('old')!.results[0]!.samples;
    expect(older).not.toHaveProperty('readCalls');
    expect(older).not.toHaveProperty('writeCalls');
    store.close();
  });

  it('version 5 keeps every result and its samples, and takes not-applicable results and recorded inputs', () => {
    const file = tempDb();
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(old, MIGRATIONS.filter((m) => m.version <= 4));
    seedOldRun(old, 7, `INSERT INTO results (id, run_id, position, runtime, scenario, status, verdict, stop_reason) VALUES (7, 'old', 0, 'native', 'vet', 'completed', 'ready', 'converged')`);
    old.close();

    const store = RunStore.open(file);
    const [result] = store.getRun('old')!.results;
    expect(result).toMatchObject({ id: 7, status: 'completed', stopReason: 'converged', inputs: null });
    expect(result!.samples).toHaveLength(1);
    store.finishResult(7, 'not-applicable', 'the module has no main package');
    store.setInputs(7, { uid: '1000', TMPDIR: '(unset: /tmp)' });
    expect(store.getRun('old')!.results[0]).toMatchObject({ status: 'not-applicable', inputs: { uid: '1000', TMPDIR: '(unset: /tmp)' } });
    // Deleting the run still cascades to the rebuilt table and its samples.
    expect(store.deleteRun('old')).toBe(true);
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM samples').get()).toEqual({ n: 0 });
    db.close();
  });

  it('rolls a failing migration back entirely, version included', () => {
    const db = new Database(tempDb());
    const broken = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, description: 'broken', up: (d: Database.Database) => d.exec('CREATE TABLE half (x); SELECT * FROM nowhere;') }];
    expect(() => migrate(db, broken)).toThrow(/nowhere/);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'`).get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database written by a newer EnvBench instead of damaging it', () => {
    const file = tempDb();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => RunStore.open(file)).toThrow(/newer than this EnvBench understands/);
  });
});
