import { runToBenchfmt } from './benchfmt';
import type { Exporter } from './exporter';

/** Go benchmark format for benchstat (see benchfmt.ts): one line per measured sample. */
export const benchfmtExporter: Exporter = {
  format: 'benchfmt',
  extension: 'bench',
  mediaType: 'text/plain; charset=utf-8',
  description: 'Go benchmark format for benchstat, one line per measured sample',
  render: async (run) => runToBenchfmt(run),
};
