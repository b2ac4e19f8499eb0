import type { Exporter } from './exporter';

/** The run JSON, exactly as `envbench show --format json` and `envbench run --json` write it. */
export const jsonExporter: Exporter = {
  format: 'json',
  extension: 'json',
  mediaType: 'application/json',
  description: 'the run JSON: every sample, statistic, comparison, fact and score',
  render: async (run) => JSON.stringify(run, null, 2) + '\n',
};
