import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DimensionScore, ResultJson, RunJson } from '../../../shared/run';
import { applicableResults, notApplicableEntries, notApplicableLine } from '../../../shared/format/not-applicable';
import { restsOnFewerInputs } from '../../../shared/format/score-basis';
import { rankedScores, rowOf } from '../../../shared/format/run-table';
import { formatBytes, formatCount, formatMs } from '../../../shared/format/units';
import { api, errorMessage } from '../api';
import { currentLanguage, dateLocale } from '../i18n';
import { ChartCanvas } from '../charts/ChartCanvas';
import { ConsistencyMatrix } from '../components/ConsistencyMatrix';
import { useChartTheme } from '../charts/chart-theme';
import { mediansChart, phasesChart, phasesChartHeight, rankLabel, scoresRadar, stripChart, versusNative } from '../charts/run-charts';


/** One run: ranking, medians with 95% CI, startup phases, distributions, checks, consistency, and the table. */
export function ResultsView({ runId }: { runId: string | null }): React.JSX.Element {
  const { t } = useTranslation();
  const [run, setRun] = useState<RunJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [logScale, setLogScale] = useState(true);
  const [tableView, setTableView] = useState(false);

  useEffect(() => {
    setRun(null);
    setError(null);
    if (!runId) return;
    // A run that is not in the history (deleted meanwhile) comes back as the core's "No run" error.
    api.invoke('run:get', { id: runId }).then(setRun, (e: unknown) => setError(errorMessage(e)));
  }, [runId]);

  if (!runId) return <section><h2>{t('results.title')}</h2><p className="muted">{t('results.noRun')}</p></section>;
  if (error) return <section><h2>{t('results.title')}</h2><p role="alert" className="error">{error}</p></section>;
  if (!run) return <section><h2>{t('results.title')}</h2><p className="muted">{t('results.loading', { id: runId })}</p></section>;

  const sampled = run.results.filter((r) => r.stats);
  return (
    <section aria-labelledby="results-title" data-testid="results" data-run-id={run.id}>
      <div className="row spread">
        <h2 id="results-title">{t('results.runTitle', { id: run.id })}</h2>
        <div className="row">
          <label><input type="checkbox" checked={logScale} onChange={() => setLogScale(!logScale)} /> {t('results.logScale')}</label>
          <label><input type="checkbox" checked={tableView} onChange={() => setTableView(!tableView)} /> {t('results.tableView')}</label>
        </div>
      </div>
      <p className="muted">
        <span className={`status ${run.status}`}>{t(`common.status.${run.status}`)}</span> · {run.workspace.module} · {new Date(run.startedAt).toLocaleString(dateLocale())} ·{' '}
        {run.options.adaptive ? t('results.runsAuto', { max: run.options.adaptive.maxRuns }) : t('results.runsFixed', { runs: run.options.runs })}{t('results.warmups', { n: run.options.warmup })}{run.options.offline ? t('results.offline') : ''}
        {run.options.main ? t('results.main', { main: run.options.main }) : ''}{run.options.testArgs ? t('results.testArgs', { args: run.options.testArgs }) : ''} · {t('results.cpus', { model: run.machine.cpuModel, n: run.machine.cpuCount })}
      </p>
      {run.error && <p role="alert" className="error">{run.error}</p>}
      <ExportForm run={run} />
      <Failures run={run} />
      <NotApplicable run={run} />
      {tableView ? (
        <NumbersTable run={run} />
      ) : (
        <>
          <Ranking run={run} />
          {(['startup', 'performance'] as const).map((dimension) => (
            <MediansChart key={dimension} run={run} results={sampled.filter((r) => dimensionOf(r) === dimension)} title={dimension === 'startup' ? t('results.startupMedians') : t('results.performanceMedians')} logScale={logScale} />
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
  const { t } = useTranslation();
  const failed = applicableResults(run.results).filter((r) => r.status !== 'completed');
  if (failed.length === 0) return null;
  return (
    <details className="failures" open={failed.length < 8}>
      <summary>{t('results.failures', { count: failed.length })}</summary>
      <ul>
        {failed.map((r) => (
          <li key={`${r.runtime}/${r.scenario}`}>
            <strong>{r.runtime}</strong> {r.scenario}: {t(`common.status.${r.status}`)}
            {r.reason ? ` — ${r.reason}` : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Scenarios with nothing to measure in this workspace (no main package): not failures, not scored. */
function NotApplicable({ run }: { run: RunJson }): React.JSX.Element | null {
  const { t } = useTranslation();
  const entries = notApplicableEntries(run.results);
  if (entries.length === 0) return null;
  return (
    <div className="muted" data-testid="not-applicable">
      {t('results.notApplicable')}
      <ul>
        {entries.map((e) => <li key={`${e.scenario}/${e.reason}`}>{notApplicableLine(e)}</li>)}
      </ul>
    </div>
  );
}

function MediansChart({ run, results, title, logScale }: { run: RunJson; results: ResultJson[]; title: string; logScale: boolean }): React.JSX.Element | null {
  const { t } = useTranslation();
  const theme = useChartTheme();
  const config = useMemo(() => mediansChart(run, results, title, logScale, t, theme), [run, results, title, logScale, t, theme]);
  return config ? <ChartCanvas config={config} label={title} /> : null;
}

function PhaseBars({ run }: { run: RunJson }): React.JSX.Element | null {
  const { t } = useTranslation();
  const theme = useChartTheme();
  const config = useMemo(() => phasesChart(run, t, theme), [run, t, theme]);
  return config ? <ChartCanvas config={config} label={t('results.chart.phasesLabel')} height={phasesChartHeight(config)} /> : null;
}

function Distributions({ run, logScale }: { run: RunJson; logScale: boolean }): React.JSX.Element | null {
  const scenarios = [...new Set(run.results.filter((r) => r.stats).map((r) => r.scenario))];
  const [scenario, setScenario] = useState<string | null>(null);
  const chosen = scenario && scenarios.includes(scenario) ? scenario : scenarios[0];
  const { t } = useTranslation();
  const theme = useChartTheme();
  const config = useMemo(() => (chosen ? stripChart(run, chosen, logScale, t, theme) : null), [run, chosen, logScale, t, theme]);
  if (!config) return null;
  return (
    <div>
      <label>
        {t('results.distributionOf')}{' '}
        <select value={chosen} onChange={(e) => setScenario(e.target.value)} aria-label={t('results.distributionScenario')}>
          {scenarios.map((s) => <option key={s}>{s}</option>)}
        </select>
      </label>
      <ChartCanvas config={config} label={t('results.chart.samplesLabel', { scenario: chosen })} />
    </div>
  );
}

function Ranking({ run }: { run: RunJson }): React.JSX.Element | null {
  const { t } = useTranslation();
  const entries = useMemo(() => rankedScores(run), [run]);
  const theme = useChartTheme();
  const config = useMemo(() => scoresRadar(entries, t, theme), [entries, t, theme]);
  const scoring = run.scoring;
  if (!scoring || !config) return null;
  const cell = (n: number | undefined): string => (n === undefined ? '—' : n.toFixed(1));
  const dim = (d: DimensionScore | undefined): string => `${cell(d?.score)}${restsOnFewerInputs(d) ? ' *' : ''}`;
  return (
    <div className="two-columns">
      <div>
        <table data-testid="ranking">
          <caption>
            {t('results.ranking', scoring.weights)}
          </caption>
          <thead>
            <tr><th>{t('results.column.rank')}</th><th>{t('results.column.runtime')}</th><th>{t('common.dimension.startup')}</th><th>{t('common.dimension.performance')}</th><th>{t('common.dimension.maintenance')}</th><th>{t('results.column.overall')}</th></tr>
          </thead>
          <tbody>
            {entries.map(({ runtime, scores: s }, i) => (
              <tr key={runtime}>
                <td>{rankLabel(entries[i]!, t)}</td>
                <td>{runtime}</td><td>{dim(s.startup)}</td><td>{dim(s.performance)}</td><td>{dim(s.maintenance)}</td><td><strong>{cell(s.overall)}</strong></td>
              </tr>
            ))}
          </tbody>
        </table>
        <ul className="ranking-reasons" data-testid="ranking-reasons">
          {run.table.rankingReasons.map((sentence) => <li key={sentence}>{sentence}</li>)}
        </ul>
        <ScoreBasis notes={run.table.basisNotes} />
      </div>
      <ChartCanvas config={config} label={t('results.chart.scoresLabel')} height={280} />
    </div>
  );
}

/** What scores rest on when a runtime lacks an input another has (marked *), or counts an undecided tie. */
function ScoreBasis({ notes }: { notes: string[] }): React.JSX.Element | null {
  const { t } = useTranslation();
  if (notes.length === 0) return null;
  return (
    <ul className="muted" data-testid="score-basis">
      {notes.map((n) => <li key={n}>{t('results.basis', { note: n })}</li>)}
    </ul>
  );
}

function NumbersTable({ run }: { run: RunJson }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <table data-testid="numbers-table">
      <thead>
        <tr><th>{t('results.column.scenario')}</th><th>{t('results.column.runtime')}</th><th>{t('results.column.status')}</th><th>N</th><th>{t('results.column.median')}</th><th>95% CI</th><th>P95</th><th>CPU</th><th title={t('results.column.peakRssTitle')}>{t('results.column.peakRss')}</th><th>{t('results.column.read')}</th><th>{t('results.column.readCalls')}</th><th>{t('results.column.versusNative')}</th></tr>
      </thead>
      <tbody>
        {run.results.map((r) => {
          const m = rowOf(run, r).medians;
          return (
            <tr key={`${r.runtime}/${r.scenario}`}>
              <td>{r.scenario}</td><td>{r.runtime}</td><td className={`status ${r.status}`}>{rowOf(run, r).verdict}</td>
              <td>{r.stats?.n ?? 0}</td>
              <td>{r.stats ? formatMs(r.stats.medianMs) : '—'}</td>
              <td>{r.stats ? `${formatMs(r.stats.ciLowMs)} – ${formatMs(r.stats.ciHighMs)}` : '—'}</td>
              <td>{r.stats ? formatMs(r.stats.p95Ms) : '—'}</td>
              <td>{m ? formatMs(m.cpuMs) : '—'}</td>
              <td>{m ? formatBytes(m.peakRssBytes) : '—'}</td>
              <td>{m ? formatBytes(m.readBytes) : '—'}</td>
              <td>{r.readCallsPerSecond !== undefined ? formatCount(r.readCallsPerSecond) : '—'}</td>
              <td>{r.stats ? versusNative(run, r, t) : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Checks({ run }: { run: RunJson }): React.JSX.Element | null {
  const { t } = useTranslation();
  const checks = applicableResults(run.results).filter((r) => r.verdict || ['offline-readiness', 'reproducible-build'].includes(r.scenario));
  if (checks.length === 0) return null;
  return (
    <table data-testid="checks">
      <caption>{t('results.checks')}</caption>
      <thead><tr><th>{t('results.column.check')}</th><th>{t('results.column.runtime')}</th><th>{t('results.column.verdict')}</th><th>{t('results.column.detail')}</th></tr></thead>
      <tbody>
        {checks.map((r) => (
          <tr key={`${r.runtime}/${r.scenario}`}>
            <td>{r.scenario}</td><td>{r.runtime}</td>
            <td className={r.verdict?.value.startsWith('not-') ? 'bad' : ''}>{rowOf(run, r).verdict}</td>
            <td>{rowOf(run, r).detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Consistency({ run }: { run: RunJson }): React.JSX.Element | null {
  const { t } = useTranslation();
  const matrix = run.consistency;
  if (!matrix || matrix.rows.length === 0) return null;
  return <ConsistencyMatrix matrix={matrix} caption={t('results.consistency')} testId="consistency" />;
}

/** The formats offered, each labelled results.export.<format>. */
const EXPORT_CHOICES = [
  { format: 'pdf', extension: 'pdf' },
  { format: 'md', extension: 'md' },
  { format: 'csv', extension: 'csv' },
  { format: 'csv-summary', extension: 'summary.csv' },
  { format: 'json', extension: 'json' },
  { format: 'benchfmt', extension: 'bench' },
] as const;

/**
 * Export… : the same exporters as `envbench export`. In Electron, a save dialog and then "Show in
 * folder"; in a browser (`envbench serve`), a download. A path typed into the field is written on
 * the core's machine, whole or not at all, in both.
 */
function ExportForm({ run }: { run: RunJson }): React.JSX.Element {
  const { t } = useTranslation();
  const [format, setFormat] = useState<(typeof EXPORT_CHOICES)[number]['format']>('pdf');
  const [file, setFile] = useState('');
  const [compareWith, setCompareWith] = useState('');
  const [info, setInfo] = useState<{ dataDir: string; shell: 'electron' | 'browser' } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string; written?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.invoke('app:info').then((appInfo) => setInfo({ dataDir: appInfo.dataDir, shell: appInfo.shell }), () => {});
  }, []);
  const choice = EXPORT_CHOICES.find((c) => c.format === format)!;
  const target = file || (info ? `${info.dataDir}/${run.id}.${choice.extension}` : '');
  // A PDF in the app's language, and against an earlier run when one is named.
  const pdfOptions = format === 'pdf' ? { language: currentLanguage(), ...(compareWith.trim() ? { compareWith: compareWith.trim() } : {}) } : {};
  const attempt = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setMessage(null);
    try {
      await work();
    } catch (e) {
      setMessage({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  const writeTo = async (path: string): Promise<void> => {
    const written = await api.invoke('run:export', { id: run.id, format, path, ...pdfOptions });
    setMessage({ ok: true, text: t('results.export.wrote', { path: written.path, bytes: written.bytes }), written: written.path });
  };
  const saveAs = (): Promise<void> =>
    attempt(async () => {
      const picked = await api.invoke('export:pick', { suggested: target, extension: choice.extension });
      if (picked) await writeTo(picked);
    });
  const download = (): Promise<void> =>
    attempt(async () => {
      const { fileName, mimeType, base64 } = await api.invoke('run:download', { id: run.id, format, ...pdfOptions });
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setMessage({ ok: true, text: t('results.export.downloaded', { file: fileName, bytes: bytes.length }) });
    });
  return (
    <details className="export" data-testid="export">
      <summary>{t('results.export.summary')}</summary>
      <div className="row">
        <select value={format} onChange={(e) => setFormat(e.target.value as typeof format)} aria-label={t('results.export.format')}>
          {EXPORT_CHOICES.map((c) => <option key={c.format} value={c.format}>{t(`results.export.${c.format}`)}</option>)}
        </select>
        {format === 'pdf' && <input value={compareWith} onChange={(e) => setCompareWith(e.target.value)} placeholder={t('results.export.compareWithPlaceholder')} aria-label={t('results.export.compareWith')} size={24} />}
        {info?.shell === 'electron' && <button type="button" className="primary" disabled={busy} onClick={() => void saveAs()}>{t('results.export.saveAs')}</button>}
        {info?.shell === 'browser' && <button type="button" className="primary" disabled={busy} onClick={() => void download()}>{t('results.export.download')}</button>}
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void attempt(() => writeTo(target));
        }}
      >
        <label className="muted small" htmlFor="export-path">{t('results.export.writeHere')}</label>
        <input id="export-path" value={target} onChange={(e) => setFile(e.target.value)} size={60} aria-label={t('results.export.toFile')} />
        <button type="submit" disabled={busy || !target}>{busy ? t('results.export.exporting') : t('results.export.export')}</button>
      </form>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'muted' : 'error'}>
          {message.text}
          {message.written && info?.shell === 'electron' && (
            <>
              {' '}
              <button type="button" className="link" onClick={() => void api.invoke('export:reveal', { path: message.written! }).catch((e: unknown) => setMessage({ ok: false, text: errorMessage(e) }))}>
                {t('results.export.showInFolder')}
              </button>
            </>
          )}
        </p>
      )}
    </details>
  );
}
