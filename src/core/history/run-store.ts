import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type {
  FactValue,
  MachineFingerprint,
  MeasuredVerdict,
  ResultStatus,
  RunOptionsJson,
  RunStatus,
  RunSummary,
  RuntimeFacts,
  RunPlan,
  RuntimeId,
  VerdictJson,
  Sample,
  WorkspaceInfo,
} from '../../shared/run';
import { migrate } from './migrations';
import { openHistoryDatabase, translate } from './open-database';
import type { ProcessIdentity } from '../machine/process-identity';
import { currentProcessIdentity, isProcessAlive } from '../machine/process-identity';

export interface OpenStoreOptions {
  /** Path to a better_sqlite3.node built for the current ABI (Electron's differs from Node's). */
  nativeBinding?: string;
}

/** A run as stored: raw samples; statistics are derived when reading (see run-report.ts). */
export interface StoredRun {
  id: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  workspace: { path: string; module: string; goVersion: string | null };
  machine: MachineFingerprint;
  options: RunOptionsJson;
  results: StoredResult[];
  maintenance: RuntimeFacts[];
  /** Facts of the run as a whole (the machine's load average at start and end). */
  runFacts?: Record<string, FactValue>;
  plan?: RunPlan | null;
  /** Every step's duration, in the order they ran. */
  steps?: StepTime[];
}

/** What the run measured or prepared in one step, and how long the step took as a whole. */
export type StepKind = 'preparation' | 'warmup' | 'sample' | 'check';

export interface StepTime {
  runtime: RuntimeId;
  /** Null for a runtime's preparation. */
  scenario: string | null;
  step: StepKind;
  ms: number;
  failed: boolean;
}

/** runtime_facts rows of the run as a whole carry this instead of a runtime id (no migration needed). */
const RUN_LEVEL = '';

export interface StoredResult {
  id: number;
  runtime: RuntimeId;
  scenario: string;
  status: ResultStatus;
  reason: string | null;
  verdict: VerdictJson | null;
  stopReason?: string | null;
  inputs?: Record<string, string> | null;
  samples: Omit<Sample, 'outlier'>[];
}

export type NewSample = Omit<Sample, 'outlier'>;

interface RunRow {
  id: string;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  envbench_version: string;
  envbench_commit: string | null;
  runs: number;
  warmup: number;
  offline: number;
  timeout_ms: number;
  adaptive_target: number | null;
  adaptive_budget_ms: number | null;
  plan: string | null;
  ws_path: string;
  ws_module: string;
  ws_go_version: string | null;
  cpu_model: string;
  cpu_count: number;
  memory_bytes: number;
  kernel: string;
  os: string;
  arch: string;
  cgroup_version: MachineFingerprint['cgroupVersion'];
  docker_storage_driver: string | null;
  go_version: string | null;
  docker_version: string | null;
  nix_version: string | null;
  devbox_version: string | null;
  host: string | null;
}

/** The columns that make two runs "this machine" (and its hash, the machines table's key). */
function machineIdentity(machine: MachineFingerprint): Record<string, string | number | null> {
  return {
    cpu_model: machine.cpuModel,
    cpu_count: machine.cpuCount,
    memory_bytes: machine.memoryBytes,
    kernel: machine.kernel,
    os: machine.os,
    arch: machine.arch,
    cgroup_version: machine.cgroupVersion,
    docker_storage_driver: machine.dockerStorageDriver,
    go_version: machine.tools.go,
    docker_version: machine.tools.docker,
    nix_version: machine.tools.nix,
    devbox_version: machine.tools.devbox,
    // Only for a remote host: this machine's identity (and hash) stays what it was before hosts existed.
    ...(machine.host ? { host: machine.host } : {}),
  };
}

function machineHash(machine: MachineFingerprint): string {
  return crypto.createHash('sha256').update(JSON.stringify(machineIdentity(machine))).digest('hex');
}

function now(): string {
  return new Date().toISOString();
}

/** Short, sortable, typable: 20261126-120501-3f9a. */
export function newRunId(date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${crypto.randomBytes(2).toString('hex')}`;
}

/**
 * Run history in one SQLite file (WAL). Every sample is committed the moment it is measured,
 * so a crash loses at most the sample in flight; runs whose process died are marked
 * `interrupted` the next time any EnvBench process opens the store.
 */
/** Which runs `listRuns` keeps (`envbench history --runtime --scenario --workspace --since`). */
export interface RunFilter {
  runtimes?: readonly string[];
  scenarios?: readonly string[];
  /** The workspace as stored: its real path. */
  workspacePath?: string;
  /** An ISO 8601 UTC time: runs started at or after it. */
  since?: string;
}

export class RunStore {
  private readonly db: Database.Database;
  private readonly owner: ProcessIdentity = currentProcessIdentity();

  private constructor(db: Database.Database) {
    this.db = db;
  }

  static open(file: string, options: OpenStoreOptions = {}): RunStore {
    const db = openHistoryDatabase(file, options.nativeBinding);
    try {
      migrate(db);
      const store = new RunStore(db);
      store.markInterruptedRuns();
      return store;
    } catch (error) {
      db.close();
      throw translate(file, error);
    }
  }

  close(): void {
    this.db.close();
  }

  /** Runs left `running` by a process that no longer exists become `interrupted`; their samples stay. */
  markInterruptedRuns(): string[] {
    const running = this.db.prepare(`SELECT id, owner_pid, owner_started FROM runs WHERE status = 'running'`).all() as {
      id: string;
      owner_pid: number | null;
      owner_started: string | null;
    }[];
    const dead = running.filter((r) => r.owner_pid === null || !isProcessAlive({ pid: r.owner_pid, started: r.owner_started }));
    const mark = this.db.transaction((ids: string[]) => {
      for (const id of ids) {
        this.db
          .prepare(`UPDATE runs SET status = 'interrupted', error = COALESCE(error, 'the EnvBench process running it stopped before it finished') WHERE id = ? AND status = 'running'`)
          .run(id);
        this.db.prepare(`UPDATE results SET status = 'interrupted' WHERE run_id = ? AND status = 'running'`).run(id);
      }
    });
    mark(dead.map((r) => r.id));
    return dead.map((r) => r.id);
  }

  private upsertMachine(machine: MachineFingerprint): number {
    const identity = machineIdentity(machine);
    const hash = machineHash(machine);
    this.db
      .prepare(
        `INSERT INTO machines (fingerprint_hash, cpu_model, cpu_count, memory_bytes, kernel, os, arch, cgroup_version,
           docker_storage_driver, go_version, docker_version, nix_version, devbox_version, host, first_seen_at)
         VALUES (@hash, @cpu_model, @cpu_count, @memory_bytes, @kernel, @os, @arch, @cgroup_version,
           @docker_storage_driver, @go_version, @docker_version, @nix_version, @devbox_version, @host, @now)
         ON CONFLICT (fingerprint_hash) DO NOTHING`,
      )
      .run({ host: null, ...identity, hash, now: now() });
    return (this.db.prepare(`SELECT id FROM machines WHERE fingerprint_hash = ?`).get(hash) as { id: number }).id;
  }

  private upsertWorkspace(workspace: WorkspaceInfo): number {
    this.db
      .prepare(
        `INSERT INTO workspaces (path, module, go_version, toolchain, last_used_at) VALUES (@path, @module, @goVersion, @toolchain, @now)
         ON CONFLICT (path) DO UPDATE SET module = excluded.module, go_version = excluded.go_version,
           toolchain = excluded.toolchain, last_used_at = excluded.last_used_at`,
      )
      .run({ path: workspace.path, module: workspace.module, goVersion: workspace.goVersion, toolchain: workspace.toolchain, now: now() });
    return (this.db.prepare(`SELECT id FROM workspaces WHERE path = ?`).get(workspace.path) as { id: number }).id;
  }

  /** Creates the run and one `running` result per runtime x scenario, in one transaction. */
  createRun(input: {
    id: string;
    workspace: WorkspaceInfo;
    machine: MachineFingerprint;
    envbench: { version: string; commit: string | null };
    options: RunOptionsJson;
    /** When it was asked for (ISO), before detection; default: now. */
    startedAt?: string;
  }): Map<string, number> {
    const resultIds = new Map<string, number>();
    this.db.transaction(() => {
      const machineId = this.upsertMachine(input.machine);
      const workspaceId = this.upsertWorkspace(input.workspace);
      this.db
        .prepare(
          `INSERT INTO runs (id, status, started_at, workspace_id, machine_id, envbench_version, envbench_commit,
             runs, warmup, offline, timeout_ms, owner_pid, owner_started, adaptive_target, adaptive_budget_ms)
           VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.id,
          input.startedAt ?? now(),
          workspaceId,
          machineId,
          input.envbench.version,
          input.envbench.commit,
          input.options.runs,
          input.options.warmup,
          input.options.offline ? 1 : 0,
          input.options.timeoutMs,
          this.owner.pid,
          this.owner.started,
          input.options.adaptive?.targetHalfWidth ?? null,
          input.options.adaptive?.budgetMs ?? null,
        );
      const insertResult = this.db.prepare(
        `INSERT INTO results (run_id, position, runtime, scenario, status) VALUES (?, ?, ?, ?, 'running')`,
      );
      let position = 0;
      for (const scenario of input.options.scenarios) {
        for (const runtime of input.options.runtimes) {
          const info = insertResult.run(input.id, position++, runtime, scenario);
          resultIds.set(resultKey(runtime, scenario), Number(info.lastInsertRowid));
        }
      }
    })();
    return resultIds;
  }

  /** Stores one sample with its phases in one transaction, committed before the next is measured. */
  addSample(resultId: number, seq: number, sample: NewSample): void {
    this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO samples (result_id, seq, warmup, wall_ms, inner_wall_ms, user_ms, sys_ms, max_rss_kb,
             read_bytes, write_bytes, block_read_bytes, block_write_bytes, exit_code, measured_at,
             cgroup_cpu_ms, cgroup_memory_peak_bytes, cgroup_io_read_bytes, cgroup_io_write_bytes,
             read_calls, write_calls)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          resultId,
          seq,
          sample.warmup ? 1 : 0,
          sample.wallMs,
          sample.innerWallMs,
          sample.userMs,
          sample.sysMs,
          Math.round(sample.maxRssKb),
          Math.round(sample.readBytes),
          Math.round(sample.writeBytes),
          Math.round(sample.blockReadBytes),
          Math.round(sample.blockWriteBytes),
          sample.exitCode,
          now(),
          sample.cgroup?.cpuMs ?? null,
          sample.cgroup?.memoryPeakBytes ?? null,
          sample.cgroup?.ioReadBytes ?? null,
          sample.cgroup?.ioWriteBytes ?? null,
          sample.readCalls === undefined ? null : Math.round(sample.readCalls),
          sample.writeCalls === undefined ? null : Math.round(sample.writeCalls),
        );
      const insertPhase = this.db.prepare(`INSERT INTO sample_phases (sample_id, position, name, ms) VALUES (?, ?, ?, ?)`);
      Object.entries(sample.phases ?? {}).forEach(([name, ms], position) => insertPhase.run(info.lastInsertRowid, position, name, ms));
    })();
  }

  /** How long one step took as a whole (the measured command and what EnvBench did around it). */
  addStepTime(runId: string, time: StepTime): void {
    this.db
      .prepare(`INSERT INTO step_times (run_id, runtime, scenario, step, ms, failed) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(runId, time.runtime, time.scenario, time.step, time.ms, time.failed ? 1 : 0);
  }

  setPlan(runId: string, plan: RunPlan): void {
    this.db.prepare(`UPDATE runs SET plan = ? WHERE id = ?`).run(JSON.stringify(plan), runId);
  }

  /**
   * The step times of the newest `runs` runs of this workspace on this machine (same hardware,
   * kernel and tool versions), newest run first: what the planner estimates from.
   */
  recentStepTimes(machine: MachineFingerprint, workspacePath: string, runs = 10): StepTime[] {
    const rows = this.db
      .prepare(
        `SELECT st.runtime, st.scenario, st.step, st.ms, st.failed FROM step_times st
         JOIN (SELECT r.id, r.started_at FROM runs r JOIN machines m ON m.id = r.machine_id JOIN workspaces w ON w.id = r.workspace_id
               WHERE m.fingerprint_hash = ? AND w.path = ? ORDER BY r.started_at DESC, r.id DESC LIMIT ?) recent ON recent.id = st.run_id
         ORDER BY recent.started_at DESC, recent.id DESC, st.rowid`,
      )
      .all(machineHash(machine), workspacePath, runs) as { runtime: RuntimeId; scenario: string | null; step: StepKind; ms: number; failed: number }[];
    return rows.map((row) => ({ ...row, failed: row.failed === 1 }));
  }

  /**
   * For the newest `runs` finished runs of this workspace on this machine: the run's wall-clock
   * time beyond its steps (EnvBench's own work between them: reading each result's inputs,
   * removing containers) per measured result, in ms.
   */
  recentBookkeeping(machine: MachineFingerprint, workspacePath: string, runs = 3): number[] {
    const rows = this.db
      .prepare(
        `SELECT r.started_at, r.finished_at,
           (SELECT COALESCE(SUM(st.ms), 0) FROM step_times st WHERE st.run_id = r.id) AS steps_ms,
           (SELECT COUNT(*) FROM results res WHERE res.run_id = r.id AND res.status = 'completed') AS results
         FROM runs r JOIN machines m ON m.id = r.machine_id JOIN workspaces w ON w.id = r.workspace_id
         WHERE m.fingerprint_hash = ? AND w.path = ? AND r.status = 'completed' AND r.finished_at IS NOT NULL
           AND EXISTS (SELECT 1 FROM step_times st WHERE st.run_id = r.id)
         ORDER BY r.started_at DESC, r.id DESC LIMIT ?`,
      )
      .all(machineHash(machine), workspacePath, runs) as { started_at: string; finished_at: string; steps_ms: number; results: number }[];
    return rows
      .filter((row) => row.results > 0)
      .map((row) => Math.max(0, Date.parse(row.finished_at) - Date.parse(row.started_at) - row.steps_ms) / row.results);
  }

  /** Maintenance facts of one runtime in a run; a later call for the same key replaces the value. */
  setFacts(runId: string, runtime: RuntimeId, facts: Record<string, FactValue>): void {
    const upsert = this.db.prepare(
      `INSERT INTO runtime_facts (run_id, runtime, key, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, runtime, key) DO UPDATE SET value = excluded.value`,
    );
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(facts)) upsert.run(runId, runtime, key, JSON.stringify(value));
    })();
  }

  /** Facts of the run as a whole; a later call for the same key replaces the value. */
  setRunFacts(runId: string, facts: Record<string, FactValue>): void {
    this.setFacts(runId, RUN_LEVEL as RuntimeId, facts);
  }

  /** What the environment gave this result's scenario (ResultJson.inputs); a later call replaces it. */
  setInputs(resultId: number, inputs: Record<string, string>): void {
    this.db.prepare(`UPDATE results SET inputs = ? WHERE id = ?`).run(JSON.stringify(inputs), resultId);
  }

  setStopReason(resultId: number, reason: string): void {
    this.db.prepare(`UPDATE results SET stop_reason = ? WHERE id = ?`).run(reason, resultId);
  }

  setVerdict(resultId: number, verdict: VerdictJson): void {
    this.db
      .prepare(`UPDATE results SET verdict = ?, verdict_detail = ?, verdict_method = ? WHERE id = ?`)
      .run(verdict.value, verdict.detail, verdict.method, resultId);
  }

  /** The newest verdict of a check scenario for each runtime that has one. */
  latestVerdicts(scenario: string): Map<RuntimeId, MeasuredVerdict> {
    const rows = this.db
      .prepare(
        `SELECT res.runtime, res.verdict, res.verdict_detail, res.verdict_method, r.id AS run_id, r.started_at, w.path
         FROM results res JOIN runs r ON r.id = res.run_id JOIN workspaces w ON w.id = r.workspace_id
         WHERE res.scenario = ? AND res.verdict IS NOT NULL
         ORDER BY r.started_at DESC, r.id DESC`,
      )
      .all(scenario) as { runtime: RuntimeId; verdict: VerdictJson['value']; verdict_detail: string | null; verdict_method: string | null; run_id: string; started_at: string; path: string }[];
    const latest = new Map<RuntimeId, MeasuredVerdict>();
    for (const row of rows) {
      if (latest.has(row.runtime)) continue;
      latest.set(row.runtime, { value: row.verdict, detail: row.verdict_detail, method: row.verdict_method ?? '', runId: row.run_id, measuredAt: row.started_at, workspacePath: row.path });
    }
    return latest;
  }

  finishResult(resultId: number, status: ResultStatus, reason: string | null = null): void {
    this.db.prepare(`UPDATE results SET status = ?, reason = ? WHERE id = ?`).run(status, reason, resultId);
  }

  /**
   * A finished run ends when its cleanup does (sessions disposed, deferred removals drained): the
   * planner counts that time too (recentBookkeeping).
   */
  endCleanup(runId: string): void {
    this.db.prepare(`UPDATE runs SET finished_at = ? WHERE id = ? AND finished_at IS NOT NULL`).run(now(), runId);
  }

  finishRun(runId: string, status: RunStatus, error: string | null = null): void {
    this.db.transaction(() => {
      this.db.prepare(`UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ?`).run(status, now(), error, runId);
      // Whatever did not get to finish ends with the run.
      const leftover: ResultStatus = status === 'cancelled' ? 'cancelled' : status === 'interrupted' ? 'interrupted' : 'failed';
      this.db
        .prepare(`UPDATE results SET status = ?, reason = COALESCE(reason, ?) WHERE run_id = ? AND status = 'running'`)
        .run(leftover, error ?? 'the run ended before this measurement finished', runId);
    })();
  }

  /** Newest first; `offset` skips that many (the app's history pages through ten thousand runs). */
  /** Newest first; a filter keeps the runs that measured any of its runtimes (scenarios), in that workspace, started at or after `since`. */
  listRuns(limit = 200, offset = 0, filter: RunFilter = {}): RunSummary[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const anyOf = (column: 'runtime' | 'scenario', values: readonly string[] | undefined): void => {
      if (!values?.length) return;
      where.push(`EXISTS (SELECT 1 FROM results x WHERE x.run_id = r.id AND x.${column} IN (${values.map(() => '?').join(', ')}))`);
      params.push(...values);
    };
    anyOf('runtime', filter.runtimes);
    anyOf('scenario', filter.scenarios);
    if (filter.workspacePath !== undefined) {
      where.push('w.path = ?');
      params.push(filter.workspacePath);
    }
    if (filter.since !== undefined) {
      where.push('r.started_at >= ?');
      params.push(filter.since);
    }
    const rows = this.db
      .prepare(
        `SELECT r.id, r.status, r.started_at, r.finished_at, w.path, w.module, m.host,
           (SELECT group_concat(runtime, ',') FROM (SELECT DISTINCT runtime FROM results WHERE run_id = r.id ORDER BY position)) AS runtimes,
           (SELECT group_concat(scenario, ',') FROM (SELECT DISTINCT scenario FROM results WHERE run_id = r.id ORDER BY position)) AS scenarios
         FROM runs r JOIN workspaces w ON w.id = r.workspace_id JOIN machines m ON m.id = r.machine_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY r.started_at DESC, r.id DESC LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset) as {
      id: string;
      status: RunStatus;
      started_at: string;
      finished_at: string | null;
      path: string;
      module: string;
      host: string | null;
      runtimes: string | null;
      scenarios: string | null;
    }[];
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      workspacePath: row.path,
      module: row.module,
      ...(row.host ? { host: row.host } : {}),
      runtimes: (row.runtimes ? row.runtimes.split(',') : []) as RuntimeId[],
      scenarios: row.scenarios ? row.scenarios.split(',') : [],
    }));
  }

  getRun(runId: string): StoredRun | null {
    const row = this.db
      .prepare(
        `SELECT r.*, w.path AS ws_path, w.module AS ws_module, w.go_version AS ws_go_version,
           m.cpu_model, m.cpu_count, m.memory_bytes, m.kernel, m.os, m.arch, m.cgroup_version, m.docker_storage_driver,
           m.go_version, m.docker_version, m.nix_version, m.devbox_version, m.host
         FROM runs r JOIN workspaces w ON w.id = r.workspace_id JOIN machines m ON m.id = r.machine_id
         WHERE r.id = ?`,
      )
      .get(runId) as RunRow | undefined;
    if (!row) return null;
    const results = this.db
      .prepare(`SELECT id, runtime, scenario, status, reason, verdict, verdict_detail, verdict_method, stop_reason, inputs FROM results WHERE run_id = ? ORDER BY position`)
      .all(runId) as {
      id: number;
      runtime: RuntimeId;
      scenario: string;
      status: ResultStatus;
      reason: string | null;
      verdict: VerdictJson['value'] | null;
      verdict_detail: string | null;
      verdict_method: string | null;
      stop_reason: string | null;
      inputs: string | null;
    }[];
    const samplesOf = this.db.prepare(
      `SELECT id, warmup, wall_ms, inner_wall_ms, user_ms, sys_ms, max_rss_kb, read_bytes, write_bytes,
         block_read_bytes, block_write_bytes, exit_code, cgroup_cpu_ms, cgroup_memory_peak_bytes,
         cgroup_io_read_bytes, cgroup_io_write_bytes, read_calls, write_calls FROM samples WHERE result_id = ? ORDER BY seq`,
    );
    const phasesOf = this.db.prepare(`SELECT name, ms FROM sample_phases WHERE sample_id = ? ORDER BY position`);
    const facts = this.db.prepare(`SELECT runtime, key, value FROM runtime_facts WHERE run_id = ? ORDER BY rowid`).all(runId) as {
      runtime: RuntimeId;
      key: string;
      value: string | null;
    }[];
    const maintenance = new Map<RuntimeId, Record<string, FactValue>>();
    const runFacts: Record<string, FactValue> = {};
    for (const fact of facts) {
      if ((fact.runtime as string) === RUN_LEVEL) {
        runFacts[fact.key] = fact.value === null ? null : (JSON.parse(fact.value) as FactValue);
        continue;
      }
      const entry = maintenance.get(fact.runtime) ?? {};
      entry[fact.key] = fact.value === null ? null : (JSON.parse(fact.value) as FactValue);
      maintenance.set(fact.runtime, entry);
    }
    const steps = (this.db.prepare(`SELECT runtime, scenario, step, ms, failed FROM step_times WHERE run_id = ? ORDER BY rowid`).all(runId) as {
      runtime: RuntimeId;
      scenario: string | null;
      step: StepKind;
      ms: number;
      failed: number;
    }[]).map((step) => ({ ...step, failed: step.failed === 1 }));
    const runtimes = [...new Set(results.map((r) => r.runtime))];
    const scenarios = [...new Set(results.map((r) => r.scenario))];
    return {
      id: row.id,
      status: row.status,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      error: row.error,
      workspace: { path: row.ws_path, module: row.ws_module, goVersion: row.ws_go_version },
      machine: {
        cpuModel: row.cpu_model,
        cpuCount: row.cpu_count,
        memoryBytes: row.memory_bytes,
        kernel: row.kernel,
        os: row.os,
        arch: row.arch,
        cgroupVersion: row.cgroup_version,
        dockerStorageDriver: row.docker_storage_driver,
        tools: { go: row.go_version, docker: row.docker_version, nix: row.nix_version, devbox: row.devbox_version },
        envbenchVersion: row.envbench_version,
        envbenchCommit: row.envbench_commit,
        ...(row.host ? { host: row.host } : {}),
      },
      options: {
        runtimes,
        scenarios,
        runs: row.runs,
        ...(row.adaptive_target !== null ? { adaptive: { targetHalfWidth: row.adaptive_target, maxRuns: row.runs, budgetMs: row.adaptive_budget_ms ?? 0 } } : {}),
        warmup: row.warmup,
        offline: row.offline === 1,
        timeoutMs: row.timeout_ms,
      },
      results: results.map((result) => ({
        id: result.id,
        runtime: result.runtime,
        scenario: result.scenario,
        status: result.status,
        reason: result.reason,
        verdict: result.verdict ? { value: result.verdict, detail: result.verdict_detail, method: result.verdict_method ?? '' } : null,
        stopReason: result.stop_reason,
        inputs: result.inputs ? (JSON.parse(result.inputs) as Record<string, string>) : null,
        samples: (samplesOf.all(result.id) as SampleRow[]).map((row) => toSample(row, phasesOf.all(row.id) as { name: string; ms: number }[])),
      })),
      maintenance: [...maintenance].map(([runtime, entries]) => ({ runtime, facts: entries })),
      runFacts,
      plan: row.plan ? (JSON.parse(row.plan) as RunPlan) : null,
      steps,
    };
  }

  deleteRun(runId: string): boolean {
    return this.db.prepare(`DELETE FROM runs WHERE id = ?`).run(runId).changes > 0;
  }
}

interface SampleRow {
  id: number;
  warmup: number;
  wall_ms: number;
  inner_wall_ms: number;
  user_ms: number;
  sys_ms: number;
  max_rss_kb: number;
  read_bytes: number;
  write_bytes: number;
  block_read_bytes: number;
  block_write_bytes: number;
  exit_code: number;
  cgroup_cpu_ms: number | null;
  cgroup_memory_peak_bytes: number | null;
  cgroup_io_read_bytes: number | null;
  cgroup_io_write_bytes: number | null;
  read_calls: number | null;
  write_calls: number | null;
}

function toSample(row: SampleRow, phases: { name: string; ms: number }[]): NewSample {
  return {
    wallMs: row.wall_ms,
    innerWallMs: row.inner_wall_ms,
    userMs: row.user_ms,
    sysMs: row.sys_ms,
    maxRssKb: row.max_rss_kb,
    readBytes: row.read_bytes,
    writeBytes: row.write_bytes,
    blockReadBytes: row.block_read_bytes,
    blockWriteBytes: row.block_write_bytes,
    ...(row.read_calls !== null ? { readCalls: row.read_calls } : {}),
    ...(row.write_calls !== null ? { writeCalls: row.write_calls } : {}),
    exitCode: row.exit_code,
    warmup: row.warmup === 1,
    ...(phases.length > 0 ? { phases: Object.fromEntries(phases.map((p) => [p.name, p.ms])) } : {}),
    ...(row.cgroup_cpu_ms !== null
      ? {
          cgroup: {
            cpuMs: row.cgroup_cpu_ms,
            memoryPeakBytes: row.cgroup_memory_peak_bytes,
            ioReadBytes: row.cgroup_io_read_bytes ?? 0,
            ioWriteBytes: row.cgroup_io_write_bytes ?? 0,
          },
        }
      : {}),
  };
}

export function resultKey(runtime: RuntimeId, scenario: string): string {
  return `${runtime}\u0000${scenario}`;
}
