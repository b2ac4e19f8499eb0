import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DefinitionPreview, RunLogLine, RunRequest, ScenarioInfo } from '../../../shared/ipc/contract';
import type { RunPlan, RunProgress, RuntimeHealth, RuntimeId, WorkspaceInfo } from '../../../shared/run';
import { formatMs } from '../../../shared/format/units';
import { api, errorMessage, useApiEvent } from '../api';
import { MOD, useKeydown, withMod } from '../keyboard';
import { loadRunSettings, saveRunSettings } from '../run-settings';

const DIMENSIONS = ['startup', 'performance', 'maintenance'] as const;
const LOG_LINES = 400;

interface LiveRun {
  runId: string;
  request: RunRequest;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  error?: string;
  cancelling: boolean;
  progress: RunProgress | null;
  cells: Record<string, RunProgress>;
  log: RunLogLine[];
}

/** Configures a run (the choices of `envbench run`), starts it, and shows it live until it ends. */
/** `active`: the Run view is the one shown (its shortcut, Ctrl/Cmd+Enter, starts the run only then). */
export function RunView({ workspace, runtimes, scenarios, onOpenRun, active }: { workspace: WorkspaceInfo | null; runtimes: RuntimeHealth[] | null; scenarios: ScenarioInfo[]; onOpenRun: (runId: string) => void; active: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const available = useMemo(() => (runtimes ?? []).filter((r) => r.available).map((r) => r.id), [runtimes]);
  // The last run's settings, as it was started (run-settings.ts).
  const [saved] = useState(loadRunSettings);
  const [chosenRuntimes, setChosenRuntimes] = useState<RuntimeId[] | null>(saved.runtimes);
  const [chosenScenarios, setChosenScenarios] = useState<string[] | null>(saved.scenarios);
  const [runs, setRuns] = useState(saved.runs);
  const [auto, setAuto] = useState(saved.auto);
  const [budgetMinutes, setBudgetMinutes] = useState(saved.budgetMinutes);
  const [warmup, setWarmup] = useState(saved.warmup);
  const [offline, setOffline] = useState(saved.offline);
  const [firstRun, setFirstRun] = useState(saved.firstRun);
  const [main, setMain] = useState(saved.main);
  const [testArgs, setTestArgs] = useState(saved.testArgs);
  const form = useRef<HTMLFormElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<LiveRun | null>(null);
  const [previews, setPreviews] = useState<DefinitionPreview[] | null>(null);
  const [plan, setPlan] = useState<{ plan: RunPlan } | { error: string } | null>(null);

  // Remembered choices keep only what this machine and catalogue still offer.
  const selectedRuntimes = chosenRuntimes?.filter((r) => available.includes(r)) ?? available;
  const selectedScenarios = chosenScenarios?.filter((id) => scenarios.some((s) => s.id === id)) ?? scenarios.map((s) => s.id);

  // A run started elsewhere (another window, before a reload) shows here too.
  useEffect(() => {
    api.invoke('run:active').then((active) => {
      const first = active[0];
      if (first) setLive((current) => current ?? { runId: first.runId, request: first.request, status: 'running', cancelling: first.cancelling, progress: first.progress, cells: {}, log: [] });
    }, () => {});
  }, []);

  const runtimeKey = selectedRuntimes.join(',');
  useEffect(() => {
    if (!workspace) return;
    const forRuntimes = runtimeKey ? (runtimeKey.split(',') as RuntimeId[]) : [];
    api.invoke('definitions:preview', { workspace: workspace.path, runtimes: forRuntimes }).then(setPreviews, () => setPreviews([]));
  }, [workspace, runtimeKey]);

  useApiEvent('bench:progress', (progress) => {
    setLive((current) => (current && current.runId === progress.runId ? { ...current, progress, cells: { ...current.cells, [`${progress.runtime}/${progress.scenario}`]: progress } } : current));
  });
  useApiEvent('bench:log', (line) => {
    setLive((current) => (current && current.runId === line.runId ? { ...current, log: [...current.log, line].slice(-LOG_LINES) } : current));
  });
  useApiEvent('bench:state', (state) => {
    setLive((current) => (current && current.runId === state.runId ? { ...current, status: state.status, error: state.error } : current));
  });

  const request: RunRequest | null = workspace
    ? {
        workspace: workspace.path,
        runtimes: selectedRuntimes,
        scenarios: selectedScenarios,
        runs: auto ? 'auto' : runs,
        ...(auto ? { budgetSeconds: Math.max(1, Math.round(budgetMinutes * 60)) } : {}),
        warmup,
        offline,
        ...(firstRun.trim() ? { firstRun: firstRun.trim() } : {}),
        ...(main.trim() ? { main: main.trim() } : {}),
        ...(testArgs.trim() ? { testArgs: testArgs.trim() } : {}),
      }
    : null;
  // The plan follows the form: asked again a moment after the last change.
  const requestKey = JSON.stringify(request);
  useEffect(() => {
    const current = JSON.parse(requestKey) as RunRequest | null;
    if (!current || current.runtimes.length === 0 || current.scenarios.length === 0) {
      setPlan(null);
      return;
    }
    let stale = false;
    const timer = setTimeout(() => {
      api.invoke('run:plan', current).then(
        (planned) => !stale && setPlan({ plan: planned }),
        (e: unknown) => !stale && setPlan({ error: errorMessage(e) }),
      );
    }, 300);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [requestKey]);

  const toggle = <T,>(list: T[], item: T): T[] => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);

  const start = async (): Promise<void> => {
    if (!request) return;
    setError(null);
    try {
      const { runId } = await api.invoke('run:start', request);
      setLive({ runId, request, status: 'running', cancelling: false, progress: null, cells: {}, log: [] });
      saveRunSettings({ runtimes: chosenRuntimes, scenarios: chosenScenarios, runs, auto, budgetMinutes, warmup, offline, firstRun, main, testArgs });
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const cancel = async (): Promise<void> => {
    if (!live) return;
    setLive({ ...live, cancelling: true });
    try {
      await api.invoke('run:cancel', { runId: live.runId });
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const running = live?.status === 'running';
  const canStart = Boolean(workspace) && !running && selectedRuntimes.length > 0 && selectedScenarios.length > 0;
  useKeydown((event) => {
    if (active && canStart && event.key === 'Enter' && withMod(event)) {
      event.preventDefault();
      form.current?.requestSubmit();
    }
  });
  return (
    <section aria-labelledby="run-title">
      <h2 id="run-title">{t('run.title')}</h2>
      {!workspace && <p className="muted">{t('run.pickWorkspace')}</p>}
      <form
        ref={form}
        className="run-form"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <fieldset>
          <legend>{t('run.runtimes')}</legend>
          {(runtimes ?? []).map((r) => (
            <label key={r.id} title={r.reason ?? undefined} className={r.available ? '' : 'muted'}>
              <input type="checkbox" name="runtime" value={r.id} checked={selectedRuntimes.includes(r.id)} disabled={!r.available || running} onChange={() => setChosenRuntimes(toggle(selectedRuntimes, r.id))} />
              {r.id}
              {!r.available && t('run.unavailable')}
            </label>
          ))}
        </fieldset>
        {DIMENSIONS.map((dimension) => {
          const inDimension = scenarios.filter((s) => s.dimension === dimension);
          const allOn = inDimension.every((s) => selectedScenarios.includes(s.id));
          return (
            <fieldset key={dimension}>
              <legend>
                <label>
                  <input
                    type="checkbox"
                    checked={allOn}
                    disabled={running}
                    onChange={() => setChosenScenarios(allOn ? selectedScenarios.filter((id) => !inDimension.some((s) => s.id === id)) : [...new Set([...selectedScenarios, ...inDimension.map((s) => s.id)])])}
                  />
                  {/* Lower case as before; the legend's style capitalises it. */}
                  {t(`common.dimension.${dimension}`).toLowerCase()}
                </label>
              </legend>
              {inDimension.map((s) => (
                <label key={s.id} title={s.counts}>
                  <input type="checkbox" name="scenario" value={s.id} checked={selectedScenarios.includes(s.id)} disabled={running} onChange={() => setChosenScenarios(toggle(selectedScenarios, s.id))} />
                  {s.id}
                </label>
              ))}
            </fieldset>
          );
        })}
        <fieldset>
          <legend>{t('run.samples')}</legend>
          <label>
            {t('run.runs')} <input type="number" min={1} max={10000} value={runs} disabled={auto || running} onChange={(e) => setRuns(Number(e.target.value))} aria-label={t('run.runs')} />
          </label>
          <label title={t('run.plannedTitle')}>
            <input type="checkbox" checked={auto} disabled={running} onChange={() => setAuto(!auto)} aria-label={t('run.planned')} /> {t('run.plannedWithin')}
          </label>
          <label>
            <input type="number" min={1} max={10080} value={budgetMinutes} disabled={!auto || running} onChange={(e) => setBudgetMinutes(Number(e.target.value))} aria-label={t('run.budget')} /> {t('run.minutes')}
          </label>
          <label>
            {t('run.warmup')} <input type="number" min={0} max={10000} value={warmup} disabled={running} onChange={(e) => setWarmup(Number(e.target.value))} aria-label={t('run.warmup')} />
          </label>
          <label>
            <input type="checkbox" checked={offline} disabled={running} onChange={() => setOffline(!offline)} /> {t('run.offline')}
          </label>
          <label title={t('run.firstRunTitle')}>
            {t('run.firstRun')}{' '}
            <input type="text" value={firstRun} disabled={running} onChange={(e) => setFirstRun(e.target.value)} placeholder={t('run.firstRunPlaceholder')} aria-label={t('run.firstRun')} size={44} />
          </label>
          <label title={t('run.mainTitle')}>
            {t('run.main')}{' '}
            <input type="text" list="main-packages" value={main} disabled={running} onChange={(e) => setMain(e.target.value)} placeholder={workspace && workspace.mainPackages.length > 0 ? `${workspace.mainPackages.join(', ')}` : t('run.mainPlaceholderNone')} aria-label={t('run.main')} size={28} />
            <datalist id="main-packages">{workspace?.mainPackages.map((p) => <option key={p} value={p} />)}</datalist>
          </label>
          <label title={t('run.testArgsTitle')}>
            {t('run.testArgs')}{' '}
            <input type="text" value={testArgs} disabled={running} onChange={(e) => setTestArgs(e.target.value)} placeholder="-run TestX -short" aria-label={t('run.testArgs')} size={24} />
          </label>
        </fieldset>
        <div className="row">
          <button type="submit" className="primary" disabled={!canStart} title={t('run.startTitle', { mod: MOD })}>
            {t('run.start')}
          </button>
          {running && (
            <button type="button" className="danger" onClick={() => void cancel()} disabled={live.cancelling}>
              {live.cancelling ? t('run.cancelling') : t('run.cancel')}
            </button>
          )}
        </div>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {plan && !running && <PlanPanel plan={plan} />}
      {live && <LiveProgress live={live} onOpenRun={onOpenRun} />}
      {previews && previews.length > 0 && <DefinitionPreviews previews={previews} workspace={workspace} />}
    </section>
  );
}

/** The plan of the run the form describes: samples and estimated time per scenario and runtime, before anything runs. */
function PlanPanel({ plan: planned }: { plan: { plan: RunPlan } | { error: string } }): React.JSX.Element {
  const { t } = useTranslation();
  if ('error' in planned) return <p className="muted" data-testid="run-plan">{t('run.plan.none', { error: planned.error })}</p>;
  const { plan } = planned;
  return (
    <details className="plan" data-testid="run-plan" open>
      <summary>
        {t('run.plan.about', { time: formatMs(plan.totalMs) })}
        {plan.budgetMs !== null ? t('run.plan.budget', { time: formatMs(plan.budgetMs) }) : t('run.plan.fixed')}
      </summary>
      <table className="grid">
        <thead>
          <tr>
            <th>{t('run.scenario')}</th>
            <th>{t('run.plan.samples')}</th>
            {plan.runtimes.map((r) => (
              <th key={r.runtime}>{r.runtime}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{t('run.plan.preparation')}</td>
            <td />
            {plan.runtimes.map((r) => (
              <td key={r.runtime} title={r.work.join('\n') || undefined}>
                {formatMs(r.preparationMs)}
                {r.preparationSource === 'first guess' ? '*' : ''}
              </td>
            ))}
          </tr>
          {plan.scenarios.map((s) => (
            <tr key={s.scenario} title={s.reason}>
              <td>{s.scenario}</td>
              <td>{s.warmups > 0 ? t('run.plan.samplesWithWarmups', { samples: s.samples, warmups: s.warmups }) : s.samples}</td>
              {plan.runtimes.map((r) => (
                <td key={r.runtime}>
                  {formatMs(s.warmups * (s.warmupMs[r.runtime] ?? 0) + s.samples * (s.stepMs[r.runtime] ?? 0))}
                  {s.guessed.includes(r.runtime) ? '*' : ''}
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <th>{t('run.plan.total')}</th>
            <td />
            {plan.runtimes.map((r) => (
              <th key={r.runtime}>{formatMs(r.totalMs)}</th>
            ))}
          </tr>
        </tbody>
      </table>
      <p className="muted">
        {t('run.plan.legend')}
        {plan.scenarios.some((s) => s.guessed.length > 0) || plan.runtimes.some((r) => r.preparationSource === 'first guess') ? t('run.plan.guessed') : ''}
      </p>
      {plan.notes.map((note) => (
        <p key={note} className="muted">
          {note}
        </p>
      ))}
    </details>
  );
}

function LiveProgress({ live, onOpenRun }: { live: LiveRun; onOpenRun: (runId: string) => void }): React.JSX.Element {
  const { t } = useTranslation();
  const p = live.progress;
  const percent = p && p.totalSteps > 0 ? Math.round((100 * p.completedSteps) / p.totalSteps) : 0;
  return (
    <div className="live" data-testid="live-run" data-status={live.status}>
      <h3>
        {t('run.live.title', { runId: live.runId })} · <span className={`status ${live.status}`}>{live.cancelling && live.status === 'running' ? t('run.live.cancelling') : t(`common.status.${live.status}`)}</span>
      </h3>
      <progress max={100} value={live.status === 'completed' ? 100 : percent} aria-label={t('run.live.progress')} />
      <p className="muted">
        {p
          ? `${t('run.live.steps', { done: p.completedSteps, total: p.totalSteps, runtime: p.runtime, scenario: p.scenario, phase: t(`run.live.phase.${p.phase}`), sample: p.sample, of: p.of })}${p.etaMs !== null ? t('run.live.eta', { time: formatMs(p.etaMs) }) : ''}`
          : t('run.live.preparing')}
      </p>
      {live.error && <p role="alert" className="error">{live.error}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th>{t('run.scenario')}</th>
            {live.request.runtimes.map((r) => <th key={r}>{r}</th>)}
          </tr>
        </thead>
        <tbody>
          {live.request.scenarios.map((s) => (
            <tr key={s}>
              <td>{s}</td>
              {live.request.runtimes.map((r) => {
                const cell = live.cells[`${r}/${s}`];
                const current = p?.runtime === r && p.scenario === s && live.status === 'running';
                return <td key={r} className={current ? 'current' : ''}>{cell ? (cell.phase === 'warmup' ? t('run.live.warmupSample', { sample: cell.sample, of: cell.of }) : `${cell.sample}/${cell.of}`) : '·'}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <pre className="log" aria-label={t('run.live.log')} data-testid="live-log">
        {live.log.length === 0 ? t('run.live.noOutput') : live.log.map((l) => `${l.runtime ? `[${l.runtime}] ` : ''}${l.text}`).join('').slice(-20_000)}
      </pre>
      {live.status !== 'running' && (
        <button type="button" className="primary" onClick={() => onOpenRun(live.runId)}>
          {t('run.live.open')}
        </button>
      )}
    </div>
  );
}

function DefinitionPreviews({ previews, workspace }: { previews: DefinitionPreview[]; workspace: WorkspaceInfo | null }): React.JSX.Element {
  const { t } = useTranslation();
  const [message, setMessage] = useState<string | null>(null);
  const write = async (preview: DefinitionPreview): Promise<void> => {
    if (!workspace) return;
    try {
      const written = await api.invoke('definitions:write', { workspace: workspace.path, runtime: preview.runtime, file: preview.file });
      setMessage(t('run.previews.wrote', { path: written.path }));
    } catch (e) {
      setMessage(errorMessage(e));
    }
  };
  return (
    <details className="previews">
      <summary>{t('run.previews.title', { n: previews.length })}</summary>
      {message && <p role="status">{message}</p>}
      {previews.map((p) => (
        <div key={`${p.runtime}/${p.file}`}>
          <h4>
            {p.runtime}: {p.file} {p.exists && <span className="tag">{t('run.previews.exists')}</span>}
            {p.offlineOnlyAt && <span className="tag">{t('run.previews.offlineOnly', { path: p.offlineOnlyAt })}</span>}
          </h4>
          <pre className="code">{p.content}</pre>
          {!p.offlineOnlyAt && (
            <button type="button" disabled={p.exists} onClick={() => void write(p)}>
              {t('run.previews.write')}
            </button>
          )}
        </div>
      ))}
    </details>
  );
}
