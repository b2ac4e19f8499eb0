import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from './migrations';
import { RunStore } from './run-store';

function tempDb(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-db-')), 'history.sqlite');
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
    expect(tables).toEqual(['machines', 'results', 'runs', 'runtime_facts', 'sample_phases', 'samples', 'workspaces']);
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
