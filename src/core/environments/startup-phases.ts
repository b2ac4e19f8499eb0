import type { ExecOutcome, StartupOutcome } from './runtime';

/**
 * The last two phases of every start, whatever came before: the toolchain answering
 * (`go version`, as `readyPhase`), then the first run. A toolchain that does not answer ends
 * the start there, with its outcome as the first run's so the failure is reported.
 */
export async function readyThenFirstRun(
  phases: { name: string; ms: number }[],
  readyPhase: 'exec-ready' | 'shell-ready',
  run: (argv: readonly string[]) => Promise<ExecOutcome>,
  firstRun: readonly string[],
): Promise<StartupOutcome> {
  const ready = await run(['go', 'version']);
  phases.push({ name: readyPhase, ms: ready.wallMs });
  if (ready.exitCode !== 0) return { phases, firstRun: ready };
  const outcome = await run(firstRun);
  phases.push({ name: 'first-run', ms: outcome.wallMs });
  return { phases, firstRun: outcome };
}
