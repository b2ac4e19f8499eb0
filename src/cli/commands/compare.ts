import { compareRuns } from '../../core/bench/run-comparison';
import type { Core } from '../../core/create-core';
import { parseRuntimeIds } from '../../core/environments/registry';
import { parseScenarioIds } from '../../core/scenarios/catalog';
import { descriptiveStats, medianCi } from '../../core/stats';
import { UserError } from '../../core/user-error';
import { escapeControlCharacters } from '../../shared/format/control-characters';
import { formatMs } from '../../shared/format/units';
import type { RunJson } from '../../shared/run';
import { textTable } from '../format/text-table';

/** What `envbench compare` prints: benchstat's table, Markdown, CSV or JSON. */
export const COMPARE_FORMATS = ['table', 'md', 'csv', 'json'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

export interface CompareOptions {
  filter?: string;
  format?: CompareFormat;
}

const ALPHA = 0.05;

/** One side of a row: benchstat's median and "± x%" (the larger distance from the median to its 95% CI, or ∞ below 6 samples). */
interface Side {
  medianMs: number;
  ciPercent: number | null;
  n: number;
}

/** One scenario × runtime measured in both runs. */
export interface CompareRow {
  scenario: string;
  runtime: string;
  a: Side;
  b: Side;
  /** (B − A) / A in percent: benchstat's "vs base". */
  deltaPercent: number;
  /** Mann–Whitney U, two-sided, as benchstat computes it. */
  pValue: number;
  /** benchstat's verdict: a difference when p ≤ 0.05, else "~". */
  significant: boolean;
  /** EnvBench's own verdict: Holm-corrected over every row, and >= 6 samples a side. */
  significantAfterHolm: boolean;
  pValueAdjusted: number;
}

function side(run: RunJson, scenario: string, runtime: string): Side {
  const values = run.results.find((r) => r.scenario === scenario && r.runtime === runtime)!.samples.filter((s) => !s.warmup).map((s) => s.wallMs);
  const center = descriptiveStats(values).median;
  const ci = medianCi(values, 0.95);
  const ciPercent = !ci.meetsConfidence ? null : center === 0 ? 0 : 100 * Math.max(ci.high / center - 1, 1 - ci.low / center);
  return { medianMs: center, ciPercent, n: values.length };
}

/** `--filter runtime=native,scenario=test`: rows matching every key named (values of one key: any of them). */
function parseFilter(text: string | undefined): (row: { scenario: string; runtime: string }) => boolean {
  if (text === undefined) return () => true;
  const runtimes: string[] = [];
  const scenarios: string[] = [];
  for (const term of text.split(',').map((t) => t.trim()).filter(Boolean)) {
    const match = /^(runtime|scenario)=(.+)$/.exec(term);
    if (!match) throw new UserError(`Invalid --filter term "${term}"`, 'a term is runtime=ID or scenario=ID', 'Pass for example --filter runtime=native,scenario=test');
    if (match[1] === 'runtime') runtimes.push(...parseRuntimeIds(match[2]!));
    else scenarios.push(...parseScenarioIds(match[2]!));
  }
  if (runtimes.length + scenarios.length === 0) throw new UserError('Invalid --filter ""', 'it names nothing', 'Pass for example --filter runtime=native,scenario=test');
  return (row) => (runtimes.length === 0 || runtimes.includes(row.runtime)) && (scenarios.length === 0 || scenarios.includes(row.scenario));
}

/**
 * Run B against run A, scenario by scenario and runtime by runtime, as benchstat compares two
 * benchmark files (`benchstat -ignore envbench-run A.bench B.bench` on `envbench export
 * --format benchfmt` gives the same verdicts): medians with their 95% CI, the change, and the
 * Mann–Whitney p-value. EnvBench's stricter verdict (Holm-corrected, >= 6 samples a side) is
 * given beside it, never instead of it.
 */
export function compareRows(a: RunJson, b: RunJson, filter?: string): { rows: CompareRow[]; comparison: ReturnType<typeof compareRuns> } {
  const keep = parseFilter(filter);
  const comparison = compareRuns(a, b);
  const rows = comparison.rows.filter(keep).map((row) => {
    const before = side(a, row.scenario, row.runtime);
    const after = side(b, row.scenario, row.runtime);
    return {
      scenario: row.scenario,
      runtime: row.runtime,
      a: before,
      b: after,
      deltaPercent: before.medianMs === 0 ? 0 : (100 * (after.medianMs - before.medianMs)) / before.medianMs,
      pValue: row.pValue,
      significant: row.pValue <= ALPHA,
      significantAfterHolm: row.significant,
      pValueAdjusted: row.pValueAdjusted,
    };
  });
  return { rows, comparison };
}

const ci = (s: Side): string => (s.ciPercent === null ? '± ∞' : `± ${Math.round(s.ciPercent)}%`);
const n = (row: CompareRow): string => (row.a.n === row.b.n ? `n=${row.a.n}` : `n=${row.a.n}+${row.b.n}`);
/** benchstat's "vs base" cell: the change, or "~" with the p-value that did not reach 0.05. */
function versus(row: CompareRow): string {
  const change = row.significant ? `${row.deltaPercent >= 0 ? '+' : ''}${row.deltaPercent.toFixed(2)}%` : '~';
  return `${change} (p=${row.pValue.toFixed(3)} ${n(row)})`;
}

function geomean(values: number[]): number {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

export function compareCommand(core: Core, runA: string, runB: string, options: CompareOptions): number {
  const format = options.format ?? 'table';
  const a = core.requireRun(runA);
  const b = core.requireRun(runB);
  const { rows, comparison } = compareRows(a, b, options.filter);
  if (format === 'json') {
    process.stdout.write(JSON.stringify({ a: comparison.before, b: comparison.after, machineDifferences: comparison.machineDifferences, alpha: ALPHA, rows, unmatched: comparison.unmatched }, null, 2) + '\n');
    return 0;
  }
  if (format === 'csv') {
    const header = ['scenario', 'runtime', 'a_median_ms', 'a_ci_percent', 'a_n', 'b_median_ms', 'b_ci_percent', 'b_n', 'delta_percent', 'p_value', 'significant', 'p_value_holm', 'significant_after_holm'];
    const lines = rows.map((r) =>
      [r.scenario, r.runtime, r.a.medianMs, r.a.ciPercent ?? '', r.a.n, r.b.medianMs, r.b.ciPercent ?? '', r.b.n, r.deltaPercent, r.pValue, r.significant, r.pValueAdjusted, r.significantAfterHolm].join(','),
    );
    process.stdout.write([header.join(','), ...lines].join('\n') + '\n');
    return 0;
  }
  const cells = rows.map((r) => [`${r.scenario}/${r.runtime}`, `${formatMs(r.a.medianMs)} ${ci(r.a)}`, `${formatMs(r.b.medianMs)} ${ci(r.b)}`, versus(r) + (r.significant !== r.significantAfterHolm ? ' ¹' : '')]);
  if (rows.length > 1) {
    const ga = geomean(rows.map((r) => r.a.medianMs));
    const gb = geomean(rows.map((r) => r.b.medianMs));
    cells.push(['geomean', formatMs(ga), formatMs(gb), `${gb >= ga ? '+' : ''}${((100 * (gb - ga)) / ga).toFixed(2)}%`]);
  }
  const header = ['SCENARIO/RUNTIME', `A ${a.id}`, `B ${b.id}`, 'B VS A'];
  const title = (label: string, run: RunJson): string => `${label}: ${run.id}  ${escapeControlCharacters(run.workspace.module)}  started ${run.startedAt.replace('T', ' ').slice(0, 16)} UTC`;
  const notes = [
    '~: no significant difference (Mann–Whitney U, p > 0.05), as benchstat says it; n: samples in A and B.',
    ...(rows.some((r) => r.significant !== r.significantAfterHolm)
      ? [`¹ EnvBench's own verdict differs: it corrects the p-values for the ${rows.length} comparisons (Holm) and needs >= 6 samples a side.`]
      : []),
    ...(comparison.machineDifferences.length > 0 ? [`The runs are from different machines (${comparison.machineDifferences.join(', ')}): the figures compare the machines as much as the environments.`] : []),
    ...(comparison.unmatched.length > 0 ? [`Measured in one run only: ${comparison.unmatched.map((u) => `${u.scenario}/${u.runtime} (${u.in === 'before' ? 'A' : 'B'})`).join(', ')}.`] : []),
  ];
  if (format === 'md') {
    const mdRow = (cols: string[]): string => `| ${cols.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    process.stdout.write([`${title('A', a)}  `, title('B', b), '', mdRow(header), mdRow(header.map(() => '---')), ...cells.map(mdRow), '', ...notes.map((l) => `${l}  `)].join('\n') + '\n');
    return 0;
  }
  if (rows.length === 0) {
    process.stdout.write(`${title('A', a)}\n${title('B', b)}\n\nNo scenario and runtime was measured in both runs${options.filter ? ' (with that --filter)' : ''}.\n${notes.slice(1).join('\n')}\n`);
    return 0;
  }
  process.stdout.write([title('A', a), title('B', b), '', textTable(header, cells), '', ...notes].join('\n') + '\n');
  return 0;
}
