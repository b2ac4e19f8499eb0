import type { ResultJson, RunJson } from '../../shared/run';
import { textTable } from './text-table';
import { formatMs } from '../../shared/format/units';
import { applicableResults } from '../../shared/format/not-applicable';

const VERDICT_WORDS: Record<string, string> = { ready: 'ready', 'not-ready': 'not ready', reproducible: 'reproducible', 'not-reproducible': 'NOT reproducible' };

function verdictCell(result: ResultJson): string {
  return result.verdict ? (VERDICT_WORDS[result.verdict.value] ?? result.verdict.value) : result.status;
}

function offlineReadiness(results: ResultJson[]): string[] {
  if (results.length === 0) return [];
  return [
    '',
    'Offline readiness (`go build ./...` in the warm environment with the network cut):',
    textTable(
      ['RUNTIME', 'VERDICT', 'BUILD', 'FIRST ERROR LINE / HOW THE NETWORK WAS CUT'],
      results.map((r) => [r.runtime, verdictCell(r), r.samples[0] ? formatMs(r.samples[0].wallMs) : '-', r.verdict ? (r.verdict.detail ?? r.verdict.method) : (r.reason ?? '')]),
      new Set([2]),
    ),
  ];
}

function consistencyMatrix(run: RunJson): string[] {
  const matrix = run.consistency;
  if (!matrix || matrix.rows.length === 0) return [];
  const runtimes = run.results.filter((r) => r.scenario === 'consistency' && r.status === 'completed').map((r) => r.runtime);
  const rows = matrix.rows.map((row) => [
    row.label,
    ...runtimes.map((rt) => `${row.values[rt] === undefined ? '-' : row.values[rt] || '(unset)'}${row.differs.includes(rt) ? ' *' : ''}`),
  ]);
  const explanations = matrix.rows.flatMap((row) => row.explanations).filter((e) => !/expected to differ/.test(e));
  return [
    '',
    'Environment consistency (* differs from native):',
    textTable(['SETTING', ...runtimes.map((r) => r.toUpperCase())], rows),
    ...explanations.map((e) => `  ! ${e}`),
  ];
}

function reproducibleBuilds(run: RunJson, results: ResultJson[]): string[] {
  if (results.length === 0) return [];
  const builds = run.consistency?.builds ?? [];
  const rows = results.map((r) => {
    const mine = builds.filter((b) => b.runtime === r.runtime);
    const versus = r.runtime === 'native' ? 'baseline' : mine.length === 0 ? '-' : mine.every((b) => b.identicalToNative) ? 'identical' : mine.some((b) => b.identicalToNative === null) ? '-' : 'differs';
    const why = r.verdict?.detail ?? mine.map((b) => b.why).filter(Boolean).join('; ');
    return [r.runtime, verdictCell(r), versus, mine.map((b) => b.sha256.slice(0, 16)).join(' '), r.status === 'completed' ? why : (r.reason ?? '')];
  });
  return ['', 'Reproducible builds (go build -trimpath, twice per environment; SHA-256):', textTable(['RUNTIME', 'REBUILDS', 'VS NATIVE', 'SHA-256', 'WHY'], rows)];
}

/** The module-cache table: each mode's P50 for two builds at once, and whether the six binaries agree. */
function modcacheIsolation(run: RunJson, results: ResultJson[]): string[] {
  if (results.length === 0) return [];
  const rows = results.map((r) => {
    const facts = run.maintenance.find((m) => m.runtime === r.runtime)?.facts ?? {};
    const phase = (name: string): string => {
      const p50 = r.phaseStats?.find((p) => p.name === name)?.p50Ms;
      return p50 === undefined ? '-' : formatMs(p50);
    };
    const identical = facts['modcache-isolation.identical'];
    const verdict = r.status !== 'completed' ? r.status : identical === true ? 'identical' : identical === false ? 'DIFFER' : '-';
    const why = r.status !== 'completed' ? (r.reason ?? '') : String(facts['modcache-isolation.difference'] ?? '');
    return [r.runtime, phase('shared-cache'), phase('own-cache'), phase('vendored'), verdict, why];
  });
  return [
    '',
    'Module cache isolation (two builds at once; P50):',
    textTable(['RUNTIME', 'SHARED CACHE', 'OWN CACHE', 'VENDORED', 'BINARIES', 'DIFFERENCE'], rows, new Set([1, 2, 3])),
  ];
}

/** The tables of check scenarios and probe findings (verdicts and matrices), after the main table. */
export function formatChecks(run: RunJson): string[] {
  const of = (scenario: string): ResultJson[] => run.results.filter((r) => r.scenario === scenario);
  return [
    ...offlineReadiness(of('offline-readiness')),
    ...consistencyMatrix(run),
    // Not applicable (no main package) is listed once with the run's other such results, not per runtime here.
    ...reproducibleBuilds(run, applicableResults(of('reproducible-build'))),
    ...modcacheIsolation(run, applicableResults(of('modcache-isolation'))),
  ];
}
