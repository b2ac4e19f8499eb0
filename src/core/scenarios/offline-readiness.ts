import { firstErrorLine, sampleFailure } from '../measure/command-failure';
import { namespaceFailure } from '../environments/no-network';
import type { CheckContext, CheckOutcome } from './check';

const BUILD = ['go', 'build', '-o', '/dev/null', './...'];
/**
 * Empty values reset what EnvBench's own --offline mode sets (GOPROXY=off, GOTOOLCHAIN=local), so
 * the environment's own settings decide what it reaches for.
 */
const ENVIRONMENT_DEFAULTS = { GOPROXY: '', GOTOOLCHAIN: '' };

/**
 * Offline readiness: `go build ./...` once, in the warm environment with the network cut. Not
 * entering the environment at all (Nix fetching an input, ...) is an answer too: not ready, with
 * its error. Measured, never inferred from settings.
 */
export async function offlineReadiness({ session, cwd, execOptions, timeoutMs }: CheckContext): Promise<CheckOutcome> {
  const outcome = await session.execWithoutNetwork({ argv: BUILD, cwd, env: ENVIRONMENT_DEFAULTS }, execOptions);
  if (outcome.cancelled) return { failure: 'cancelled' };
  const refused = namespaceFailure(outcome.stderr);
  if (refused) return { failure: refused };
  if (outcome.timedOut || outcome.report?.execError) return { failure: sampleFailure(BUILD, outcome, timeoutMs)! };
  const ready = outcome.report !== null && outcome.exitCode === 0;
  return {
    ...(outcome.report ? { sample: outcome } : {}),
    verdict: {
      value: ready ? 'ready' : 'not-ready',
      detail: ready ? null : (firstErrorLine(outcome.stderr + '\n' + outcome.stdout) ?? `exited with ${outcome.exitCode} and printed nothing`),
      method: outcome.isolation,
    },
  };
}
