import type { AaCheckResult } from '../core/stats/aa-check';
import { textTable } from '../cli/format/text-table';

export interface AaCheckReport {
  command: string;
  poolSize: number;
  distinctValues: number;
  n: number;
  seed: number;
  /** One-minute load average at the end of the measurement, and the CPU count, to tell a busy machine. */
  load: { average: number; cpus: number };
  resampled: AaCheckResult;
  interleaved: AaCheckResult;
}

/** Share of repeated values from which ties, not chance, are the likely reason for a low rate. */
const MANY_TIES = 0.05;

const busy = (report: AaCheckReport): boolean => report.load.average > report.load.cpus;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** What the rate means, said plainly, including why a rate off 5% can be expected. */
function meaning(check: AaCheckResult, report: AaCheckReport, resampled: boolean): string {
  const nominal = pct(check.alpha);
  const fewPairs = check.comparisons < 50 ? ` (only ${check.comparisons} pairs: a wide interval)` : '';
  if (check.rateVersusAlpha === 'consistent') return `consistent with the nominal ${nominal}${fewPairs}`;
  if (check.rateVersusAlpha === 'above') {
    return resampled
      ? `ABOVE the nominal ${nominal}: random draws from one pool are alike by construction, so this points at the test or its decision rule, not at the machine`
      : `ABOVE the nominal ${nominal}: neighbouring samples are not interchangeable here (background load, CPU contention or ` +
          `frequency changes that come and go between samples${busy(report) ? `; the machine was busy, load ${report.load.average.toFixed(1)} on ${report.load.cpus} CPUs` : ''}), ` +
          'so verdicts measured on this machine in this state call too many differences: measure on a quieter machine';
  }
  const discreteness = `U is discrete, so at n=${report.n} per side the exact test rejects at most ${pct(check.attainableSize)} of the time`;
  if (check.ci.high >= check.attainableSize) {
    return `below the nominal ${nominal}, as expected: ${discreteness}, and this rate is consistent with that. The test errs on the side of "no difference"`;
  }
  const tied = report.poolSize - report.distinctValues;
  const below = `BELOW even the ${pct(check.attainableSize)} the exact test can reach (${discreteness}). `;
  // Ties matter only when they are common; a handful among thousands changes nothing.
  if (tied / report.poolSize >= MANY_TIES) {
    return below + `${tied} of ${report.poolSize} samples repeat a value (timer resolution): ties coarsen the U distribution and make the test more conservative still`;
  }
  return (
    below +
    (resampled
      ? `Ties are too few to explain it (${tied} of ${report.poolSize}); with a 95% interval this is most likely chance`
      : 'Alternating samples share the machine\'s drift, so the two sets are more alike than random draws and the test is conservative: the safe side. It can also be chance (a 95% interval)')
  );
}

/** The A/A section of `npm run bench`: method, table, and a plain verdict per check. */
export function formatAaCheck(report: AaCheckReport): string {
  const { resampled, interleaved } = report;
  const row = (label: string, check: AaCheckResult): string[] => [
    label,
    String(check.comparisons),
    String(check.falsePositives),
    pct(check.rate),
    `${pct(check.ci.low)} – ${pct(check.ci.high)}`,
  ];
  return [
    `A/A check: native against itself, ${report.command} (alpha = ${resampled.alpha})`,
    '',
    `Method: ${report.poolSize} samples of \`${report.command}\` measured once through EnvBench's native runtime (the path a run uses);`,
    `load average ${report.load.average.toFixed(1)} on ${report.load.cpus} CPUs at the end.`,
    `Resampled: ${resampled.comparisons} times, two disjoint random sets of ${report.n} drawn from that pool (seeded, seed ${report.seed}).`,
    `Interleaved: the pool in measured order, cut into windows of ${2 * report.n}, even positions against odd ones, as a run alternates runtimes.`,
    `Each pair is compared as a run compares a runtime with native: Mann–Whitney U, significant at p <= ${resampled.alpha} with >= 6 samples`,
    'per side (one comparison per pair, so no Holm correction applies).',
    `With no real difference the rate should be about ${pct(resampled.alpha)}; without ties the exact U test at n=${report.n} per side rejects at most ${pct(resampled.attainableSize)} of the time.`,
    '',
    textTable(['CHECK', 'PAIRS', 'CALLED DIFFERENT', 'RATE', '95% CI (WILSON)'], [row('resampled from the pool', resampled), row('interleaved, measured order', interleaved)], new Set([1, 2, 3])),
    '',
    `- resampled: ${meaning(resampled, report, true)}.`,
    `- interleaved: ${meaning(interleaved, report, false)}.`,
  ].join('\n');
}
