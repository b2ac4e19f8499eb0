import type Database from 'better-sqlite3';
import { UserError } from '../user-error';

/**
 * Schema migrations, keyed by PRAGMA user_version. Append only: never edit a released
 * migration, add the next one. Each runs inside a transaction together with its version bump.
 */
export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
  /**
   * Rebuilds a table other tables reference (SQLite cannot change a CHECK in place): runs with
   * foreign keys off, as SQLite's "other kinds of table schema changes" procedure says, and
   * checks them before committing.
   */
  rebuildsTables?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'machines, workspaces, runs, results, samples',
    up(db) {
      db.exec(`
        CREATE TABLE machines (
          id INTEGER PRIMARY KEY,
          fingerprint_hash TEXT NOT NULL UNIQUE,
          cpu_model TEXT NOT NULL,
          cpu_count INTEGER NOT NULL,
          memory_bytes INTEGER NOT NULL,
          kernel TEXT NOT NULL,
          os TEXT NOT NULL,
          arch TEXT NOT NULL,
          cgroup_version TEXT NOT NULL,
          docker_storage_driver TEXT,
          go_version TEXT,
          docker_version TEXT,
          nix_version TEXT,
          devbox_version TEXT,
          first_seen_at TEXT NOT NULL
        );
        CREATE TABLE workspaces (
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL UNIQUE,
          module TEXT NOT NULL,
          go_version TEXT,
          toolchain TEXT,
          last_used_at TEXT NOT NULL
        );
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'interrupted')),
          started_at TEXT NOT NULL,
          finished_at TEXT,
          workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
          machine_id INTEGER NOT NULL REFERENCES machines(id),
          envbench_version TEXT NOT NULL,
          envbench_commit TEXT,
          runs INTEGER NOT NULL,
          warmup INTEGER NOT NULL,
          offline INTEGER NOT NULL,
          timeout_ms INTEGER NOT NULL,
          owner_pid INTEGER,
          owner_started TEXT,
          error TEXT
        );
        CREATE INDEX runs_started_at ON runs(started_at);
        CREATE TABLE results (
          id INTEGER PRIMARY KEY,
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          runtime TEXT NOT NULL,
          scenario TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'interrupted')),
          reason TEXT,
          UNIQUE (run_id, runtime, scenario)
        );
        CREATE INDEX results_scenario_runtime ON results(scenario, runtime);
        CREATE TABLE samples (
          id INTEGER PRIMARY KEY,
          result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          warmup INTEGER NOT NULL,
          wall_ms REAL NOT NULL,
          inner_wall_ms REAL NOT NULL,
          user_ms REAL NOT NULL,
          sys_ms REAL NOT NULL,
          max_rss_kb INTEGER NOT NULL,
          read_bytes INTEGER NOT NULL,
          write_bytes INTEGER NOT NULL,
          block_read_bytes INTEGER NOT NULL,
          block_write_bytes INTEGER NOT NULL,
          exit_code INTEGER NOT NULL,
          measured_at TEXT NOT NULL,
          UNIQUE (result_id, seq)
        );
      `);
    },
  },
  {
    version: 2,
    description: 'startup phases, container cgroup figures, maintenance facts',
    up(db) {
      db.exec(`
        CREATE TABLE sample_phases (
          sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          name TEXT NOT NULL,
          ms REAL NOT NULL,
          PRIMARY KEY (sample_id, position)
        );
        ALTER TABLE samples ADD COLUMN cgroup_cpu_ms REAL;
        ALTER TABLE samples ADD COLUMN cgroup_memory_peak_bytes INTEGER;
        ALTER TABLE samples ADD COLUMN cgroup_io_read_bytes INTEGER;
        ALTER TABLE samples ADD COLUMN cgroup_io_write_bytes INTEGER;
        CREATE TABLE runtime_facts (
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          runtime TEXT NOT NULL,
          key TEXT NOT NULL,
          value TEXT,
          PRIMARY KEY (run_id, runtime, key)
        );
      `);
    },
  },
  {
    version: 3,
    description: 'verdicts of check scenarios, adaptive sampling (--runs auto) and why it stopped',
    up(db) {
      db.exec(`
        ALTER TABLE results ADD COLUMN verdict TEXT;
        ALTER TABLE results ADD COLUMN verdict_detail TEXT;
        ALTER TABLE results ADD COLUMN verdict_method TEXT;
        ALTER TABLE results ADD COLUMN stop_reason TEXT;
        ALTER TABLE runs ADD COLUMN adaptive_target REAL;
        ALTER TABLE runs ADD COLUMN adaptive_budget_ms INTEGER;
      `);
    },
  },
  {
    version: 4,
    description: 'read/write-like system calls per sample (/proc io syscr/syscw); null when not measured',
    up(db) {
      db.exec(`
        ALTER TABLE samples ADD COLUMN read_calls INTEGER;
        ALTER TABLE samples ADD COLUMN write_calls INTEGER;
      `);
    },
  },
  {
    version: 5,
    description: "results may be 'not-applicable' (a library has no main package); each result records its inputs (uid, HOME, caches...) as JSON",
    rebuildsTables: true,
    up(db) {
      db.exec(`
        CREATE TABLE results_v5 (
          id INTEGER PRIMARY KEY,
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          runtime TEXT NOT NULL,
          scenario TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'interrupted', 'not-applicable')),
          reason TEXT,
          verdict TEXT,
          verdict_detail TEXT,
          verdict_method TEXT,
          stop_reason TEXT,
          inputs TEXT,
          UNIQUE (run_id, runtime, scenario)
        );
        INSERT INTO results_v5 (id, run_id, position, runtime, scenario, status, reason, verdict, verdict_detail, verdict_method, stop_reason)
          SELECT id, run_id, position, runtime, scenario, status, reason, verdict, verdict_detail, verdict_method, stop_reason FROM results;
        DROP TABLE results;
        ALTER TABLE results_v5 RENAME TO results;
        CREATE INDEX results_scenario_runtime ON results(scenario, runtime);
      `);
    },
  },
  {
    version: 6,
    description: "every step's duration (a runtime's preparation, each warmup, sample and check) for the planner's estimates, and the plan each run followed",
    up(db) {
      db.exec(`
        CREATE TABLE step_times (
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          runtime TEXT NOT NULL,
          scenario TEXT,
          step TEXT NOT NULL CHECK (step IN ('preparation', 'warmup', 'sample', 'check')),
          ms REAL NOT NULL,
          failed INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX step_times_run ON step_times(run_id);
        ALTER TABLE runs ADD COLUMN plan TEXT;
      `);
    },
  },
  {
    version: 7,
    description: 'the remote host a run measured (`envbench run --host`), as part of its machine; null for this machine',
    up(db) {
      db.exec(`ALTER TABLE machines ADD COLUMN host TEXT;`);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new UserError('Cannot use the history database', `it has schema version ${current}, newer than this EnvBench understands (${latest})`, 'Update EnvBench, or point --db at another file');
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    // PRAGMA foreign_keys is a no-op inside a transaction: switched off before it, back after.
    if (migration.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        migration.up(db);
        if (migration.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`migration ${migration.version} left ${broken.length} rows whose references do not hold`);
        }
        db.pragma(`user_version = ${migration.version}`);
      })();
    } finally {
      if (migration.rebuildsTables && foreignKeys) db.pragma('foreign_keys = ON');
    }
  }
}
