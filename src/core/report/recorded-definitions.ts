import type { RecordedDefinition } from '../../shared/report';
import type { RunJson } from '../../shared/run';

/**
 * The environment definition each runtime of the run really used, as recorded with the run
 * (facts definition.file, definition.source, definition.text; see runtimes/definition-facts.ts),
 * in the run's runtime order. Native has none. A runtime without them says why: the run was
 * recorded before EnvBench kept its definitions, or the runtime never got as far as preparing one.
 * Never a preview of what EnvBench would generate today: that may not be what was measured.
 */
export function recordedDefinitions(run: RunJson): RecordedDefinition[] {
  return run.options.runtimes
    .filter((runtime) => runtime !== 'native')
    .map((runtime) => {
      const facts = run.maintenance.find((m) => m.runtime === runtime)?.facts;
      const [file, source, text] = [facts?.['definition.file'], facts?.['definition.source'], facts?.['definition.text']];
      if (typeof file === 'string' && typeof text === 'string') return { runtime, recorded: { file, source: typeof source === 'string' ? source : '(source not recorded)', text } };
      const environmentFacts = facts && Object.keys(facts).some((key) => !key.includes('.'));
      return {
        runtime,
        recorded: null,
        notRecorded: environmentFacts
          ? 'not recorded with this run (it was measured before EnvBench kept the definitions it used)'
          : 'not recorded with this run (the environment was never prepared, so it had no definition)',
      };
    });
}
