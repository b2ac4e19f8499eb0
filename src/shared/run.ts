// The run model shared by core, CLI, main process and renderer. Pure types: no Node, no Electron.

/**
 * An environment's id ("native", "docker", "dind", "nix", "devbox"): the list is
 * src/core/environments/registry.ts's, the one every layer uses (the renderer through the IPC
 * contract's `runtime:list`), so adding an environment adds no id here.
 */
export type RuntimeId = string;

/** What an environment id looks like (checked at the IPC boundary; core checks it is registered). */
export const RUNTIME_ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** How the nix runtime enters its shell: `nix develop` on a flake, or `nix-shell` on a shell.nix. */
export const NIX_ENTRIES = ['flake', 'shell'] as const;
export type NixEntry = (typeof NIX_ENTRIES)[number];

export type Dimension = 'startup' | 'performance' | 'maintenance';

/**
 * What `envbench export` and the app's Export button write (src/core/export/exporters.ts):
 * a PDF report, a Markdown report, one CSV row per sample (`csv`) or per result (`csv-summary`),
 * the run JSON, and Go benchmark format for benchstat.
 */
export const EXPORT_FORMATS = ['pdf', 'md', 'csv', 'csv-summary', 'json', 'benchfmt'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
/**
 * 'not-applicable': the scenario has nothing to measure in this workspace (a library has no main
 * package to debug or build); `reason` says why. Not a failure, and never part of a score.
 */
export type ResultStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted' | 'not-applicable';

/** One measured execution of a scenario's command. Times in milliseconds, sizes in bytes/KiB. */
export interface Sample {
  /** End to end, as the user waits: includes the runtime's entry cost (equals innerWallMs for native). */
  wallMs: number;
  /** The command alone, timed inside the environment by the measure helper. */
  innerWallMs: number;
  userMs: number;
  sysMs: number;
  /** Peak resident set size of the largest process in the command's tree (wait4/getrusage semantics). */
  maxRssKb: number;
  /** Bytes the command tree read/wrote through read(2)/write(2)-like calls (/proc io rchar/wchar). */
  readBytes: number;
  writeBytes: number;
  /** Bytes that reached the storage layer (/proc io read_bytes/write_bytes); 0 when served from page cache. */
  blockReadBytes: number;
  blockWriteBytes: number;
  /**
   * read(2)-like / write(2)-like system calls of the command tree (/proc io syscr/syscw; the
   * kernel's own reads of executables at exec count too). Opens are not counted: Linux has no
   * open(2) counter without tracing. Absent when the helper could not read them (no /proc io,
   * or a helper binary older than these fields).
   */
  readCalls?: number;
  writeCalls?: number;
  exitCode: number;
  /** True for warmup samples: stored for transparency, never used in statistics. */
  warmup: boolean;
  /** Modified z-score above 3.5: flagged, never removed. */
  outlier: boolean;
  /** Startup scenarios: milliseconds per phase, in order (image, create, start, exec-ready, first-run...). */
  phases?: Record<string, number>;
  /** Container runtimes: the container's own cgroup counters over the sample (whole tree, all processes). */
  cgroup?: CgroupUsage;
}

export interface CgroupUsage {
  cpuMs: number;
  /**
   * Container memory (excl. page cache): the largest reading, every 50 ms over the command, of
   * the whole container's memory (all its processes' anonymous memory plus kernel memory)
   * without file pages (v2 `memory.current` - `file`; v1 `memory.usage_in_bytes` -
   * `total_cache`). Page cache left by earlier commands stays charged to the container, so with
   * it the figure would depend on scenario order. Null where the memory controller is not readable.
   */
  memoryPeakBytes: number | null;
  ioReadBytes: number;
  ioWriteBytes: number;
}

export type FactValue = string | number | boolean | null;

/** Maintenance facts a runtime records with each run (image size, privileges, config lines...). */
export interface RuntimeFacts {
  runtime: RuntimeId;
  facts: Record<string, FactValue>;
}

export interface SampleStats {
  n: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
  stddevMs: number;
  /** Distribution-free confidence interval of the median (order statistics). */
  ciLowMs: number;
  ciHighMs: number;
  /** Confidence level actually achieved by the order-statistic interval (>= 0.95 when n allows it). */
  ciLevel: number;
  /** Indices (into the measured, non-warmup samples) whose modified z-score exceeds 3.5. */
  outliers: number[];
  warnings: string[];
}

/** A finding measured once per runtime (offline readiness, reproducible builds), not a statistic over samples. */
export interface VerdictJson {
  value: 'ready' | 'not-ready' | 'reproducible' | 'not-reproducible';
  /** When negative: what went wrong (the first error line, the package whose builds differ, ...). */
  detail: string | null;
  /** How it was measured (how the network was cut, how the builds were compared). */
  method: string;
}

export interface ResultJson {
  runtime: RuntimeId;
  scenario: string;
  status: ResultStatus;
  reason?: string;
  /** Check scenarios (offline-readiness, reproducible-build) only. */
  verdict?: VerdictJson;
  /** With `--runs auto`: why sampling stopped (converged, the sample cap, the time budget). */
  stopReason?: string;
  /**
   * What the environment gave the scenario, recorded when it ran (docs/scenario-inputs.md): user
   * id, HOME, XDG_CACHE_HOME, TMPDIR, and the state of each cache the scenario touches. Absent
   * for runs recorded before EnvBench kept them.
   */
  inputs?: Record<string, string>;
  /** Scenarios with phases (startup, debug-breakpoint): each phase's P50 and P95 over the measured samples, in order. */
  phaseStats?: { name: string; p50Ms: number; p95Ms: number }[];
  /**
   * Median over the measured samples of readCalls / inner wall seconds (read(2)-like system
   * calls per second of the command alone); absent when no measured sample has readCalls.
   */
  readCallsPerSecond?: number;
  samples: Sample[];
  stats: SampleStats | null;
}

export interface ComparisonJson {
  scenario: string;
  runtime: RuntimeId;
  baseline: RuntimeId;
  /** median(runtime) / median(baseline) */
  ratio: number;
  /** Two-sided Mann–Whitney U p-value of this comparison alone, as benchstat prints it. */
  pValue: number;
  /**
   * pValue corrected for multiple comparisons over the family: every comparison of the same
   * scenario (each runtime against the same baseline). Equals pValue when the family has one.
   */
  pValueAdjusted: number;
  correction: 'holm';
  /** Decided on pValueAdjusted (<= 0.05) and at least 6 samples on each side. */
  significant: boolean;
  /** Set when the sample sizes are too small for a verdict. */
  warning?: string;
}

export interface MachineFingerprint {
  cpuModel: string;
  cpuCount: number;
  memoryBytes: number;
  kernel: string;
  os: string;
  arch: string;
  cgroupVersion: 'v1' | 'v2' | 'none';
  dockerStorageDriver: string | null;
  tools: { go: string | null; docker: string | null; nix: string | null; devbox: string | null };
  envbenchVersion: string;
  envbenchCommit: string | null;
  /** The remote host the run measured (`box (ssh://dev@build-1)`, `envbench run --host`); absent: the machine EnvBench ran on. */
  host?: string;
}

export interface WorkspaceInfo {
  path: string;
  module: string;
  goVersion: string | null;
  toolchain: string | null;
  packages: number;
  testFiles: number;
  mainPackages: string[];
  definitions: string[];
}

export interface RunOptionsJson {
  runtimes: RuntimeId[];
  scenarios: string[];
  /** Measured runs per result; with `adaptive`, the most there may be. */
  runs: number;
  /**
   * Adaptive sampling: sample until the median's 95% CI half-width is within targetHalfWidth of it,
   * at most maxRuns, within the whole run's budgetMs (the plan's budget).
   */
  adaptive?: { targetHalfWidth: number; maxRuns: number; budgetMs: number };
  warmup: number;
  offline: boolean;
  timeoutMs: number;
  /**
   * The command whose exit ended each start (the `first-run` phase), as a shell user would type it
   * (`go build -o /dev/null ./cmd/x`, or the user's `--first-run`); absent when no start was timed.
   */
  firstRun?: string;
  /** `--main ./cmd/x`: the main package the debugger, reproducible builds, module-cache builds and the default first run use; absent: every main package the workspace has (the first one for a single-package scenario). */
  main?: string;
  /** `--test-args "-run TestX"`: words added after `./...` to the test and test-race commands, as a shell user would type them. */
  testArgs?: string;
  /** `--ignore-failure`: commands that exited non-zero were kept as samples (each sample has its exitCode). */
  ignoreFailure?: true;
  /** `--command NAME=CMD`: the user's own commands measured as scenarios, name -> command line. */
  commands?: Record<string, string>;
}

/** Where an estimate comes from: this machine's history of the same workspace, or EnvBench's first guess. */
export type EstimateSource = 'history' | 'first guess';

/** One runtime in a run plan: its preparation and everything it will measure. */
export interface PlannedRuntime {
  runtime: RuntimeId;
  /** Preparing the runtime before its first step (image build, store copy, ...). */
  preparationMs: number;
  preparationSource: EstimateSource;
  /** What preparing it builds or downloads, as far as EnvBench can tell before it starts. */
  work: string[];
  /** Its preparation plus all its steps. */
  totalMs: number;
}

/** One scenario in a run plan. */
export interface PlannedScenario {
  scenario: string;
  /** Warmups per runtime (0 for a check). */
  warmups: number;
  /** Measured samples per runtime: the most it may take (adaptive stopping may end it sooner); 1 for a check. */
  samples: number;
  /** The fewest it takes before the run's budget may stop it. */
  minSamples: number;
  /** One measured step (or the check) per runtime, as estimated. */
  stepMs: Partial<Record<RuntimeId, number>>;
  /** One warmup per runtime, as estimated. */
  warmupMs: Partial<Record<RuntimeId, number>>;
  /** 'first guess' when any runtime's estimate is. */
  source: EstimateSource;
  /** The runtimes whose estimate is a first guess. */
  guessed: RuntimeId[];
  /** All its warmups and samples on every runtime. */
  totalMs: number;
  /** Why this many samples. */
  reason: string;
}

/**
 * What a run will do and how long it should take, decided before it starts (run-plan.ts): from the
 * catalogue, the runtimes, this machine's history and the budget. Stored with the run.
 */
export interface RunPlan {
  /** The whole run's time budget; null when `--runs N` fixes the samples. */
  budgetMs: number | null;
  /** Everything below plus `bookkeepingMs`. */
  totalMs: number;
  /**
   * EnvBench's own work outside the steps, from past runs (a first guess without): detecting the
   * runtimes before the first step, reading each result's inputs and removing containers between
   * steps, freeing what the cold starts deleted after the last one.
   */
  bookkeepingMs: number;
  runtimes: PlannedRuntime[];
  scenarios: PlannedScenario[];
  /** A budget the plan cannot meet, first guesses, ... */
  notes: string[];
}

/** Where a run's time went, from every step's duration (preparation, warmups, samples, checks). */
export interface RunDurations {
  /** From the first preparation to the last step's end, in ms of step time (the run's own bookkeeping excluded). */
  totalMs: number;
  preparationMs: Partial<Record<RuntimeId, number>>;
  /** Per scenario, per runtime: its warmups, samples or check. */
  scenarios: { scenario: string; byRuntime: Partial<Record<RuntimeId, number>> }[];
}

/** One setting across environments; `differs` lists the runtimes whose value drifts from native's. */
export interface ConsistencyRow {
  key: string;
  /** How the key is shown: "GOFLAGS", "C compiler", "Delve". */
  label: string;
  values: Partial<Record<RuntimeId, string>>;
  differs: RuntimeId[];
  /** Each difference in a sentence ("go.mod asks for 1.22, docker has go1.21.5"). */
  explanations: string[];
}

/** A main package's reproducible build in one environment, compared with native's. */
export interface CrossBuildJson {
  runtime: RuntimeId;
  package: string;
  sha256: string;
  /** Null for native itself, or when native was not built. */
  identicalToNative: boolean | null;
  why: string | null;
}

export interface ConsistencyJson {
  rows: ConsistencyRow[];
  builds: CrossBuildJson[];
}

/** One fact that went into a score, with the points (0..1, or a ratio) it earned and why. */
export interface ScoreInput {
  name: string;
  value: FactValue;
  unit: string;
  points: number;
  rule: string;
  /**
   * Set when the input counted as equal to its reference (points 1) although its median differs:
   * 'too-few-samples' (fewer than 6 a side: no test could call a difference), 'not-significant'
   * (the test cannot tell them apart) or 'negligible' (less than 1 ms apart).
   */
  tie?: 'too-few-samples' | 'not-significant' | 'negligible';
  /** With `tie`: this median over the reference's (the fastest's for startup, native's for performance). */
  medianRatio?: number;
}

/** An input another runtime's score in the same dimension has and this one's lacks. */
export interface MissingScoreInput {
  name: string;
  /** 'missing': no figure although nothing failed (not run here, the run was cancelled or interrupted first). */
  status: 'failed' | 'missing' | 'not-applicable';
  /** Why, from the result's reason. */
  reason: string;
}

export interface DimensionScore {
  /** 0-100. */
  score: number;
  method: string;
  inputs: ScoreInput[];
  /** Inputs other runtimes' scores in this dimension rest on and this one does not: the score is over fewer inputs. */
  missing: MissingScoreInput[];
  /** Inputs counted as a tie that a reader should know of: no test could decide (too few samples), or the medians are 10% or more apart. */
  notableTies?: string[];
  /**
   * What the score rests on, in one sentence a reader can check: the inputs when some are missing
   * ("nix startup rests on warm start only: cold start failed") and the notable ties, grouped
   * ("docker performance: vet 1.50× (median vs native) counts as equal to native's: ..."). Empty
   * when the score rests on every input the others have and no tie is notable.
   */
  basis: string;
}

export interface RuntimeScores {
  startup?: DimensionScore;
  performance?: DimensionScore;
  maintenance?: DimensionScore;
  /** Weighted mean of the dimensions this runtime has, 0-100. */
  overall: number;
  /** Set when the overall rests on fewer dimensions than another runtime's: which, and why ("no startup score: cold start failed, warm start failed"). */
  basis?: string;
}

export interface ScoringJson {
  weights: { startup: number; performance: number; maintenance: number };
  scores: Partial<Record<RuntimeId, RuntimeScores>>;
}

/**
 * What every output of one run shows, derived once in core (src/core/bench/run-table.ts, when the
 * run JSON is built) and stored with the run JSON: the CLI tables, Markdown, CSV, the app and the
 * printed report render it and derive nothing of their own, so they cannot disagree.
 */
export interface RunTable {
  /** One row per result, in the order of `results` (rows[i] is results[i]'s). */
  rows: RunTableRow[];
  /** Every scored runtime, best overall first. Equal overall scores share a rank ("=2"). */
  ranking: RankedRuntime[];
  /** Why each dimension's winner wins, one sentence per scored dimension. */
  rankingReasons: string[];
  /** What scores rest on when that is not what the ranking table suggests (scores marked *, notable ties). */
  basisNotes: string[];
  /** Notes under the tables, in order: the load warning, the p-value correction, failures, stop reasons, warnings, devcontainer lifecycle commands. */
  notes: RunNote[];
}

export interface RankedRuntime {
  runtime: RuntimeId;
  /** 1-based; runtimes with the same overall score share the rank of the first of them (1, =2, =2, 4). */
  rank: number;
  /** Another runtime has the same overall score. */
  tied: boolean;
  overall: number;
}

/** The comparison with native in one result's row: native itself, or the ratio of medians with its verdict. */
export type VersusNative =
  | { baseline: true }
  | {
      baseline: false;
      ratio: number;
      pValueAdjusted: number;
      /** 'no-verdict': too few samples a side for any difference to be significant. */
      verdict: 'significant' | 'not-significant' | 'no-verdict';
    };

export interface RunTableRow {
  runtime: RuntimeId;
  scenario: string;
  status: ResultStatus;
  /** The scenario's kind and dimension in the catalogue; null for a scenario this EnvBench does not know. */
  kind: 'startup' | 'command' | 'check' | 'probe' | null;
  dimension: Dimension | null;
  /**
   * Medians over the measured (non-warmup) samples of the command's whole process tree: CPU (user
   * + system), peak RSS of its largest process, bytes read and written. Null without a measured
   * sample. The wall time's median, CI and P95 are the result's `stats`.
   */
  medians: { cpuMs: number; peakRssBytes: number; readBytes: number; writeBytes: number } | null;
  /** Null when the result has no figure to compare (no statistics, or no native to compare with). */
  versusNative: VersusNative | null;
  /** A check's verdict in words ("not ready"), or the result's status when it has none. */
  verdict: string;
  /** What the verdict rests on (its detail, or how it was measured), or the reason a result has no figures. */
  detail: string;
  /**
   * reproducible-build: how this environment's binaries compare with native's ('baseline' for
   * native itself); modcache-isolation: whether its builds' binaries are identical. Null when
   * unknown; `why` says why they differ, or why the result has no figures. Absent for other scenarios.
   */
  binaries?: { comparison: 'baseline' | 'identical' | 'differs' | null; why: string };
}

/** One note under the tables; `kind` lets a rendering that shows failures elsewhere leave those out. */
export interface RunNote {
  kind: 'load' | 'correction' | 'failure' | 'stop' | 'warning' | 'comparison' | 'lifecycle' | 'devcontainer';
  text: string;
}

export interface RunJson {
  id: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  error?: string;
  workspace: { path: string; module: string; goVersion: string | null };
  machine: MachineFingerprint;
  options: RunOptionsJson;
  results: ResultJson[];
  comparisons: ComparisonJson[];
  maintenance: RuntimeFacts[];
  /** From the consistency and reproducible-build checks, when the run had them. */
  consistency?: ConsistencyJson;
  /** The ranking: scores per runtime and dimension with the inputs and weights they came from. */
  scoring?: ScoringJson;
  /** The machine's load average at the start and end of the run; absent for runs that did not record it. */
  load?: RunLoadJson;
  /** The plan the run followed (runs since EnvBench planned them). */
  plan?: RunPlan;
  /** Where the run's time went (runs since EnvBench recorded every step's duration). */
  durations?: RunDurations;
  /** What every output of the run shows, derived once from the fields above. */
  table: RunTable;
}

/** Load averages (1, 5 and 15 minutes) when the run started and ended (null: not recorded, e.g. killed). */
export interface RunLoadJson {
  cpuCount: number;
  start: [number, number, number] | null;
  end: [number, number, number] | null;
  /** Set when the 1-minute load at start or end was above the core count: figures measured under load. */
  warning: string | null;
}

export interface RunSummary {
  id: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  workspacePath: string;
  module: string;
  /** The remote host it measured (MachineFingerprint.host); absent: the machine EnvBench ran on. */
  host?: string;
  runtimes: RuntimeId[];
  scenarios: string[];
}

export interface RuntimeHealth {
  id: RuntimeId;
  available: boolean;
  version: string | null;
  /** Why it is unavailable and what to do, in one sentence; null when available. */
  reason: string | null;
  /** docker and dind: the Docker Engine they use, as the docker CLI resolves it (DOCKER_HOST, else the docker context), with the context's name. */
  endpoint?: string;
  /**
   * The latest offline-readiness verdict measured for this runtime on this machine (any workspace),
   * from the history: measured, never inferred. Null when never measured; absent from detect().
   */
  offlineReadiness?: MeasuredVerdict | null;
}

/**
 * A host tool a feature needs besides the runtimes (today Chromium, for PDF reports), probed by
 * doing the work. `doctor --json` lists these after the runtimes, told apart by `kind`.
 */
export interface ToolHealth {
  kind: 'tool';
  id: 'pdf-reports';
  available: boolean;
  version: string | null;
  /** What failed and what to do, in one sentence; null when available. */
  reason: string | null;
}

export interface MeasuredVerdict extends VerdictJson {
  runId: string;
  measuredAt: string;
  workspacePath: string;
}

/** A warmup, sample or check about to run (RunHooks.onStepStart). */
export type RunStep = Pick<RunProgress, 'runtime' | 'scenario' | 'phase' | 'sample' | 'of'>;

export interface RunProgress {
  runId: string;
  runtime: RuntimeId;
  scenario: string;
  phase: 'warmup' | 'measure';
  /** 1-based index of the sample within its phase. */
  sample: number;
  of: number;
  completedSteps: number;
  totalSteps: number;
  etaMs: number | null;
  lastWallMs?: number;
}

/** Two runs side by side (before/after, or two machines): each scenario × runtime both measured. */
export interface RunComparisonJson {
  before: { id: string; startedAt: string; module: string };
  after: { id: string; startedAt: string; module: string };
  /** Fingerprint fields that differ ('cpuModel', 'tools.go', ...): empty on the same machine. */
  machineDifferences: string[];
  rows: {
    scenario: string;
    runtime: RuntimeId;
    beforeMedianMs: number;
    afterMedianMs: number;
    /** after / before */
    ratio: number;
    pValue: number;
    /** Holm-corrected over every row of this comparison. */
    pValueAdjusted: number;
    significant: boolean;
    warning?: string;
  }[];
  /** Scenario × runtime measured in only one of the two runs, or without samples in one. */
  unmatched: { scenario: string; runtime: RuntimeId; in: 'before' | 'after' }[];
  correction: 'holm';
}
