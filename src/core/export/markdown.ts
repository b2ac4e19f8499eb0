// The run as a GitHub-flavoured Markdown report, short enough for a pull-request comment: what
// was measured where, the ranking, the results with their confidence intervals and verdicts,
// the checks, and every failure with its reason. Times are printed in ms with three decimals
// (a microsecond), whatever their size, so the tables can be read back and checked against
// the run JSON; the JSON and CSV exports keep every digit.

import type { DimensionScore, ResultJson, RunJson, RuntimeId } from '../../shared/run';
import { escapeControlCharactersInText } from '../../shared/format/control-characters';
import { applicableResults, notApplicableEntries, notApplicableLine } from '../../shared/format/not-applicable';
import { restsOnFewerInputs } from '../../shared/format/score-basis';
import { rankedScores, rankText, rowOf, versusNativeCell } from '../../shared/format/run-table';
import { formatBytes, formatMs } from '../../shared/format/units';
import type { ExportContext, Exporter } from './exporter';

/** Milliseconds as printed in every table: three decimals, no unit (the header says ms). */
export function ms(value: number | undefined | null): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '-' : value.toFixed(3);
}

/**
 * Text for a table cell: pipes and backslashes escaped (GFM splits cells on `|` before anything
 * else), Markdown and HTML punctuation escaped so a reason shows as written, line breaks as <br>.
 */
export function cell(text: string): string {
  return text
    .replace(/[\\|`*<>[\]]/g, (c) => `\\${c}`)
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
    .replace(/\r?\n/g, '<br>');
}

/** Inline code for names (module paths, commands): a fence longer than any backtick run inside. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

function codeCell(text: string): string {
  return code(text).replace(/\|/g, '\\|');
}

/** A fenced block that no line of the text can close early. */
function fenced(text: string, indent = ''): string[] {
  const longest = Math.max(0, ...(text.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [fence, ...text.split(/\r?\n/), fence].map((line) => (line === '' ? '' : indent + line));
}

function table(header: readonly string[], rows: readonly string[][], rightAligned: ReadonlySet<number> = new Set()): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (rightAligned.has(i) ? '---:' : '---'))), ...rows.map(line)];
}

function utc(iso: string): string {
  return `${iso.replace('T', ' ').slice(0, 19)} UTC`;
}

function title(run: RunJson): string[] {
  const imported = importFacts(run);
  return [
    `# EnvBench run ${run.id}`,
    '',
    `**Workspace:** ${code(run.workspace.module)} (${code(run.workspace.path)}${run.workspace.goVersion ? `, go ${cell(run.workspace.goVersion)}` : ''}) · ` +
      `**Date:** ${utc(run.startedAt)}${run.finishedAt ? ` – ${utc(run.finishedAt).slice(11)}` : ''} · **Status:** ${run.status}${imported.length > 0 ? ' · **Imported from hyperfine**' : ''}`,
  ];
}

function optionsLine(run: RunJson): string {
  const o = run.options;
  const runs = o.adaptive
    ? `runs auto (until the median's 95% CI half-width is within ${Math.round(o.adaptive.targetHalfWidth * 100)}% of it, at most ${o.adaptive.maxRuns} samples, ${run.plan ? `a budget of ${formatMs(o.adaptive.budgetMs)} for the run` : `${Math.round(o.adaptive.budgetMs / 1000)} s per scenario`})`
    : `${o.runs} runs`;
  const parts = [
    `runtimes ${o.runtimes.join(', ')}`,
    `scenarios ${o.scenarios.join(', ')}`,
    `${runs}, ${o.warmup} warmup`,
    o.timeoutMs > 0 ? `${o.timeoutMs / 1000} s limit per sample` : 'no sample limit',
    o.offline ? 'offline (GOPROXY=off, no network in containers)' : 'online',
    ...(o.firstRun ? [`first-run: ${o.firstRun}`] : []),
    ...(o.main ? [`main: ${o.main}`] : []),
    ...(o.testArgs ? [`test-args: ${o.testArgs}`] : []),
  ];
  return `**Options:** ${parts.map(cell).join(' · ')}`;
}

function machineLine(run: RunJson): string {
  const m = run.machine;
  const tools = (Object.entries(m.tools) as [string, string | null][]).filter(([, v]) => v !== null).map(([k, v]) => (v!.toLowerCase().startsWith(k) ? v! : `${k} ${v}`));
  const parts = [
    `${m.cpuModel} (${m.cpuCount} CPUs)`,
    `${formatBytes(m.memoryBytes)} RAM`,
    m.os,
    `kernel ${m.kernel}`,
    m.arch,
    `cgroup ${m.cgroupVersion}`,
    ...(m.dockerStorageDriver ? [`Docker storage ${m.dockerStorageDriver}`] : []),
    ...(tools.length > 0 ? [tools.join(', ')] : []),
    `measured with EnvBench ${m.envbenchVersion}${m.envbenchCommit ? ` (${m.envbenchCommit.slice(0, 12)})` : ''}`,
  ];
  return `**Machine:** ${parts.map(cell).join(' · ')}`;
}

/** Equal overall scores share a rank ("=2"), as the CLI prints it: the statistics could not tell them apart. */
function ranking(run: RunJson): string[] {
  const scoring = run.scoring;
  if (!scoring) return [];
  const score = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(1));
  const rows = rankedScores(run).map((entry) => {
    const s = entry.scores;
    return [rankText(entry), entry.runtime, basisMarked(s.startup), basisMarked(s.performance), basisMarked(s.maintenance), score(s.overall)];
  });
  const w = scoring.weights;
  const reasons = run.table.rankingReasons;
  const basis = run.table.basisNotes;
  return [
    '## Ranking',
    '',
    `Scores 0–100, higher is better; weights startup ${w.startup}, performance ${w.performance}, maintenance ${w.maintenance}; every input is in the run JSON under \`scoring\`.`,
    '',
    ...table(['Rank', 'Runtime', 'Startup', 'Performance', 'Maintenance', 'Overall'], rows, new Set([2, 3, 4, 5])),
    ...(basis.length > 0 ? ['', ...basis.map((n) => `- Basis: ${cell(n)}`)] : []),
    ...(reasons.length > 0 ? ['', ...reasons.map((sentence) => `- ${cell(sentence)}`)] : []),
  ];
}

/** A score over fewer inputs than another runtime's is marked *, and its basis said under the table. */
function basisMarked(dimension: DimensionScore | undefined): string {
  return `${dimension ? dimension.score.toFixed(1) : '-'}${restsOnFewerInputs(dimension) ? ' \\*' : ''}`;
}

function results(run: RunJson): string[] {
  const timed = applicableResults(run.results.filter((r) => rowOf(run, r).kind !== 'check'));
  if (timed.length === 0) return [];
  const rows = timed.map((result) => {
    const stats = result.stats;
    const level = stats && stats.ciLevel < 0.95 ? ` (${(stats.ciLevel * 100).toFixed(1)}%)` : '';
    return [
      result.scenario,
      result.runtime,
      result.status,
      String(stats?.n ?? 0),
      ms(stats?.medianMs),
      stats ? `${ms(stats.ciLowMs)} – ${ms(stats.ciHighMs)}${level}` : '-',
      ms(stats?.p95Ms),
      versusNativeCell(rowOf(run, result).versusNative),
    ];
  });
  return [
    '## Results',
    '',
    'Wall time of the measured samples (warmups excluded). "vs native" is the ratio of medians; (n.s.): not significantly different from native; (no verdict): too few samples to tell.',
    '',
    ...table(['Scenario', 'Runtime', 'Status', 'n', 'Median (ms)', '95% CI (ms)', 'P95 (ms)', 'vs native'], rows, new Set([3, 4, 5, 6])),
  ];
}

function phases(run: RunJson): string[] {
  const rows: string[][] = [];
  for (const result of run.results) {
    if (!result.phaseStats || !result.stats) continue;
    for (const phase of result.phaseStats) rows.push([result.scenario, result.runtime, cell(phase.name), ms(phase.p50Ms), ms(phase.p95Ms)]);
    rows.push([result.scenario, result.runtime, '**total**', ms(result.stats.medianMs), ms(result.stats.p95Ms)]);
  }
  if (rows.length === 0) return [];
  return ['## Startup phases', '', ...table(['Scenario', 'Runtime', 'Phase', 'P50 (ms)', 'P95 (ms)'], rows, new Set([3, 4]))];
}

/** The run table's verdict words; a build that is not reproducible is said in bold. */
function verdictCell(run: RunJson, result: ResultJson): string {
  const words = rowOf(run, result).verdict;
  return result.verdict?.value === 'not-reproducible' ? `**${words}**` : words;
}

function offlineReadiness(run: RunJson): string[] {
  const rows = run.results
    .filter((r) => r.scenario === 'offline-readiness')
    .map((r) => [r.runtime, verdictCell(run, r), r.samples[0] ? ms(r.samples[0].wallMs) : '-', cell(rowOf(run, r).detail)]);
  if (rows.length === 0) return [];
  return [
    '### Offline readiness',
    '',
    '`go build ./...` in the warm environment with the network cut.',
    '',
    ...table(['Runtime', 'Verdict', 'Build (ms)', 'First error line, or how the network was cut'], rows, new Set([2])),
  ];
}

function reproducibleBuilds(run: RunJson): string[] {
  const builds = run.consistency?.builds ?? [];
  const rows = applicableResults(run.results)
    .filter((r) => r.scenario === 'reproducible-build')
    .map((r) => {
      const { comparison, why } = rowOf(run, r).binaries!;
      const versus = comparison === 'differs' ? '**differs**' : (comparison ?? '-');
      const shas = builds.filter((b) => b.runtime === r.runtime).map((b) => codeCell(b.sha256.slice(0, 16)));
      return [r.runtime, verdictCell(run, r), versus, shas.join(' '), cell(why)];
    });
  if (rows.length === 0) return [];
  return ['### Reproducible builds', '', '`go build -trimpath` of each main package twice per environment; SHA-256.', '', ...table(['Runtime', 'Rebuilds', 'vs native', 'SHA-256', 'Why'], rows)];
}

function consistency(run: RunJson): string[] {
  const matrix = run.consistency;
  if (!matrix || matrix.rows.length === 0) return [];
  const runtimes = run.results.filter((r) => r.scenario === 'consistency' && r.status === 'completed').map((r) => r.runtime);
  const rows = matrix.rows.map((row) => [
    cell(row.label),
    ...runtimes.map((rt) => {
      const value = row.values[rt];
      const shown = value === undefined ? '-' : value === '' ? '(unset)' : cell(value);
      return row.differs.includes(rt) ? `**${shown}** ≠` : shown;
    }),
  ]);
  const explanations = matrix.rows.flatMap((row) => row.explanations).filter((e) => !/expected to differ/.test(e));
  return [
    '### Environment consistency',
    '',
    'Values in **bold** marked ≠ differ from native.',
    '',
    ...table(['Setting', ...runtimes], rows),
    ...(explanations.length > 0 ? ['', ...explanations.map((e) => `- ${cell(e)}`)] : []),
  ];
}

function modcacheIsolation(run: RunJson): string[] {
  const rows = applicableResults(run.results)
    .filter((r) => r.scenario === 'modcache-isolation')
    .map((r) => {
      const { comparison, why } = rowOf(run, r).binaries!;
      const p50 = (name: string): string => ms(r.phaseStats?.find((p) => p.name === name)?.p50Ms);
      const verdict = r.status !== 'completed' ? r.status : comparison === 'identical' ? 'identical' : comparison === 'differs' ? '**differ**' : '-';
      return [r.runtime, p50('shared-cache'), p50('own-cache'), p50('vendored'), verdict, cell(why)];
    });
  if (rows.length === 0) return [];
  return [
    '### Module cache isolation',
    '',
    'Two builds at once; P50.',
    '',
    ...table(['Runtime', 'Shared cache (ms)', 'Own cache (ms)', 'Vendored (ms)', 'Binaries', 'Difference'], rows, new Set([1, 2, 3])),
  ];
}

function checks(run: RunJson): string[] {
  const sections = [offlineReadiness(run), reproducibleBuilds(run), consistency(run), modcacheIsolation(run)].filter((s) => s.length > 0);
  if (sections.length === 0) return [];
  return ['## Checks', '', ...sections.flatMap((s, i) => (i === 0 ? s : ['', ...s]))];
}

/**
 * Every result that did not complete, with its reason as written (in a code block: reasons quote
 * command output). A runtime that could not run at all fails each scenario for the same reason,
 * which is said once with the scenarios it cost.
 */
function failures(run: RunJson): string[] {
  const groups = new Map<string, ResultJson[]>();
  for (const result of run.results) {
    if (result.status === 'completed' || result.status === 'not-applicable') continue;
    const key = JSON.stringify([result.runtime, result.status, result.reason ?? '']);
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  if (groups.size === 0 && !run.error) return [];
  const lines = ['## Failures', ''];
  if (run.error && run.status !== 'completed') lines.push(`Run ${run.status}: ${cell(run.error)}`, '');
  for (const group of groups.values()) {
    const first = group[0]!;
    lines.push(`- **${first.runtime}** · ${group.map((r) => r.scenario).join(', ')} — ${first.status}${first.reason ? ':' : ' (no reason recorded)'}`);
    if (first.reason) lines.push('', ...fenced(first.reason, '  '), '');
  }
  return lines;
}

/** Scenarios with nothing to measure in this workspace (no main package): listed once each, apart from the failures. */
function notApplicable(run: RunJson): string[] {
  const entries = notApplicableEntries(run.results);
  if (entries.length === 0) return [];
  return ['## Not applicable', '', 'Nothing to measure in this workspace: not a failure, and not part of any score.', '', ...entries.map((e) => `- ${cell(notApplicableLine(e))}`)];
}

/** Facts an import recorded (src/core/import/hyperfine.ts): where the numbers came from and what they lack. */
function importFacts(run: RunJson): { runtime: RuntimeId; facts: Record<string, unknown> }[] {
  return run.maintenance.filter((m) => m.facts['import.source'] !== undefined);
}

/**
 * The run table's notes, as the CLI prints them, with where imported figures came from after the
 * correction; failures are left out (they have their own section, with the whole reason).
 */
function notes(run: RunJson): string[] {
  const list: string[] = [];
  const shown = run.table.notes.filter((n) => n.kind !== 'failure');
  const before = shown.filter((n) => n.kind === 'load' || n.kind === 'correction');
  list.push(...before.map((n) => cell(n.text)));
  for (const { runtime, facts } of importFacts(run)) {
    list.push(
      `${runtime}: imported from ${String(facts['import.source'])} (${code(String(facts['import.file'] ?? ''))}), command ${code(String(facts['import.command'] ?? ''))}` +
        (facts['import.note'] ? `: ${cell(String(facts['import.note']))}` : ''),
    );
  }
  list.push(...shown.filter((n) => !before.includes(n)).map((n) => cell(n.text)));
  return list.length > 0 ? ['## Notes', '', ...list.map((n) => `- ${n}`)] : [];
}

function methodology(context: ExportContext): string[] {
  const by = `EnvBench ${context.envbench.version}${context.envbench.commit ? ` (${context.envbench.commit.slice(0, 12)})` : ''}`;
  return [
    '---',
    '',
    '**Method:** each figure is the wall time of a measured sample (warmups are stored but never counted); ' +
      'median with a distribution-free 95% confidence interval from order statistics (below 6 samples, min – max with its real confidence); ' +
      'P95 by linear interpolation (type 7); outliers (modified z-score > 3.5) flagged, never removed; runtimes interleaved within each round, each round starting one runtime later; ' +
      'each runtime compared with native by a Mann–Whitney U test, Holm-corrected across the runtimes of a scenario, significant at adjusted p ≤ 0.05 with at least 6 samples a side. ' +
      `Exported by ${cell(by)}; every sample is in the run JSON (\`envbench show ID --format json\`).`,
  ];
}

export function runToMarkdown(run: RunJson, context: ExportContext): string {
  const sections = [title(run), [optionsLine(run), '', machineLine(run)], ranking(run), results(run), phases(run), checks(run), failures(run), notApplicable(run), notes(run), methodology(context)];
  // Names and reasons come from the workspace and its tools: their control characters are shown, not obeyed.
  return escapeControlCharactersInText(
    sections
      .filter((s) => s.length > 0)
      .map((s) => s.join('\n').replace(/\n+$/, ''))
      .join('\n\n') + '\n',
  );
}

export const markdownExporter: Exporter = {
  format: 'md',
  extension: 'md',
  mediaType: 'text/markdown; charset=utf-8',
  description: 'Markdown report with GitHub tables, for a pull-request comment',
  render: async (run, context) => runToMarkdown(run, context),
};
