import type { FactValue, VerdictJson, WorkspaceInfo } from '../../shared/run';
import type { ExecOptions, ExecOutcome, RuntimeSession } from '../environments/runtime';

/** What a check gets: one runtime's warm session and the run's settings. */
export interface CheckContext {
  session: RuntimeSession;
  workspace: WorkspaceInfo;
  /** Where to run: the workspace root, as the host sees it. */
  cwd: string;
  runId: string;
  timeoutMs: number;
  execOptions: ExecOptions;
}

/**
 * What a check found in one runtime. A check is measured once per runtime and answers a question
 * (a verdict, facts) rather than giving a figure to sample many times.
 */
export interface CheckOutcome {
  /** A measurement worth keeping (the offline build), stored as the result's one sample. */
  sample?: ExecOutcome;
  verdict?: VerdictJson;
  /** Stored with the runtime's maintenance facts (prefixed by the check), for matrices and scores. */
  facts?: Record<string, FactValue>;
  /** Why the check could not answer at all: the result fails with it. 'cancelled' when cancelled. */
  failure?: string;
}

export type CheckFn = (context: CheckContext) => Promise<CheckOutcome>;
