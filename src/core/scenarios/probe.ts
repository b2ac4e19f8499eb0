import type { FactValue, WorkspaceInfo } from '../../shared/run';
import type { ExecOptions, ExecOutcome, RuntimeSession } from '../environments/runtime';

/** What a probe gets for one sample: one runtime's warm session and the run's settings. */
export interface ProbeContext {
  session: RuntimeSession;
  workspace: WorkspaceInfo;
  /** Where to run: the workspace root, as the host sees it. */
  cwd: string;
  timeoutMs: number;
  execOptions: ExecOptions;
}

/**
 * One sample of a probe: an interaction with a tool inside the environment (Delve's API, ...)
 * timed phase by phase. Sampled and compared like a command; the sample's wall time is the sum
 * of its phases and its resources are those of the tool's measured process tree.
 */
export interface ProbeOutcome {
  /** In order; their sum is the sample's wall time. */
  phases?: { name: string; ms: number }[];
  /** The tool's own measurement (the helper's report), stored with the phases. */
  measured?: ExecOutcome;
  /** Stored with the runtime's maintenance facts (prefixed by the scenario), even when the probe fails. */
  facts?: Record<string, FactValue>;
  /** Why the sample does not count: the result fails with it. 'cancelled' when cancelled. */
  failure?: string;
}

export type ProbeFn = (context: ProbeContext) => Promise<ProbeOutcome>;
