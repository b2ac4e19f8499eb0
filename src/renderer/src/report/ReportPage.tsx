import type { ChartConfiguration } from 'chart.js';
import { useEffect, useMemo, useRef } from 'react';
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

/**
 * The printed report (A4, black-and-white friendly): one template for the app (Electron's
 * printToPDF) and the CLI (Chromium through playwright-core). It marks <html data-report-ready>
 * once every chart has been drawn, so printing never starts on a half-drawn page.
 */
export function ReportPage({ data }: { data: ReportData }): React.JSX.Element {
  const { run } = data;
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
        <h1>EnvBench report</h1>
        <p className="subtitle">
          {run.workspace.module} · {new Date(run.startedAt).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short' })}
        </p>
        <table className="meta">
          <tbody>
            <tr><th>Run</th><td>{run.id} ({run.status})</td></tr>
            <tr><th>Workspace</th><td>{run.workspace.path}{run.workspace.goVersion ? ` · go ${run.workspace.goVersion}` : ''}</td></tr>
            <tr><th>Runtimes</th><td>{runtimesOf(run).join(', ')}</td></tr>
            <tr><th>Samples</th><td>{run.options.adaptive ? `auto (95% CI within ${Math.round(run.options.adaptive.targetHalfWidth * 100)}% of the median, at most ${run.options.adaptive.maxRuns})` : `${run.options.runs} measured`} after {run.options.warmup} warmup{run.options.offline ? ', offline' : ''}</td></tr>
            {run.options.firstRun && <tr><th>First run</th><td>first-run: <code>{run.options.firstRun}</code></td></tr>}
            {run.options.main && <tr><th>Main package</th><td>main: <code>{run.options.main}</code></td></tr>}
            {run.options.testArgs && <tr><th>Test arguments</th><td>test-args: <code>{run.options.testArgs}</code></td></tr>}
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
  return (
    <section>
      <h2>Comparison with run {before.id}</h2>
      <p>
        Before: {before.id} ({new Date(before.startedAt).toLocaleString('en-GB')}). After: {data.run.id}. Ratios are after / before; p-values are Mann–Whitney U, Holm-corrected over the {result.rows.length} pairs compared.
      </p>
      {result.machineDifferences.length > 0 ? (
        <p className="warning">Different machines: {result.machineDifferences.join(', ')} differ. The differences below compare the machines as much as the environments.</p>
      ) : (
        <p>Same machine fingerprint.</p>
      )}
      <table>
        <thead><tr><th>Scenario</th><th>Runtime</th><th className="num">Before</th><th className="num">After</th><th className="num">After / before</th><th>Verdict</th></tr></thead>
        <tbody>
          {result.rows.map((row) => (
            <tr key={`${row.scenario}/${row.runtime}`}>
              <td>{row.scenario}</td><td>{row.runtime}</td><td className="num">{formatMs(row.beforeMedianMs)}</td><td className="num">{formatMs(row.afterMedianMs)}</td><td className="num">{row.ratio.toFixed(2)}×</td>
              <td>{row.significant ? `significant (p=${row.pValueAdjusted.toFixed(3)})` : row.warning ? 'no verdict: too few samples' : `not significant (p=${row.pValueAdjusted.toFixed(3)})`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.unmatched.length > 0 && <p>Measured in one run only: {result.unmatched.map((u) => `${u.runtime} ${u.scenario} (${u.in})`).join(', ')}.</p>}
    </section>
  );
}

function Verdict({ run }: { run: RunJson }): React.JSX.Element {
  const entries = rankedScores(run);
  const cell = (n: number | undefined): string => (n === undefined ? '—' : n.toFixed(1));
  // A score over fewer inputs than another runtime's is marked *, and what it rests on is said below.
  const basisCell = (d: DimensionScore | undefined): string => `${cell(d?.score)}${restsOnFewerInputs(d) ? ' *' : ''}`;
  const w = run.scoring?.weights;
  return (
    <section>
      <h2>Verdict</h2>
      {entries.length === 0 ? (
        <p>No ranking: the run measured no scenario a score is computed from.</p>
      ) : (
        <div className="side-by-side">
          <div>
            <table>
              <thead><tr><th>Rank</th><th>Runtime</th><th className="num">Startup</th><th className="num">Performance</th><th className="num">Maintenance</th><th className="num">Overall</th></tr></thead>
              <tbody>
                {entries.map(({ runtime, scores: s }, i) => (
                  <tr key={runtime}>
                    <td>{rankLabel(entries[i]!)}</td><td>{runtime}</td><td className="num">{basisCell(s.startup)}</td><td className="num">{basisCell(s.performance)}</td><td className="num">{basisCell(s.maintenance)}</td><td className="num"><strong>{cell(s.overall)}</strong></td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ul className="reasons" data-testid="ranking-reasons">
              {run.table.rankingReasons.map((sentence) => <li key={sentence}>{sentence}</li>)}
              {run.table.basisNotes.map((n) => <li key={n} className="basis">Basis: {n}</li>)}
            </ul>
            <p className="note">
              Scores 0–100, higher is better. Overall = weighted mean with weights startup {w?.startup}, performance {w?.performance}, maintenance {w?.maintenance}. Differences that are not statistically significant (Holm-corrected p &gt; 0.05, or fewer than 6 samples a side) score as ties and are marked “not significant” below; a tie in rank is written “=”.
            </p>
          </div>
          <Chart config={scoresRadar(entries)} label="Dimension scores" height={240} />
        </div>
      )}
    </section>
  );
}

function StartupSection({ run, results }: { run: RunJson; results: ResultJson[] }): React.JSX.Element | null {
  if (results.length === 0) return null;
  return (
    <section>
      <h2>Startup</h2>
      <MediansTable run={run} results={results} />
      <h3>By phase</h3>
      <table>
        <thead><tr><th>Scenario</th><th>Runtime</th><th>Phase</th><th className="num">P50</th><th className="num">P95</th></tr></thead>
        <tbody>
          {results.flatMap((r) => [
            ...(r.phaseStats ?? []).map((p) => (
              <tr key={`${r.runtime}/${r.scenario}/${p.name}`}><td>{r.scenario}</td><td>{r.runtime}</td><td>{p.name}</td><td className="num">{formatMs(p.p50Ms)}</td><td className="num">{formatMs(p.p95Ms)}</td></tr>
            )),
            <tr key={`${r.runtime}/${r.scenario}/total`} className="total">
              <td>{r.scenario}</td><td>{r.runtime}</td><td>total</td><td className="num">{r.stats ? formatMs(r.stats.medianMs) : r.status}</td><td className="num">{r.stats ? formatMs(r.stats.p95Ms) : '—'}</td>
            </tr>,
          ])}
        </tbody>
      </table>
      <PhasesChart run={run} />
      <Chart config={mediansChart(run, results.filter((r) => r.stats), 'Startup: median with 95% CI', true)} label="Startup medians" />
    </section>
  );
}

/** Every startup's phases stacked, each bar labelled and tall enough for its label. */
function PhasesChart({ run }: { run: RunJson }): React.JSX.Element | null {
  const config = useMemo(() => phasesChart(run), [run]);
  return config ? <Chart config={config} label="Startup phases" height={phasesChartHeight(config)} /> : null;
}

/** Median, its 95% CI, P95 and the comparison with native, per scenario and runtime. */
function MediansTable({ run, results }: { run: RunJson; results: ResultJson[] }): React.JSX.Element {
  return (
    <table>
      <thead><tr><th>Scenario</th><th>Runtime</th><th className="num">N</th><th className="num">Median</th><th className="num">95% CI</th><th className="num">P95</th><th>vs native</th></tr></thead>
      <tbody>
        {results.map((r) => (
          <tr key={`${r.runtime}/${r.scenario}`}>
            <td>{r.scenario}</td><td>{r.runtime}</td><td className="num">{r.stats?.n ?? 0}</td>
            <td className="num">{r.stats ? formatMs(r.stats.medianMs) : r.status}</td>
            <td className="num">{r.stats ? `${formatMs(r.stats.ciLowMs)} – ${formatMs(r.stats.ciHighMs)}` : '—'}</td>
            <td className="num">{r.stats ? formatMs(r.stats.p95Ms) : '—'}</td>
            <td>{r.stats ? versusNative(run, r) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PerformanceSection({ run, results }: { run: RunJson; results: ResultJson[] }): React.JSX.Element | null {
  if (results.length === 0) return null;
  return (
    <section>
      <h2>Performance</h2>
      <MediansTable run={run} results={results} />
      <Chart config={mediansChart(run, results.filter((r) => r.stats), 'Performance: median with 95% CI (log scale)', true)} label="Performance medians" height={300} />
    </section>
  );
}

function ResourcesSection({ run, results }: { run: RunJson; results: ResultJson[] }): React.JSX.Element | null {
  const measured = results.filter((r) => r.stats);
  if (measured.length === 0) return null;
  return (
    <section>
      <h2>Resources</h2>
      <p className="note">Medians over the measured samples of the command's whole process tree: CPU = user + system time; peak RSS = the peak resident memory of the largest single process of the tree (not the tree's sum); read = bytes through read(2)-like calls; read calls per second from /proc io syscr.</p>
      <table>
        <thead><tr><th>Scenario</th><th>Runtime</th><th className="num">CPU</th><th className="num">Peak RSS (largest process)</th><th className="num">Read</th><th className="num">Written</th><th className="num">Read calls/s</th></tr></thead>
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
function verdictText(run: RunJson, result: ResultJson): string {
  return result.verdict?.value === 'not-reproducible' ? 'NOT reproducible' : rowOf(run, result).verdict;
}

/**
 * The consistency matrix and every check the run made, as the console prints them: offline
 * readiness, reproducible builds (against native's bytes), module cache isolation, and any other
 * verdict; a check without a verdict shows its status and reason instead of disappearing.
 */
function ConsistencySection({ run }: { run: RunJson }): React.JSX.Element | null {
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
      <h2>Consistency and checks</h2>
      {hasMatrix && (
        <>
          <ConsistencyMatrix matrix={matrix!} />
          <p className="note">* differs from native.</p>
        </>
      )}
      {consistencyFailures.map((r) => <p key={r.runtime}>consistency on {r.runtime}: {r.status}, {rowOf(run, r).detail}</p>)}
      {offline.length > 0 && (
        <>
          <h3>Offline readiness</h3>
          <p className="note"><code>go build ./...</code> in the warm environment with the network cut.</p>
          <table className="checks">
            <thead><tr><th>Runtime</th><th>Verdict</th><th className="num">Build</th><th>First error line, or how the network was cut</th></tr></thead>
            <tbody>
              {offline.map((r) => (
                <tr key={r.runtime}><td>{r.runtime}</td><td>{verdictText(run, r)}</td><td className="num">{r.samples[0] ? formatMs(r.samples[0].wallMs) : '—'}</td><td>{rowOf(run, r).detail}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {repro.length > 0 && (
        <>
          <h3>Reproducible builds</h3>
          <p className="note"><code>go build -trimpath</code> of each main package twice per environment (the second from an empty build cache); SHA-256 compared, and with native's.</p>
          <table className="checks">
            <thead><tr><th>Runtime</th><th>Rebuilds</th><th>vs native</th><th>SHA-256</th><th>Why</th></tr></thead>
            <tbody>
              {repro.map((r) => {
                const { comparison, why } = rowOf(run, r).binaries!;
                const shas = builds.filter((b) => b.runtime === r.runtime).map((b) => b.sha256.slice(0, 16));
                return (
                  <tr key={r.runtime}><td>{r.runtime}</td><td>{verdictText(run, r)}</td><td>{comparison ?? '—'}</td><td><code>{shas.join(' ') || '—'}</code></td><td>{why}</td></tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      {modcache.length > 0 && (
        <>
          <h3>Module cache isolation</h3>
          <p className="note">Two <code>go build -trimpath</code> at once sharing the module cache, each with its own, and vendored (P50); whether the six binaries are byte-identical.</p>
          <table className="checks">
            <thead><tr><th>Runtime</th><th className="num">Shared cache</th><th className="num">Own cache</th><th className="num">Vendored</th><th>Binaries</th><th>Difference</th></tr></thead>
            <tbody>
              {modcache.map((r) => {
                const { comparison, why } = rowOf(run, r).binaries!;
                const p50 = (name: string): string => {
                  const phase = r.phaseStats?.find((p) => p.name === name);
                  return phase ? formatMs(phase.p50Ms) : '—';
                };
                const verdict = r.status !== 'completed' ? r.status : comparison === 'identical' ? 'identical' : comparison === 'differs' ? 'DIFFER' : '—';
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
          <thead><tr><th>Check</th><th>Runtime</th><th>Verdict</th><th>Detail</th></tr></thead>
          <tbody>
            {otherVerdicts.map((r) => (
              <tr key={`${r.runtime}/${r.scenario}`}><td>{r.scenario}</td><td>{r.runtime}</td><td>{verdictText(run, r)}</td><td>{rowOf(run, r).detail}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function factText(value: FactValue | undefined): string {
  if (value === undefined) return '—';
  if (value === null) return '(none)';
  if (typeof value === 'number' && /bytes|size/i.test(String(value))) return formatBytes(value);
  return String(value);
}

function MaintenanceSection({ run }: { run: RunJson }): React.JSX.Element | null {
  // Runtime-level facts (no scenario prefix): lockfile, privileges and fallbacks, disk footprint, config lines...
  const keys = [...new Set(run.maintenance.flatMap((m) => Object.keys(m.facts).filter((k) => !k.includes('.'))))].sort();
  const inputs = rankedScores(run).map(({ runtime, scores }) => [runtime, scores.maintenance?.inputs ?? []] as const);
  if (keys.length === 0 && inputs.length === 0) return null;
  const runtimes = run.maintenance.map((m) => m.runtime);
  return (
    <section>
      <h2>Maintenance</h2>
      {keys.length > 0 && (
        <table className="facts">
          <thead><tr><th>Fact</th>{runtimes.map((r) => <th key={r}>{r}</th>)}</tr></thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key}>
                <td>{key}</td>
                {run.maintenance.map((m) => <td key={m.runtime}>{/bytes$/i.test(key) && typeof m.facts[key] === 'number' ? formatBytes(m.facts[key] as number) : factText(m.facts[key])}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {inputs.some(([, list]) => list.length > 0) && (
        <>
          <h3>How the maintenance score was computed</h3>
          <table>
            <thead><tr><th>Runtime</th><th>Input</th><th>Value</th><th className="num">Points</th><th>Rule</th></tr></thead>
            <tbody>
              {inputs.flatMap(([runtime, list]) =>
                list.map((input) => (
                  <tr key={`${runtime}/${input.name}`}><td>{runtime}</td><td>{input.name}</td><td>{factText(input.value)}{input.unit ? ` ${input.unit}` : ''}</td><td className="num">{input.points.toFixed(2)}</td><td>{input.rule}</td></tr>
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
  const entries = notApplicableEntries(run.results);
  if (entries.length === 0) return null;
  return (
    <section data-testid="not-applicable">
      <h2>Not applicable</h2>
      <p className="note">Nothing to measure in this workspace: not a failure, and not part of any score.</p>
      <ul>{entries.map((e) => <li key={`${e.scenario}/${e.reason}`}>{notApplicableLine(e)}</li>)}</ul>
    </section>
  );
}

function FailuresSection({ run }: { run: RunJson }): React.JSX.Element | null {
  const failed = applicableResults(run.results).filter((r) => r.status !== 'completed');
  if (failed.length === 0) return null;
  return (
    <section>
      <h2>Results without figures</h2>
      <table>
        <thead><tr><th>Scenario</th><th>Runtime</th><th>Status</th><th>Reason</th></tr></thead>
        <tbody>
          {failed.map((r) => (
            <tr key={`${r.runtime}/${r.scenario}`}><td>{r.scenario}</td><td>{r.runtime}</td><td>{r.status}</td><td>{r.reason ?? '(no reason recorded)'}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Methodology({ data }: { data: ReportData }): React.JSX.Element {
  const { run } = data;
  const m = run.machine;
  return (
    <section>
      <h2>Methodology</h2>
      <ul>
        <li>Each scenario ran {run.options.adaptive ? `until the median's 95% CI was within ${Math.round(run.options.adaptive.targetHalfWidth * 100)}% of it (at most ${run.options.adaptive.maxRuns} samples, ${run.plan ? `a budget of ${formatMs(run.options.adaptive.budgetMs)} for the run` : `${Math.round(run.options.adaptive.budgetMs / 1000)} s per scenario`})` : `${run.options.runs} times`} after {run.options.warmup} warmup run(s), warmups stored but never counted; each sample had {Math.round(run.options.timeoutMs / 1000)} s at most.</li>
        <li>Runtimes were interleaved sample by sample within a scenario, each round starting with the next runtime, so drift on the machine spreads over all of them alike.</li>
        <li>Every command ran through EnvBench's measure helper: wall time from fork to wait, CPU of the whole process tree and peak RSS of its largest single process (getrusage of reaped children), I/O from /proc io; container samples add the container's cgroup counters: CPU, block I/O and container memory (excl. page cache), the largest reading every 50 ms of the container's memory without file pages, so page cache earlier scenarios left is not counted.</li>
        <li>Statistics: median with a distribution-free 95% confidence interval (order statistics); comparisons with native by the Mann–Whitney U test, p-values Holm-corrected over the runtimes compared in a scenario; a difference is called only at adjusted p ≤ 0.05 with at least 6 samples on each side. Outliers (modified z-score &gt; 3.5) are flagged, never removed.</li>
        <li>Cold starts: before each cold sample the environment's own caches were dropped (its Go build cache; the image this EnvBench installation built for Docker, rebuilt without cached layers; a fresh inner data root for Docker-in-Docker; this installation's shell store paths for Nix, and the inputs it shares with others only when nothing else kept them), never the user's own caches or another EnvBench's.</li>
        {run.options.firstRun && <li>A start ended when its first-run command, <code>{run.options.firstRun}</code>, exited (standard input /dev/null); a warm start was entered once, unmeasured, before its first sample.</li>}
        <li>{run.options.offline ? 'Offline: GOPROXY=off and GOTOOLCHAIN=local for every measured command; containers had no network.' : 'Online: commands could reach the Go module proxy as configured in each environment.'}</li>
      </ul>
      <h3>Machine</h3>
      <table className="meta">
        <tbody>
          <tr><th>CPU</th><td>{m.cpuModel}, {m.cpuCount} CPUs</td></tr>
          <tr><th>Memory</th><td>{formatBytes(m.memoryBytes)}</td></tr>
          <tr><th>System</th><td>{m.os}, kernel {m.kernel}, {m.arch}, cgroup {m.cgroupVersion}{m.dockerStorageDriver ? `, Docker storage ${m.dockerStorageDriver}` : ''}</td></tr>
          <tr><th>Tools</th><td>{Object.entries(m.tools).map(([tool, version]) => `${tool} ${version ?? 'absent'}`).join(' · ')}</td></tr>
          <tr><th>EnvBench</th><td>{data.envbench.version}{data.envbench.commit ? ` (commit ${data.envbench.commit.slice(0, 12)})` : ''}; measured with {m.envbenchVersion}{m.envbenchCommit ? ` (commit ${m.envbenchCommit.slice(0, 12)})` : ''}</td></tr>
          <tr><th>Report</th><td>generated {new Date(data.generatedAt).toLocaleString('en-GB')}</td></tr>
        </tbody>
      </table>
    </section>
  );
}

/** The definition each runtime used, as recorded with the run; never a preview of what EnvBench would write today. */
function Appendix({ data }: { data: ReportData }): React.JSX.Element {
  const hostOnly = data.definitions.length === 0;
  return (
    <section className="appendix">
      <h2>Appendix: environment definitions</h2>
      <p className="note">
        {hostOnly ? 'No definitions: the run measured the host only.' : 'The definition each runtime used in this run, as recorded when it was measured.'}
        {data.run.options.runtimes.includes('native') ? ' The host itself (native) has none.' : ''}
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
            <p>Definition {d.notRecorded}.</p>
          )}
        </div>
      ))}
    </section>
  );
}
