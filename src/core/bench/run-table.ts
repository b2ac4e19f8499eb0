// The table every output of one run renders (RunTable in src/shared/run.ts): derived here, once,
// when the run JSON is built, and stored with it. The CLI summary and ranking, Markdown, CSV, the
// app and the printed report only render it; none of them computes a rank, a median or a verdict.

import { median } from 'simple-statistics';
import type { ComparisonJson, RankedRuntime, ResultJson, RunJson, RunNote, RunTable, RunTableRow, RuntimeId, RuntimeScores, VersusNative } from '../../shared/run';
import { rankingReasons } from '../../shared/format/ranking-reasons';
import { scoreBasisNotes } from '../../shared/format/score-basis';
import { scenarioIn } from '../scenarios/user-command';

const VERDICT_WORDS: Record<string, string> = { ready: 'ready', 'not-ready': 'not ready', reproducible: 'reproducible', 'not-reproducible': 'not reproducible' };

function comparisonOf(run: Pick<RunJson, 'comparisons'>, result: ResultJson): ComparisonJson | undefined {
  return run.comparisons.find((c) => c.scenario === result.scenario && c.runtime === result.runtime);
}

function versusNative(result: ResultJson, comparison: ComparisonJson | undefined): VersusNative | null {
  if (!comparison) return result.runtime === 'native' && result.stats ? { baseline: true } : null;
  // A comparison warns when either side has too few samples for any difference to be significant.
  const verdict = comparison.significant ? 'significant' : /too few samples/.test(comparison.warning ?? '') ? 'no-verdict' : 'not-significant';
  return { baseline: false, ratio: comparison.ratio, pValueAdjusted: comparison.pValueAdjusted, verdict };
}

function medians(result: ResultJson): RunTableRow['medians'] {
  const measured = result.samples.filter((s) => !s.warmup);
  if (measured.length === 0) return null;
  return {
    cpuMs: median(measured.map((s) => s.userMs + s.sysMs)),
    peakRssBytes: median(measured.map((s) => s.maxRssKb * 1024)),
    readBytes: median(measured.map((s) => s.readBytes)),
    writeBytes: median(measured.map((s) => s.writeBytes)),
  };
}

/** How a build check's binaries compare (reproducible-build: with native's; modcache-isolation: with each other), and why. */
function binaries(run: Pick<RunJson, 'consistency' | 'maintenance'>, result: ResultJson): Pick<RunTableRow, 'binaries'> {
  const failed = result.reason ?? '(no reason recorded)';
  if (result.scenario === 'reproducible-build') {
    const mine = (run.consistency?.builds ?? []).filter((b) => b.runtime === result.runtime);
    const comparison =
      result.runtime === 'native' ? 'baseline' : mine.length === 0 ? null : mine.every((b) => b.identicalToNative) ? 'identical' : mine.some((b) => b.identicalToNative === null) ? null : 'differs';
    const why = result.status === 'completed' ? (result.verdict?.detail ?? mine.map((b) => b.why).filter(Boolean).join('; ')) : failed;
    return { binaries: { comparison, why } };
  }
  if (result.scenario === 'modcache-isolation') {
    const facts = run.maintenance.find((m) => m.runtime === result.runtime)?.facts ?? {};
    const identical = facts['modcache-isolation.identical'];
    const comparison = identical === true ? 'identical' : identical === false ? 'differs' : null;
    return { binaries: { comparison, why: result.status === 'completed' ? String(facts['modcache-isolation.difference'] ?? '') : failed } };
  }
  return {};
}

function row(run: Pick<RunJson, 'comparisons' | 'consistency' | 'maintenance' | 'options'>, result: ResultJson): RunTableRow {
  const scenario = scenarioIn(run.options, result.scenario);
  return {
    runtime: result.runtime,
    scenario: result.scenario,
    status: result.status,
    kind: scenario?.kind ?? null,
    dimension: scenario?.dimension ?? null,
    medians: medians(result),
    versusNative: versusNative(result, comparisonOf(run, result)),
    verdict: result.verdict ? (VERDICT_WORDS[result.verdict.value] ?? result.verdict.value) : result.status,
    detail: result.verdict ? (result.verdict.detail ?? result.verdict.method) : (result.reason ?? (result.status === 'completed' ? '' : '(no reason recorded)')),
    ...binaries(run, result),
  };
}

/** Best overall first; runtimes with equal overall scores share the rank of the first of them. */
function ranking(run: Pick<RunJson, 'scoring'>): RankedRuntime[] {
  const entries = (Object.entries(run.scoring?.scores ?? {}) as [RuntimeId, RuntimeScores][]).sort((a, b) => b[1].overall - a[1].overall);
  return entries.map(([runtime, s]) => {
    const equal = entries.filter(([, other]) => other.overall === s.overall);
    return { runtime, rank: entries.findIndex(([, other]) => other.overall === s.overall) + 1, tied: equal.length > 1, overall: s.overall };
  });
}

/**
 * One line telling the reader that the "vs native" verdicts account for testing several
 * runtimes at once; null when no scenario compared more than one runtime (nothing to correct).
 */
export function correctionNote(comparisons: readonly ComparisonJson[]): string | null {
  const familySizes = new Map<string, number>();
  for (const c of comparisons) familySizes.set(c.scenario, (familySizes.get(c.scenario) ?? 0) + 1);
  const sizes = [...familySizes.values()];
  const largest = Math.max(0, ...sizes);
  if (largest < 2) return null;
  const smallest = Math.min(...sizes);
  const count = smallest === largest ? String(largest) : `${smallest} to ${largest}`;
  return `p-values Holm-corrected across ${count} comparisons per scenario`;
}

/**
 * Why results have no figures, one line each; a runtime that could not run at all fails every
 * scenario for one reason, which is said once with the scenarios it cost.
 */
function failureNotes(results: readonly ResultJson[]): string[] {
  const groups = new Map<string, ResultJson[]>();
  for (const result of results) {
    if (!result.reason || result.status === 'not-applicable') continue;
    const key = JSON.stringify([result.runtime, result.status, result.reason]);
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    if (group.length === 1) return `${first.runtime} ${first.scenario} ${first.status}: ${first.reason}`;
    return `${first.runtime}: ${group.length} scenarios ${first.status} (${group.map((r) => r.scenario).join(', ')}): ${first.reason}`;
  });
}

function notes(run: Omit<RunJson, 'table'>): RunNote[] {
  const list: RunNote[] = [];
  const add = (kind: RunNote['kind'], text: string): void => void list.push({ kind, text });
  if (run.load?.warning) add('load', `Warning: ${run.load.warning}`);
  const correction = correctionNote(run.comparisons);
  if (correction) add('correction', correction);
  for (const text of failureNotes(run.results)) add('failure', text);
  for (const result of run.results) {
    if (result.stopReason) add('stop', `${result.runtime} ${result.scenario}: ${result.stopReason}`);
    for (const warning of result.stats?.warnings ?? []) add('warning', `${result.runtime} ${result.scenario}: ${warning}`);
  }
  for (const c of run.comparisons) if (c.warning) add('comparison', `${c.runtime} vs ${c.baseline} ${c.scenario}: ${c.warning}`);
  // devcontainer.json's keys not applied, and its lifecycle commands, never run: said once, though docker and dind share the file.
  const once = (key: string): Set<string> => new Set(run.maintenance.map((m) => m.facts[key]).filter((f): f is string => typeof f === 'string'));
  for (const fact of once('devcontainerNotApplied')) add('devcontainer', `Not applied from devcontainer.json: ${fact}`);
  for (const fact of once('lifecycleCommands')) add('lifecycle', fact);
  return list;
}

/** The table every output of the run renders, from the run's results, comparisons, facts and scores. */
export function buildRunTable(run: Omit<RunJson, 'table'>): RunTable {
  return {
    rows: run.results.map((result) => row(run, result)),
    ranking: ranking(run),
    rankingReasons: rankingReasons(run.scoring).map((r) => r.sentence),
    basisNotes: run.scoring ? scoreBasisNotes(run.scoring) : [],
    notes: notes(run),
  };
}

/** The run with its table (re)derived: for runs built by hand (tests) or changed after they were built. */
export function withRunTable(run: Omit<RunJson, 'table'> & { table?: RunTable }): RunJson {
  const rest: Omit<RunJson, 'table'> & { table?: RunTable } = { ...run };
  delete rest.table;
  return { ...rest, table: buildRunTable(rest) };
}
