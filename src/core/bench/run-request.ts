import type { NixEntry, RunPlan, RunProgress, RunStep, RuntimeId, WorkspaceInfo } from '../../shared/run';
import type { Scenario } from '../scenarios/catalog';
import type { AdaptiveSampling } from './adaptive-stop';

// What a run is asked to do, and who listens while it runs (run-scheduler.ts, sample-step.ts).
// Light on purpose: the CLI's options read the defaults here without loading the run engine.

export const DEFAULT_WARMUP = 1;
export const DEFAULT_SAMPLE_TIMEOUT_MS = 10 * 60_000;

export interface RunRequest {
  workspace: WorkspaceInfo;
  /** `--host NAME`: the remote host the runtimes run on; absent: this machine. */
  host?: string;
  runtimes: RuntimeId[];
  scenarios: Scenario[];
  runs: number;
  warmup: number;
  offline: boolean;
  nixEntry?: NixEntry;
  timeoutMs: number;
  /** A planned run: `runs` is then the cap, and each result stops once its median is known closely enough, or at its plan, or at the run's budget. */
  adaptive?: AdaptiveSampling;
  /** The samples of each scenario (planRun); without one, every scenario gets `runs`. */
  plan?: RunPlan;
  /** `--first-run`: the command that ends each start; default: the first build of the main packages (defaultFirstRun). */
  firstRun?: readonly string[];
  /** `--main ./cmd/x` (checked: checkMainPackage): the one main package for the scenarios that need one and for the default first run. */
  main?: string;
  /** `--test-args`: words added to the test and test-race commands (parseTestArgs). */
  testArgs?: readonly string[];
  /** `--ignore-failure` (hyperfine's -i): a command that exits non-zero is kept as a sample, its exit code with it, instead of ending its result. */
  ignoreFailure?: boolean;
  /** When the run was asked for (Date.now()), before detection and planning: the run's record and its budget count from here. */
  requestedAt?: number;
}

export interface RunHooks {
  signal?: AbortSignal;
  onStarted?: (runId: string) => void;
  /** Before each warmup, sample or check: what is about to run (a long one is otherwise silent until it ends). */
  onStepStart?: (step: RunStep) => void;
  /** After each warmup, sample or check: the steps done and the ETA. */
  onProgress?: (progress: RunProgress) => void;
  onOutput?: (runtime: RuntimeId, stream: 'stdout' | 'stderr', text: string) => void;
  onLog?: (line: string) => void;
}
