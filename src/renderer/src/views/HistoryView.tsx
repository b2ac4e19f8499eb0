import { useVirtualizer } from '@tanstack/react-virtual';
import type { ChartConfiguration } from 'chart.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrendPoint } from '../../../shared/ipc/contract';
import type { RunComparisonJson, RunSummary, RuntimeId } from '../../../shared/run';
import { formatMs } from '../../../shared/format/units';
import { hostNameOf } from '../../../shared/format/machine-key';
import { api, errorMessage, useApiEvent } from '../api';
import { dateLocale } from '../i18n';
import { ChartCanvas } from '../charts/ChartCanvas';
import { useChartTheme } from '../charts/chart-theme';

const ROW_HEIGHT = 34;

/** Every run (virtualised: ten thousand stay responsive): open, compare two, delete; trends over time. */
export function HistoryView({ onOpenRun }: { onOpenRun: (runId: string) => void }): React.JSX.Element {
  const { t } = useTranslation();
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [comparison, setComparison] = useState<RunComparisonJson | null>(null);

  const load = (): void => {
    api.invoke('history:query', { limit: 100_000 }).then(setRuns, (e: unknown) => setError(errorMessage(e)));
  };
  useEffect(load, []);
  useApiEvent('bench:state', load);

  const toggle = (id: string): void => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id].slice(-2)));
  const remove = async (id: string): Promise<void> => {
    if (!window.confirm(t('app.history.confirmDelete', { id }))) return;
    try {
      await api.invoke('run:delete', { id });
      setSelected((s) => s.filter((x) => x !== id));
      load();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const compare = async (): Promise<void> => {
    const [a, b] = [...selected].sort((x, y) => (runs!.find((r) => r.id === x)!.startedAt < runs!.find((r) => r.id === y)!.startedAt ? -1 : 1));
    try {
      setComparison(await api.invoke('run:compare', { before: a!, after: b! }));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section aria-labelledby="history-title">
      <div className="row spread">
        <h2 id="history-title">{t('app.history.title')}</h2>
        <button type="button" disabled={selected.length !== 2} onClick={() => void compare()}>
          {t('app.history.compare')}
        </button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {runs && runs.length === 0 && <p className="muted">{t('app.history.empty')}</p>}
      {runs && runs.length > 0 && <RunList runs={runs} selected={selected} onToggle={toggle} onOpen={onOpenRun} onDelete={(id) => void remove(id)} />}
      {comparison && <Comparison comparison={comparison} />}
      {runs && runs.length > 0 && <Trend initialScenario={runs[0]!.scenarios.find((s) => !['consistency', 'offline-readiness', 'reproducible-build'].includes(s)) ?? 'build-clean'} initialRuntime={runs[0]!.runtimes[0] ?? 'native'} runtimes={[...new Set(runs.flatMap((r) => r.runtimes))]} />}
    </section>
  );
}

function RunList({ runs, selected, onToggle, onOpen, onDelete }: { runs: RunSummary[]; selected: string[]; onToggle: (id: string) => void; onOpen: (id: string) => void; onDelete: (id: string) => void }): React.JSX.Element {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: runs.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  return (
    <div className="history-list" ref={scroller} role="table" aria-label={t('app.history.runs')} aria-rowcount={runs.length} data-testid="history-list">
      <div className="history-row header" role="row">
        <span role="columnheader" />
        <span role="columnheader">{t('app.history.column.run')}</span>
        <span role="columnheader">{t('app.history.column.date')}</span>
        <span role="columnheader">{t('app.history.column.status')}</span>
        <span role="columnheader">{t('app.history.column.workspace')}</span>
        <span role="columnheader">{t('app.history.column.runtimes')}</span>
        <span role="columnheader" />
      </div>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const run = runs[item.index]!;
          return (
            <div key={run.id} role="row" className="history-row" data-run-id={run.id} style={{ position: 'absolute', top: 0, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, width: '100%' }}>
              <span role="cell"><input type="checkbox" checked={selected.includes(run.id)} onChange={() => onToggle(run.id)} aria-label={t('app.history.select', { id: run.id })} /></span>
              <span role="cell"><button type="button" className="link" onClick={() => onOpen(run.id)}>{run.id}</button></span>
              <span role="cell">{new Date(run.startedAt).toLocaleString(dateLocale())}</span>
              <span role="cell" className={`status ${run.status}`}>{t(`common.status.${run.status}`)}</span>
              <span role="cell" title={run.workspacePath}>{run.module}</span>
              <span role="cell" title={run.host}>{run.host ? t('app.history.onHost', { runtimes: run.runtimes.join(', '), host: hostNameOf(run.host) }) : run.runtimes.join(', ')}</span>
              <span role="cell"><button type="button" className="link danger" onClick={() => onDelete(run.id)} aria-label={t('app.history.deleteRun', { id: run.id })}>{t('app.history.delete')}</button></span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function Comparison({ comparison }: { comparison: RunComparisonJson }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <div data-testid="comparison">
      <h3>
        {comparison.before.id} → {comparison.after.id}
      </h3>
      {comparison.machineDifferences.length > 0 ? (
        <p role="alert" className="warning">
          {t('app.history.differentMachines', { differences: comparison.machineDifferences.join(', ') })}
        </p>
      ) : (
        <p className="muted">{t('app.history.sameMachine')}</p>
      )}
      <table>
        <thead>
          <tr>
            <th>{t('app.history.comparison.scenario')}</th><th>{t('app.history.comparison.runtime')}</th><th>{t('app.history.comparison.before')}</th>
            <th>{t('app.history.comparison.after')}</th><th>{t('app.history.comparison.ratio')}</th><th>{t('app.history.comparison.verdict')}</th>
          </tr>
        </thead>
        <tbody>
          {comparison.rows.map((row) => (
            <tr key={`${row.scenario}/${row.runtime}`}>
              <td>{row.scenario}</td><td>{row.runtime}</td><td>{formatMs(row.beforeMedianMs)}</td><td>{formatMs(row.afterMedianMs)}</td><td>{row.ratio.toFixed(2)}×</td>
              <td>{row.significant ? t('app.history.significant', { p: row.pValueAdjusted.toFixed(3) }) : row.warning ? t('app.history.noVerdict') : t('app.history.notSignificant', { p: row.pValueAdjusted.toFixed(3) })}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {comparison.unmatched.length > 0 && <p className="muted">{t('app.history.onlyInOne', { results: comparison.unmatched.map((u) => t(`app.history.onlyIn.${u.in}`, { runtime: u.runtime, scenario: u.scenario })).join(', ') })}</p>}
    </div>
  );
}

/** `runtimes`: those the history has runs of (the registry's ids, as runs recorded them). */
function Trend({ initialScenario, initialRuntime, runtimes }: { initialScenario: string; initialRuntime: RuntimeId; runtimes: RuntimeId[] }): React.JSX.Element {
  const [scenario, setScenario] = useState(initialScenario);
  const [runtime, setRuntime] = useState<RuntimeId>(initialRuntime);
  const [scenarios, setScenarios] = useState<string[]>([]);
  const [points, setPoints] = useState<TrendPoint[] | null>(null);
  useEffect(() => {
    api.invoke('scenario:list').then((list) => setScenarios(list.filter((s) => s.kind !== 'check').map((s) => s.id)), () => {});
  }, []);
  useEffect(() => {
    api.invoke('history:trend', { scenario, runtime }).then(setPoints, () => setPoints([]));
  }, [scenario, runtime]);
  const { t } = useTranslation();
  const theme = useChartTheme();
  const config = useMemo((): ChartConfiguration | null => {
    if (!points || points.length === 0) return null;
    const labels = points.map((p) => new Date(p.startedAt).toLocaleString(dateLocale()));
    return {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: t('app.history.trend.median'), data: points.map((p) => p.medianMs), borderColor: theme.trend.median, backgroundColor: theme.trend.median, pointRadius: 3 },
          { label: t('app.history.trend.ciHigh'), data: points.map((p) => p.ciHighMs), borderColor: theme.trend.ci, borderDash: [4, 2], pointRadius: 0, fill: '+1' },
          { label: t('app.history.trend.ciLow'), data: points.map((p) => p.ciLowMs), borderColor: theme.trend.ci, borderDash: [4, 2], pointRadius: 0 },
        ],
      },
      options: { plugins: { title: { display: true, text: t('app.history.trend.chartTitle', { scenario, runtime }) } }, scales: { y: { title: { display: true, text: t('app.history.trend.milliseconds') } } } },
    };
  }, [points, scenario, runtime, theme, t]);
  const machines = new Set(points?.map((p) => p.machine));
  return (
    <div className="trend">
      <h3>{t('app.history.trend.title')}</h3>
      <div className="row">
        <select value={scenario} onChange={(e) => setScenario(e.target.value)} aria-label={t('app.history.trend.scenario')}>
          {scenarios.map((s) => <option key={s}>{s}</option>)}
        </select>
        <select value={runtime} onChange={(e) => setRuntime(e.target.value as RuntimeId)} aria-label={t('app.history.trend.runtime')}>
          {runtimes.map((r) => <option key={r}>{r}</option>)}
        </select>
      </div>
      {machines.size > 1 && <p className="warning">{t('app.history.trend.machines', { n: machines.size })}</p>}
      {/* While the trend loads it says so: "no run" only once the history answered that. */}
      {config ? <ChartCanvas config={config} label={t('app.history.trend.label', { scenario, runtime })} height={240} /> : points === null ? <p className="muted" data-testid="trend-loading">{t('app.history.trend.loading', { scenario, runtime })}</p> : <p className="muted">{t('app.history.trend.none', { scenario, runtime })}</p>}
    </div>
  );
}
