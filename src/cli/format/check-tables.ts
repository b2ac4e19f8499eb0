import type { ResultJson, RunJson } from '../../shared/run';
import { textTable } from './text-table';
import { formatMs } from '../../shared/format/units';
import { applicableResults } from '../../shared/format/not-applicable';
import { rowOf } from '../../shared/format/run-table';

/** The run table's verdict words; a build that is not reproducible is said in capitals. */
function verdictCell(run: RunJson, result: ResultJson): string {
  return result.verdict?.value === 'not-reproducible' ? 'NOT reproducible' : rowOf(run, result).verdict;
}

function offlineReadiness(run: RunJson, results: ResultJson[]): string[] {
  if (results.length === 0) return [];
  return [
    '',
    'Offline readiness (`go build ./...` in the warm environment with the network cut):',
    textTable(
      ['RUNTIME', 'VERDICT', 'BUILD', 'FIRST ERROR LINE / HOW THE NETWORK WAS CUT'],
      results.map((r) => [r.runtime, verdictCell(run, r), r.samples[0] ? formatMs(r.samples[0].wallMs) : '-', rowOf(run, r).detail]),
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
    const { comparison, why } = rowOf(run, r).binaries!;
    const shas = builds.filter((b) => b.runtime === r.runtime).map((b) => b.sha256.slice(0, 16));
    return [r.runtime, verdictCell(run, r), comparison ?? '-', shas.join(' '), why];
  });
  return ['', 'Reproducible builds (go build -trimpath, twice per environment; SHA-256):', textTable(['RUNTIME', 'REBUILDS', 'VS NATIVE', 'SHA-256', 'WHY'], rows)];
}

/** The module-cache table: each mode's P50 for two builds at once, and whether the six binaries agree. */
function modcacheIsolation(run: RunJson, results: ResultJson[]): string[] {
  if (results.length === 0) return [];
  const rows = results.map((r) => {
    const { comparison, why } = rowOf(run, r).binaries!;
    const phase = (name: string): string => {
      const p50 = r.phaseStats?.find((p) => p.name === name)?.p50Ms;
      return p50 === undefined ? '-' : formatMs(p50);
    };
    const verdict = r.status !== 'completed' ? r.status : comparison === 'identical' ? 'identical' : comparison === 'differs' ? 'DIFFER' : '-';
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
    ...offlineReadiness(run, of('offline-readiness')),
    ...consistencyMatrix(run),
    // Not applicable (no main package) is listed once with the run's other such results, not per runtime here.
    ...reproducibleBuilds(run, applicableResults(of('reproducible-build'))),
    ...modcacheIsolation(run, applicableResults(of('modcache-isolation'))),
  ];
}
