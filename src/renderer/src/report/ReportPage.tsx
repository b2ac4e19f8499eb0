import type { ChartConfiguration } from 'chart.js';
import type { TFunction } from 'i18next';
import { useEffect, useMemo, useRef } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { ReportData } from '../../../shared/report';
import type { DimensionScore, FactValue, ResultJson, RunJson, RuntimeId } from '../../../shared/run';
import { applicableResults, notApplicableEntries, notApplicableLine } from '../../../shared/format/not-applicable';
import { rankedScores, rowOf } from '../../../shared/format/run-table';
import { restsOnFewerInputs } from '../../../shared/format/score-basis';
import { formatBytes, formatCount, formatMs } from '../../../shared/format/units';
import { ChartCanvas } from '../charts/ChartCanvas';
import { ConsistencyMatrix } from '../components/ConsistencyMatrix';
import { mediansChart, phasesChart, phasesChartHeight, rankLabel, scoresRadar, versusNative } from '../charts/run-charts';

const CHECKS = new Set(['offline-readiness', 'consistency', 'reproducible-build']);

function runtimesOf(run: RunJson): RuntimeId[] {
  return run.options.runtimes;
}

/** The locale the report writes dates in: British English as always, or the report's Chinese. */
function dateLocale(language: string | undefined): string {
  return language === 'zh-CN' ? 'zh-CN' : 'en-GB';
}

/**
 * The printed report (A4, black-and-white friendly): one template for the app (Electron's
 * printToPDF) and the CLI (Chromium through playwright-core). It marks <html data-report-ready>
 * once every chart has been drawn, so printing never starts on a half-drawn page.
 */
export function ReportPage({ data }: { data: ReportData }): React.JSX.Element {
  const { run } = data;
  const { t, i18n } = useTranslation();
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = root.current;
    if (!element) return;
    const check = (): boolean => {
      const canvases = [...element.querySelectorAll('canvas')];
      if (canvases.some((c) => c.dataset.chartReady !== 'true')) return false;
      void document.fonts.ready.then(() => (document.documentElement.dataset.reportReady = 'true'));
      return true;
    };
    if (check()) return;
    const observer = new MutationObserver(() => check() && observer.disconnect());
    observer.observe(element, { attributes: true, subtree: true, attributeFilter: ['data-chart-ready'] });
    return () => observer.disconnect();
  }, []);

  const startup = applicableResults(run.results).filter((r) => r.scenario.startsWith('startup-'));
  const performance = applicableResults(run.results).filter((r) => !r.scenario.startsWith('startup-') && !CHECKS.has(r.scenario));
  return (
    <div className="report" ref={root}>
      <header>
        <h1>{t('report.title')}</h1>
        <p className="subtitle">
          {run.workspace.module} · {new Date(run.startedAt).toLocaleString(dateLocale(i18n.language), { dateStyle: 'long', timeStyle: 'short' })}
        </p>
        <table className="meta">
          <tbody>
            <tr><th>{t('report.meta.run')}</th><td>{run.id} ({t(`common.status.${run.status}`)})</td></tr>
            <tr><th>{t('report.meta.workspace')}</th><td>{run.workspace.path}{run.workspace.goVersion ? ` · go ${run.workspace.goVersion}` : ''}</td></tr>
            <tr><th>{t('report.meta.runtimes')}</th><td>{runtimesOf(run).join(', ')}</td></tr>
            <tr><th>{t('report.meta.samples')}</th><td>{t('report.samples.afterWarmup', { samples: run.options.adaptive ? t('report.samples.adaptive', { percent: Math.round(run.options.adaptive.targetHalfWidth * 100), max: run.options.adaptive.maxRuns }) : t('report.samples.fixed', { runs: run.options.runs }), warmup: run.options.warmup })}{run.options.offline ? t('report.samples.offline') : ''}</td></tr>
            {run.options.firstRun && <tr><th>{t('report.meta.firstRun')}</th><td>first-run: <code>{run.options.firstRun}</code></td></tr>}
            {run.options.main && <tr><th>{t('report.meta.mainPackage')}</th><td>main: <code>{run.options.main}</code></td></tr>}
            {run.options.testArgs && <tr><th>{t('report.meta.testArguments')}</th><td>test-args: <code>{run.options.testArgs}</code></td></tr>}
          </tbody>
        </table>
      </header>
      {data.comparison && <ComparisonSection data={data} />}
      <Verdict run={run} />
      <StartupSection run={run} results={startup} />
      <PerformanceSection run={run} results={performance} />
      <ResourcesSection run={run} results={[...startup, ...performance]} />
      <ConsistencySection run={run} />
      <MaintenanceSection run={run} />
      <FailuresSection run={run} />
      <NotApplicableSection run={run} />
      <Methodology data={data} />
      <Appendix data={data} />
    </div>
  );
}

function Chart({ config, label, height = 260 }: { config: ChartConfiguration | null; label: string; height?: number }): React.JSX.Element | null {
  const printable = useMemo(() => (config ? ({ ...config, options: { ...config.options, devicePixelRatio: 2, plugins: { ...config.options?.plugins, tooltip: { enabled: false } } } } as ChartConfiguration) : null), [config]);
  return printable ? <ChartCanvas config={printable} label={label} height={height} /> : null;
}

function ComparisonSection({ data }: { data: ReportData }): React.JSX.Element {
  const { before, result } = data.comparison!;
  const { t, i18n } = useTranslation();
  return (
    <section>
      <h2>{t('report.comparison.heading', { run: before.id })}</h2>
      <p>
        {t('report.comparison.intro', { before: before.id, date: new Date(before.startedAt).toLocaleString(dateLocale(i18n.language)), after: data.run.id, pairs: result.rows.length })}
      </p>
      {result.machineDifferences.length > 0 ? (
        <p className="warning">{t('report.comparison.differentMachines', { differences: result.machineDifferences.join(', ') })}</p>
      ) : (
        <p>{t('report.comparison.sameMachine')}</p>
      )}
      <table>
        <thead><tr><th>{t('report.column.scenario')}</th><th>{t('report.column.runtime')}</th><th className="num">{t('report.column.before')}</th><th className="num">{t('report.column.after')}</th><th className="num">{t('report.column.afterOverBefore')}</th><th>{t('report.column.verdict')}</th></tr></thead>
        <tbody>
          {result.rows.map((row) => (
            <tr key={`${row.scenario}/${row.runtime}`}>
              <td>{row.scenario}</td><td>{row.runtime}</td><td className="num">{formatMs(row.beforeMedianMs)}</td><td className="num">{formatMs(row.afterMedianMs)}</td><td className="num">{row.ratio.toFixed(2)}×</td>
              <td>{row.significant ? t('report.comparison.significant', { p: row.pValueAdjusted.toFixed(3) }) : row.warning ? t('report.comparison.noVerdict') : t('report.comparison.notSignificant', { p: row.pValueAdjusted.toFixed(3) })}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.unmatched.length > 0 && <p>{t('report.comparison.oneRunOnly', { list: result.unmatched.map((u) => `${u.runtime} ${u.scenario} (${t(`report.comparison.in.${u.in}`)})`).join(', ') })}</p>}
    </section>
  );
}

function Verdict({ run }: { run: RunJson }): React.JSX.Element {
  const entries = rankedScores(run);
  const cell = (n: number | undefined): string => (n === undefined ? '—' : n.toFixed(1));
  // A score over fewer inputs than another runtime's is marked *, and what it rests on is said below.
  const basisCell = (d: DimensionScore | undefined): string => `${cell(d?.score)}${restsOnFewerInputs(d) ? ' *' : ''}`;
  const w = run.scoring?.weights;
  const { t } = useTranslation();
  return (
    <section>
      <h2>{t('report.verdict.heading')}</h2>
      {entries.length === 0 ? (
        <p>{t('report.verdict.noRanking')}</p>
      ) : (
        <div className="side-by-side">
          <div>
            <table>
              <thead><tr><th>{t('report.column.rank')}</th><th>{t('report.column.runtime')}</th><th className="num">{t('common.dimension.startup')}</th><th className="num">{t('common.dimension.performance')}</th><th className="num">{t('common.dimension.maintenance')}</th><th className="num">{t('report.column.overall')}</th></tr></thead>
              <tbody>
                {entries.map(({ runtime, scores: s }, i) => (
                  <tr key={runtime}>
                    <td>{rankLabel(entries[i]!, t)}</td><td>{runtime}</td><td className="num">{basisCell(s.startup)}</td><td className="num">{basisCell(s.performance)}</td><td className="num">{basisCell(s.maintenance)}</td><td className="num"><strong>{cell(s.overall)}</strong></td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ul className="reasons" data-testid="ranking-reasons">
              {run.table.rankingReasons.map((sentence) => <li key={sentence}>{sentence}</li>)}
              {run.table.basisNotes.map((n) => <li key={n} className="basis">{t('report.verdict.basis', { note: n })}</li>)}
            </ul>
            <p className="note">
              {t('report.verdict.note', { startup: w?.startup ?? '', performance: w?.performance ?? '', maintenance: w?.maintenance ?? '' })}
            </p>
          </div>
          <Chart config={scoresRadar(entries, t)} label={t('report.verdict.chart')} height={240} />
        </div>
      )}
    </section>
  );
}

function StartupSection({ run, results }: { run: RunJson; results: ResultJson[] }): React.JSX.Element | null {
  const { t } = useTranslation();
  if (results.length === 0) return null;
  return (
    <section>
      <h2>{t('common.dimension.startup')}</h2>
      <MediansTable run={run} results={results} />
      <h3>{t('report.startup.byPhase')}</h3>
      <table>
        <thead><tr><th>{t('report.column.scenario')}</th><th>{t('report.column.runtime')}</th><th>{t('report.column.phase')}</th><th className="num">P50</th><th className="num">P95</th></tr></thead>
        <tbody>
          {results.flatMap((r) => [
            ...(r.phaseStats ?? []).map((p) => (
              <tr key={`${r.runtime}/${r.scenario}/${p.name}`}><td>{r.scenario}</td><td>{r.runtime}</td><td>{p.name}</td><td className="num">{formatMs(p.p50Ms)}</td><td className="num">{formatMs(p.p95Ms)}</td></tr>
            )),
            <tr key={`${r.runtime}/${r.scenario}/total`} className="total">
              <td>{r.scenario}</td><td>{r.runtime}</td><td>{t('report.startup.total')}</td><td className="num">{r.stats ? formatMs(r.stats.medianMs) : t(`common.status.${r.status}`)}</td><td className="num">{r.stats ? formatMs(r.stats.p95Ms) : '—'}</td>
            </tr>,
          ])}
        </tbody>
      </table>
      <PhasesChart run={run} />
      <Chart config={mediansChart(run, results.filter((r) => r.stats), t('report.startup.chartTitle'), true, t)} label={t('report.startup.chartLabel')} />
    </section>
  );
}

/** Every startup's phases stacked, each bar labelled and tall enough for its label. */
function PhasesChart({ run }: { run: RunJson }): React.JSX.Element | null {
  const { t } = useTranslation();
  const config = useMemo(() => phasesChart(run, t), [run, t]);
  return config ? <Chart config={config} label={t('report.startup.phasesLabel')} height={phasesChartHeight(config)} /> : null;
}

/** Median, its 95% CI, P95 and the comparison with native, per scenario and runtime. */
function MediansTable({ run, results }: { run: RunJson; results: ResultJson[] }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <table>
      <thead><tr><th>{t('report.column.scenario')}</th><th>{t('report.column.runtime')}</th><th className="num">N</th><th className="num">{t('report.column.median')}</th><th className="num">95% CI</th><th className="num">P95</th><th>{t('report.column.versusNative')}</th></tr></thead>
      <tbody>
        {results.map((r) => (
          <tr key={`${r.runtime}/${r.scenario}`}>
            <td>{r.scenario}</td><td>{r.runtime}</td><td className="num">{r.stats?.n ?? 0}</td>
            <td className="num">{r.stats ? formatMs(r.stats.medianMs) : t(`common.status.${r.status}`)}</td>
            <td className="num">{r.stats ? `${formatMs(r.stats.ciLowMs)} – ${formatMs(r.stats.ciHighMs)}` : '—'}</td>
            <td className="num">{r.stats ? formatMs(r.stats.p95Ms) : '—'}</td>
            <td>{r.stats ? versusNative(run, r, t) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PerformanceSection({ run, results }: { run: RunJson; results: ResultJson[] }): React.JSX.Element | null {
  const { t } = useTranslation();
  if (results.length === 0) return null;
  return (
    <section>
      <h2>{t('common.dimension.performance')}</h2>
      <MediansTable run={run} results={results} />
      <Chart config={mediansChart(run, results.filter((r) => r.stats), t('report.performance.chartTitle'), true, t)} label={t('report.performance.chartLabel')} height={300} />
    </section>
  );
}

function ResourcesSection({ run, results }: { run: RunJson; results: ResultJson[] }): React.JSX.Element | null {
  const { t } = useTranslation();
  const measured = results.filter((r) => r.stats);
  if (measured.length === 0) return null;
  return (
    <section>
      <h2>{t('report.resources.heading')}</h2>
      <p className="note">{t('report.resources.note')}</p>
      <table>
        <thead><tr><th>{t('report.column.scenario')}</th><th>{t('report.column.runtime')}</th><th className="num">CPU</th><th className="num">{t('report.column.peakRss')}</th><th className="num">{t('report.column.read')}</th><th className="num">{t('report.column.written')}</th><th className="num">{t('report.column.readCalls')}</th></tr></thead>
        <tbody>
          {measured.map((r) => {
            const m = rowOf(run, r).medians;
            return (
              <tr key={`${r.runtime}/${r.scenario}`}>
                <td>{r.scenario}</td><td>{r.runtime}</td>
                <td className="num">{m ? formatMs(m.cpuMs) : '—'}</td>
                <td className="num">{m ? formatBytes(m.peakRssBytes) : '—'}</td>
                <td className="num">{m ? formatBytes(m.readBytes) : '—'}</td>
                <td className="num">{m ? formatBytes(m.writeBytes) : '—'}</td>
                <td className="num">{r.readCallsPerSecond !== undefined ? formatCount(r.readCallsPerSecond) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** The run table's verdict words, or the result's status when it has none; a build that is not reproducible is said in capitals. */
function verdictText(run: RunJson, result: ResultJson, t: TFunction): string {
  return result.verdict?.value === 'not-reproducible' ? t('report.consistency.notReproducible') : rowOf(run, result).verdict;
}

/**
 * The consistency matrix and every check the run made, as the console prints them: offline
 * readiness, reproducible builds (against native's bytes), module cache isolation, and any other
 * verdict; a check without a verdict shows its status and reason instead of disappearing.
 */
function ConsistencySection({ run }: { run: RunJson }): React.JSX.Element | null {
  const { t } = useTranslation();
  const matrix = run.consistency;
  const of = (scenario: string): ResultJson[] => applicableResults(run.results).filter((r) => r.scenario === scenario);
  const offline = of('offline-readiness');
  const repro = of('reproducible-build');
  const modcache = of('modcache-isolation');
  const shown = new Set(['offline-readiness', 'reproducible-build', 'modcache-isolation', 'consistency']);
  const otherVerdicts = run.results.filter((r) => r.verdict && !shown.has(r.scenario));
  const consistencyFailures = of('consistency').filter((r) => r.status !== 'completed');
  const hasMatrix = Boolean(matrix && matrix.rows.length > 0);
  if (!hasMatrix && offline.length + repro.length + modcache.length + otherVerdicts.length + consistencyFailures.length === 0) return null;
  const builds = matrix?.builds ?? [];
  return (
    <section>
      <h2>{t('report.consistency.heading')}</h2>
      {hasMatrix && (
        <>
          <ConsistencyMatrix matrix={matrix!} />
          <p className="note">{t('report.consistency.differsFromNative')}</p>
        </>
      )}
      {consistencyFailures.map((r) => <p key={r.runtime}>{t('report.consistency.failure', { runtime: r.runtime, status: t(`common.status.${r.status}`), detail: rowOf(run, r).detail })}</p>)}
      {offline.length > 0 && (
        <>
          <h3>{t('report.consistency.offlineHeading')}</h3>
          <p className="note"><Trans i18nKey="report.consistency.offlineNote" components={{ code: <code /> }} /></p>
          <table className="checks">
            <thead><tr><th>{t('report.column.runtime')}</th><th>{t('report.column.verdict')}</th><th className="num">{t('report.column.build')}</th><th>{t('report.column.firstErrorLine')}</th></tr></thead>
            <tbody>
              {offline.map((r) => (
                <tr key={r.runtime}><td>{r.runtime}</td><td>{verdictText(run, r, t)}</td><td className="num">{r.samples[0] ? formatMs(r.samples[0].wallMs) : '—'}</td><td>{rowOf(run, r).detail}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {repro.length > 0 && (
        <>
          <h3>{t('report.consistency.reproducibleHeading')}</h3>
          <p className="note"><Trans i18nKey="report.consistency.reproducibleNote" components={{ code: <code /> }} /></p>
          <table className="checks">
            <thead><tr><th>{t('report.column.runtime')}</th><th>{t('report.column.rebuilds')}</th><th>{t('report.column.versusNative')}</th><th>SHA-256</th><th>{t('report.column.why')}</th></tr></thead>
            <tbody>
              {repro.map((r) => {
                const { comparison, why } = rowOf(run, r).binaries!;
                const shas = builds.filter((b) => b.runtime === r.runtime).map((b) => b.sha256.slice(0, 16));
                return (
                  <tr key={r.runtime}><td>{r.runtime}</td><td>{verdictText(run, r, t)}</td><td>{comparison ?? '—'}</td><td><code>{shas.join(' ') || '—'}</code></td><td>{why}</td></tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      {modcache.length > 0 && (
        <>
          <h3>{t('report.consistency.modcacheHeading')}</h3>
          <p className="note"><Trans i18nKey="report.consistency.modcacheNote" components={{ code: <code /> }} /></p>
          <table className="checks">
            <thead><tr><th>{t('report.column.runtime')}</th><th className="num">{t('report.column.sharedCache')}</th><th className="num">{t('report.column.ownCache')}</th><th className="num">{t('report.column.vendored')}</th><th>{t('report.column.binaries')}</th><th>{t('report.column.difference')}</th></tr></thead>
            <tbody>
              {modcache.map((r) => {
                const { comparison, why } = rowOf(run, r).binaries!;
                const p50 = (name: string): string => {
                  const phase = r.phaseStats?.find((p) => p.name === name);
                  return phase ? formatMs(phase.p50Ms) : '—';
                };
                const verdict = r.status !== 'completed' ? t(`common.status.${r.status}`) : comparison === 'identical' ? t('report.consistency.identical') : comparison === 'differs' ? t('report.consistency.differ') : '—';
                return (
                  <tr key={r.runtime}><td>{r.runtime}</td><td className="num">{p50('shared-cache')}</td><td className="num">{p50('own-cache')}</td><td className="num">{p50('vendored')}</td><td>{verdict}</td><td>{why}</td></tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      {otherVerdicts.length > 0 && (
        <table className="checks">
          <thead><tr><th>{t('report.column.check')}</th><th>{t('report.column.runtime')}</th><th>{t('report.column.verdict')}</th><th>{t('report.column.detail')}</th></tr></thead>
          <tbody>
            {otherVerdicts.map((r) => (
              <tr key={`${r.runtime}/${r.scenario}`}><td>{r.scenario}</td><td>{r.runtime}</td><td>{verdictText(run, r, t)}</td><td>{rowOf(run, r).detail}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function factText(value: FactValue | undefined, t: TFunction): string {
  if (value === undefined) return '—';
  if (value === null) return t('report.maintenance.none');
  if (typeof value === 'number' && /bytes|size/i.test(String(value))) return formatBytes(value);
  return String(value);
}

function MaintenanceSection({ run }: { run: RunJson }): React.JSX.Element | null {
  const { t } = useTranslation();
  // Runtime-level facts (no scenario prefix): lockfile, privileges and fallbacks, disk footprint, config lines...
  const keys = [...new Set(run.maintenance.flatMap((m) => Object.keys(m.facts).filter((k) => !k.includes('.'))))].sort();
  const inputs = rankedScores(run).map(({ runtime, scores }) => [runtime, scores.maintenance?.inputs ?? []] as const);
  if (keys.length === 0 && inputs.length === 0) return null;
  const runtimes = run.maintenance.map((m) => m.runtime);
  return (
    <section>
      <h2>{t('common.dimension.maintenance')}</h2>
      {keys.length > 0 && (
        <table className="facts">
          <thead><tr><th>{t('report.column.fact')}</th>{runtimes.map((r) => <th key={r}>{r}</th>)}</tr></thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key}>
                <td>{key}</td>
                {run.maintenance.map((m) => <td key={m.runtime}>{/bytes$/i.test(key) && typeof m.facts[key] === 'number' ? formatBytes(m.facts[key] as number) : factText(m.facts[key], t)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {inputs.some(([, list]) => list.length > 0) && (
        <>
          <h3>{t('report.maintenance.scoreHeading')}</h3>
          <table>
            <thead><tr><th>{t('report.column.runtime')}</th><th>{t('report.column.input')}</th><th>{t('report.column.value')}</th><th className="num">{t('report.column.points')}</th><th>{t('report.column.rule')}</th></tr></thead>
            <tbody>
              {inputs.flatMap(([runtime, list]) =>
                list.map((input) => (
                  <tr key={`${runtime}/${input.name}`}><td>{runtime}</td><td>{input.name}</td><td>{factText(input.value, t)}{input.unit ? ` ${input.unit}` : ''}</td><td className="num">{input.points.toFixed(2)}</td><td>{input.rule}</td></tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** Scenarios with nothing to measure in this workspace (no main package): not failures, not scored. */
function NotApplicableSection({ run }: { run: RunJson }): React.JSX.Element | null {
  const { t } = useTranslation();
  const entries = notApplicableEntries(run.results);
  if (entries.length === 0) return null;
  return (
    <section data-testid="not-applicable">
      <h2>{t('report.notApplicable.heading')}</h2>
      <p className="note">{t('report.notApplicable.note')}</p>
      <ul>{entries.map((e) => <li key={`${e.scenario}/${e.reason}`}>{notApplicableLine(e)}</li>)}</ul>
    </section>
  );
}

function FailuresSection({ run }: { run: RunJson }): React.JSX.Element | null {
  const { t } = useTranslation();
  const failed = applicableResults(run.results).filter((r) => r.status !== 'completed');
  if (failed.length === 0) return null;
  return (
    <section>
      <h2>{t('report.failures.heading')}</h2>
      <table>
        <thead><tr><th>{t('report.column.scenario')}</th><th>{t('report.column.runtime')}</th><th>{t('report.column.status')}</th><th>{t('report.column.reason')}</th></tr></thead>
        <tbody>
          {failed.map((r) => (
            <tr key={`${r.runtime}/${r.scenario}`}><td>{r.scenario}</td><td>{r.runtime}</td><td>{t(`common.status.${r.status}`)}</td><td>{r.reason ?? t('report.failures.noReason')}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Methodology({ data }: { data: ReportData }): React.JSX.Element {
  const { run } = data;
  const m = run.machine;
  const { t, i18n } = useTranslation();
  const adaptive = run.options.adaptive;
  const budget = adaptive && (run.plan ? t('report.methodology.runBudget', { budget: formatMs(adaptive.budgetMs) }) : t('report.methodology.scenarioBudget', { seconds: Math.round(adaptive.budgetMs / 1000) }));
  const how = adaptive ? t('report.methodology.adaptive', { percent: Math.round(adaptive.targetHalfWidth * 100), max: adaptive.maxRuns, budget }) : t('report.methodology.fixed', { runs: run.options.runs });
  return (
    <section>
      <h2>{t('report.methodology.heading')}</h2>
      <ul>
        <li>{t('report.methodology.samples', { how, warmup: run.options.warmup, timeout: Math.round(run.options.timeoutMs / 1000) })}</li>
        <li>{t('report.methodology.interleaved')}</li>
        <li>{t('report.methodology.measure')}</li>
        <li>{t('report.methodology.statistics')}</li>
        <li>{t('report.methodology.coldStarts')}</li>
        {run.options.firstRun && <li><Trans i18nKey="report.methodology.firstRun" values={{ command: run.options.firstRun }} components={{ code: <code /> }} /></li>}
        <li>{run.options.offline ? t('report.methodology.offline') : t('report.methodology.online')}</li>
      </ul>
      <h3>{t('report.machine.heading')}</h3>
      <table className="meta">
        <tbody>
          <tr><th>CPU</th><td>{t('report.machine.cpus', { model: m.cpuModel, count: m.cpuCount })}</td></tr>
          <tr><th>{t('report.machine.memory')}</th><td>{formatBytes(m.memoryBytes)}</td></tr>
          <tr><th>{t('report.machine.system')}</th><td>{t('report.machine.systemValue', { os: m.os, kernel: m.kernel, arch: m.arch, cgroup: m.cgroupVersion })}{m.dockerStorageDriver ? t('report.machine.dockerStorage', { driver: m.dockerStorageDriver }) : ''}</td></tr>
          <tr><th>{t('report.machine.tools')}</th><td>{Object.entries(m.tools).map(([tool, version]) => `${tool} ${version ?? t('report.machine.absent')}`).join(' · ')}</td></tr>
          <tr><th>EnvBench</th><td>{data.envbench.version}{data.envbench.commit ? t('report.machine.commit', { commit: data.envbench.commit.slice(0, 12) }) : ''}{t('report.machine.measuredWith', { version: m.envbenchVersion })}{m.envbenchCommit ? t('report.machine.commit', { commit: m.envbenchCommit.slice(0, 12) }) : ''}</td></tr>
          <tr><th>{t('report.machine.report')}</th><td>{t('report.machine.generated', { date: new Date(data.generatedAt).toLocaleString(dateLocale(i18n.language)) })}</td></tr>
        </tbody>
      </table>
    </section>
  );
}

/** The definition each runtime used, as recorded with the run; never a preview of what EnvBench would write today. */
function Appendix({ data }: { data: ReportData }): React.JSX.Element {
  const { t } = useTranslation();
  const hostOnly = data.definitions.length === 0;
  return (
    <section className="appendix">
      <h2>{t('report.appendix.heading')}</h2>
      <p className="note">
        {hostOnly ? t('report.appendix.hostOnly') : t('report.appendix.recorded')}
        {data.run.options.runtimes.includes('native') ? t('report.appendix.nativeNone') : ''}
      </p>
      {data.definitions.map((d) => (
        <div key={d.runtime} className="definition">
          <h3>{d.runtime}{d.recorded ? `: ${d.recorded.file}` : ''}</h3>
          {d.recorded ? (
            <>
              <p className="note">{d.recorded.source}</p>
              <pre>{d.recorded.text}</pre>
            </>
          ) : (
            <p>{t('report.appendix.notRecorded', { reason: d.notRecorded })}</p>
          )}
        </div>
      ))}
    </section>
  );
}
