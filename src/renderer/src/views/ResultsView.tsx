import type { ChartConfiguration } from 'chart.js';
import { useEffect, useMemo, useState } from 'react';
import type { ResultJson, RunJson, RuntimeId } from '../../../shared/run';
import { formatBytes, formatCount, formatMs } from '../../../shared/format/units';
import { api, errorMessage } from '../api';
import { ChartCanvas, runtimeColour } from '../charts/ChartCanvas';

const PHASE_PATTERNS = ['#90a4ae', '#546e7a', '#cfd8dc', '#37474f', '#b0bec5', '#263238'];

function measured(result: ResultJson): number[] {
  return result.samples.filter((s) => !s.warmup).map((s) => s.wallMs);
}

function verdictOf(run: RunJson, result: ResultJson): string {
  const c = run.comparisons.find((x) => x.scenario === result.scenario && x.runtime === result.runtime);
  if (!c) return result.runtime === 'native' ? 'baseline' : '—';
  const ratio = `${c.ratio.toFixed(2)}×`;
  if (c.significant) return `${ratio} (p=${c.pValueAdjusted.toFixed(3)})`;
  return /too few samples/.test(c.warning ?? '') ? `${ratio} (no verdict: too few samples)` : `${ratio} (not significant, p=${c.pValueAdjusted.toFixed(3)})`;
}

/** One run: ranking, medians with 95% CI, startup phases, distributions, checks, consistency, and the table. */
export function ResultsView({ runId }: { runId: string | null }): React.JSX.Element {
  const [run, setRun] = useState<RunJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [logScale, setLogScale] = useState(true);
  const [tableView, setTableView] = useState(false);

  useEffect(() => {
    setRun(null);
    setError(null);
    if (!runId) return;
    api.invoke('run:get', { id: runId }).then(
      (r) => (r ? setRun(r) : setError(`No run ${runId} in the history: it may have been deleted.`)),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [runId]);

  if (!runId) return <section><h2>Results</h2><p className="muted">Open a run from the history, or start one.</p></section>;
  if (error) return <section><h2>Results</h2><p role="alert" className="error">{error}</p></section>;
  if (!run) return <section><h2>Results</h2><p className="muted">Loading run {runId}…</p></section>;

  const sampled = run.results.filter((r) => r.stats);
  return (
    <section aria-labelledby="results-title" data-testid="results" data-run-id={run.id}>
      <div className="row spread">
        <h2 id="results-title">Run {run.id}</h2>
        <div className="row">
          <label><input type="checkbox" checked={logScale} onChange={() => setLogScale(!logScale)} /> log scale</label>
          <label><input type="checkbox" checked={tableView} onChange={() => setTableView(!tableView)} /> table view</label>
        </div>
      </div>
      <p className="muted">
        <span className={`status ${run.status}`}>{run.status}</span> · {run.workspace.module} · {new Date(run.startedAt).toLocaleString()} ·{' '}
        {run.options.adaptive ? `runs auto (at most ${run.options.adaptive.maxRuns})` : `${run.options.runs} runs`}, {run.options.warmup} warmup{run.options.offline ? ', offline' : ''} · {run.machine.cpuModel}, {run.machine.cpuCount} CPUs
      </p>
      {run.error && <p role="alert" className="error">{run.error}</p>}
      <Failures run={run} />
      {tableView ? (
        <NumbersTable run={run} />
      ) : (
        <>
          <Ranking run={run} />
          {(['startup', 'performance'] as const).map((dimension) => (
            <MediansChart key={dimension} run={run} results={sampled.filter((r) => dimensionOf(r) === dimension)} title={dimension === 'startup' ? 'Startup: median with 95% CI' : 'Performance: median with 95% CI'} logScale={logScale} />
          ))}
          <PhaseBars run={run} />
          <Distributions run={run} logScale={logScale} />
        </>
      )}
      <Checks run={run} />
      <Consistency run={run} />
    </section>
  );
}

function dimensionOf(result: ResultJson): string {
  return result.scenario.startsWith('startup-') ? 'startup' : 'performance';
}

function Failures({ run }: { run: RunJson }): React.JSX.Element | null {
  const failed = run.results.filter((r) => r.status !== 'completed');
  if (failed.length === 0) return null;
  return (
    <details className="failures" open={failed.length < 8}>
      <summary>{failed.length} result{failed.length === 1 ? '' : 's'} without figures</summary>
      <ul>
        {failed.map((r) => (
          <li key={`${r.runtime}/${r.scenario}`}>
            <strong>{r.runtime}</strong> {r.scenario}: {r.status}
            {r.reason ? ` — ${r.reason}` : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}

function MediansChart({ run, results, title, logScale }: { run: RunJson; results: ResultJson[]; title: string; logScale: boolean }): React.JSX.Element | null {
  const config = useMemo((): ChartConfiguration | null => {
    if (results.length === 0) return null;
    const scenarios = [...new Set(results.map((r) => r.scenario))];
    const runtimes = [...new Set(results.map((r) => r.runtime))];
    return {
      type: 'barWithErrorBars',
      data: {
        labels: scenarios,
        datasets: runtimes.map((runtime, i) => ({
          label: runtime,
          backgroundColor: runtimeColour(runtime),
          borderColor: '#000',
          borderWidth: 1,
          borderDash: i % 2 ? [4, 2] : [],
          data: scenarios.map((scenario) => {
            const s = results.find((r) => r.scenario === scenario && r.runtime === runtime)?.stats;
            return s ? { y: s.medianMs, yMin: s.ciLowMs, yMax: s.ciHighMs } : { y: NaN, yMin: NaN, yMax: NaN };
          }),
        })),
      },
      options: {
        plugins: {
          title: { display: true, text: title },
          tooltip: {
            callbacks: {
              label: (item: { dataIndex: number; datasetIndex: number }) => {
                const result = results.find((r) => r.scenario === scenarios[item.dataIndex] && r.runtime === runtimes[item.datasetIndex]);
                return result?.stats ? `${result.runtime}: ${formatMs(result.stats.medianMs)} [${formatMs(result.stats.ciLowMs)} – ${formatMs(result.stats.ciHighMs)}] · ${verdictOf(run, result)}` : '';
              },
            },
          },
        },
        scales: { y: { type: logScale ? 'logarithmic' : 'linear', title: { display: true, text: 'milliseconds' } } },
      },
    } as unknown as ChartConfiguration;
  }, [run, results, title, logScale]);
  if (!config) return null;
  return <ChartCanvas config={config} label={title} />;
}

function PhaseBars({ run }: { run: RunJson }): React.JSX.Element | null {
  const config = useMemo((): ChartConfiguration | null => {
    const withPhases = run.results.filter((r) => r.phaseStats && r.phaseStats.length > 0 && r.scenario.startsWith('startup-'));
    if (withPhases.length === 0) return null;
    const labels = withPhases.map((r) => `${r.runtime} ${r.scenario.replace('startup-', '')}`);
    const phases = [...new Set(withPhases.flatMap((r) => r.phaseStats!.map((p) => p.name)))];
    return {
      type: 'bar',
      data: {
        labels,
        datasets: phases.map((phase, i) => ({
          label: phase,
          backgroundColor: PHASE_PATTERNS[i % PHASE_PATTERNS.length],
          borderColor: '#000',
          borderWidth: 1,
          data: withPhases.map((r) => r.phaseStats!.find((p) => p.name === phase)?.p50Ms ?? 0),
        })),
      },
      options: {
        indexAxis: 'y',
        plugins: { title: { display: true, text: 'Startup phases (P50, stacked)' } },
        scales: { x: { stacked: true, title: { display: true, text: 'milliseconds' } }, y: { stacked: true } },
      },
    };
  }, [run]);
  if (!config) return null;
  return <ChartCanvas config={config} label="Startup phases" height={Math.max(200, 40 * (config.data.labels?.length ?? 1))} />;
}

function Distributions({ run, logScale }: { run: RunJson; logScale: boolean }): React.JSX.Element | null {
  const scenarios = [...new Set(run.results.filter((r) => r.stats).map((r) => r.scenario))];
  const [scenario, setScenario] = useState<string | null>(null);
  const chosen = scenario && scenarios.includes(scenario) ? scenario : scenarios[0];
  const config = useMemo((): ChartConfiguration | null => {
    const results = run.results.filter((r) => r.scenario === chosen && r.stats);
    if (results.length === 0) return null;
    const runtimes = results.map((r) => r.runtime);
    return {
      type: 'scatter',
      data: {
        datasets: results.map((r, i) => ({
          label: r.runtime,
          backgroundColor: runtimeColour(r.runtime),
          pointStyle: (['circle', 'triangle', 'rect', 'crossRot', 'star'] as const)[i % 5],
          radius: 4,
          // Deterministic jitter, so the same run always draws the same picture.
          data: measured(r).map((ms, j) => ({ x: i + (((j * 37) % 21) - 10) / 40, y: ms })),
        })),
      },
      options: {
        plugins: { title: { display: true, text: `Samples of ${chosen} (each dot one measured run)` } },
        scales: {
          x: { min: -0.5, max: runtimes.length - 0.5, ticks: { stepSize: 1, callback: (v) => runtimes[Number(v)] ?? '' } },
          y: { type: logScale ? 'logarithmic' : 'linear', title: { display: true, text: 'milliseconds' } },
        },
      },
    };
  }, [run, chosen, logScale]);
  if (!config) return null;
  return (
    <div>
      <label>
        Distribution of{' '}
        <select value={chosen} onChange={(e) => setScenario(e.target.value)} aria-label="Scenario for the distribution">
          {scenarios.map((s) => <option key={s}>{s}</option>)}
        </select>
      </label>
      <ChartCanvas config={config} label={`Samples of ${chosen}`} />
    </div>
  );
}

function Ranking({ run }: { run: RunJson }): React.JSX.Element | null {
  const scoring = run.scoring;
  const entries = useMemo(() => (scoring ? (Object.entries(scoring.scores) as [RuntimeId, NonNullable<(typeof scoring.scores)[RuntimeId]>][]).sort((a, b) => b[1].overall - a[1].overall) : []), [scoring]);
  const config = useMemo((): ChartConfiguration | null => {
    if (entries.length === 0) return null;
    return {
      type: 'radar',
      data: {
        labels: ['startup', 'performance', 'maintenance'],
        datasets: entries.map(([runtime, s], i) => ({
          label: runtime,
          borderColor: runtimeColour(runtime),
          backgroundColor: 'transparent',
          borderDash: i % 2 ? [6, 3] : [],
          pointStyle: (['circle', 'triangle', 'rect', 'crossRot', 'star'] as const)[i % 5],
          data: [s.startup?.score ?? NaN, s.performance?.score ?? NaN, s.maintenance?.score ?? NaN],
        })),
      },
      options: { scales: { r: { min: 0, max: 100 } }, plugins: { title: { display: true, text: 'Dimension scores (0–100)' } } },
    };
  }, [entries]);
  if (!scoring || !config) return null;
  const cell = (n: number | undefined): string => (n === undefined ? '—' : n.toFixed(1));
  return (
    <div className="two-columns">
      <table data-testid="ranking">
        <caption>
          Ranking · weights startup {scoring.weights.startup}, performance {scoring.weights.performance}, maintenance {scoring.weights.maintenance}
        </caption>
        <thead>
          <tr><th>Rank</th><th>Runtime</th><th>Startup</th><th>Performance</th><th>Maintenance</th><th>Overall</th></tr>
        </thead>
        <tbody>
          {entries.map(([runtime, s]) => {
            const rank = entries.findIndex(([, o]) => o.overall === s.overall) + 1;
            const tied = entries.filter(([, o]) => o.overall === s.overall).length > 1;
            return (
              <tr key={runtime}>
                <td title={tied ? 'tied: the differences are not significant' : undefined}>{tied ? `=${rank} (tie)` : rank}</td>
                <td>{runtime}</td><td>{cell(s.startup?.score)}</td><td>{cell(s.performance?.score)}</td><td>{cell(s.maintenance?.score)}</td><td><strong>{cell(s.overall)}</strong></td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ChartCanvas config={config} label="Dimension scores" height={280} />
    </div>
  );
}

function NumbersTable({ run }: { run: RunJson }): React.JSX.Element {
  return (
    <table data-testid="numbers-table">
      <thead>
        <tr><th>Scenario</th><th>Runtime</th><th>Status</th><th>N</th><th>Median</th><th>95% CI</th><th>P95</th><th>CPU</th><th>Peak RSS</th><th>Read</th><th>Read calls/s</th><th>vs native</th></tr>
      </thead>
      <tbody>
        {run.results.map((r) => {
          const m = r.samples.filter((s) => !s.warmup);
          const mid = (values: number[]): number => {
            const sorted = [...values].sort((a, b) => a - b);
            return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
          };
          return (
            <tr key={`${r.runtime}/${r.scenario}`}>
              <td>{r.scenario}</td><td>{r.runtime}</td><td className={`status ${r.status}`}>{r.verdict ? r.verdict.value : r.status}</td>
              <td>{r.stats?.n ?? 0}</td>
              <td>{r.stats ? formatMs(r.stats.medianMs) : '—'}</td>
              <td>{r.stats ? `${formatMs(r.stats.ciLowMs)} – ${formatMs(r.stats.ciHighMs)}` : '—'}</td>
              <td>{r.stats ? formatMs(r.stats.p95Ms) : '—'}</td>
              <td>{m.length ? formatMs(mid(m.map((s) => s.userMs + s.sysMs))) : '—'}</td>
              <td>{m.length ? formatBytes(mid(m.map((s) => s.maxRssKb * 1024))) : '—'}</td>
              <td>{m.length ? formatBytes(mid(m.map((s) => s.readBytes))) : '—'}</td>
              <td>{r.readCallsPerSecond !== undefined ? formatCount(r.readCallsPerSecond) : '—'}</td>
              <td>{r.stats ? verdictOf(run, r) : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Checks({ run }: { run: RunJson }): React.JSX.Element | null {
  const checks = run.results.filter((r) => r.verdict || ['offline-readiness', 'reproducible-build'].includes(r.scenario));
  if (checks.length === 0) return null;
  return (
    <table data-testid="checks">
      <caption>Checks (measured once per runtime)</caption>
      <thead><tr><th>Check</th><th>Runtime</th><th>Verdict</th><th>Detail</th></tr></thead>
      <tbody>
        {checks.map((r) => (
          <tr key={`${r.runtime}/${r.scenario}`}>
            <td>{r.scenario}</td><td>{r.runtime}</td>
            <td className={r.verdict?.value.startsWith('not-') ? 'bad' : ''}>{r.verdict?.value ?? r.status}</td>
            <td>{r.verdict ? (r.verdict.detail ?? r.verdict.method) : (r.reason ?? '')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Consistency({ run }: { run: RunJson }): React.JSX.Element | null {
  const matrix = run.consistency;
  if (!matrix || matrix.rows.length === 0) return null;
  const runtimes = [...new Set(matrix.rows.flatMap((row) => Object.keys(row.values)))] as RuntimeId[];
  return (
    <div>
      <table data-testid="consistency" className="matrix">
        <caption>Environment consistency (highlighted: differs from native)</caption>
        <thead><tr><th>Setting</th>{runtimes.map((r) => <th key={r}>{r}</th>)}</tr></thead>
        <tbody>
          {matrix.rows.map((row) => (
            <tr key={row.key}>
              <td>{row.label}</td>
              {runtimes.map((r) => (
                <td key={r} className={row.differs.includes(r) ? 'differs' : ''} title={row.differs.includes(r) ? 'differs from native' : undefined}>
                  {row.values[r] === undefined ? '—' : row.values[r] || '(unset)'}
                  {row.differs.includes(r) ? ' *' : ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="explanations">
        {matrix.rows.flatMap((row) => row.explanations).map((e) => <li key={e}>{e}</li>)}
      </ul>
    </div>
  );
}
