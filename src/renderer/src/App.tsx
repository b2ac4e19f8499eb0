import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, ScenarioInfo } from '../../shared/ipc/contract';
import { LANGUAGES, type Language } from '../../shared/i18n/languages';
import type { RuntimeHealth, WorkspaceInfo } from '../../shared/run';
import { api, errorMessage } from './api';
import { chooseLanguage } from './i18n';
import { isTyping, SHORTCUTS, useKeydown } from './keyboard';
import { RunningRun } from './components/RunningRun';
import { RunView } from './views/RunView';
import { RuntimesView } from './views/RuntimesView';
import { WorkspaceView } from './views/WorkspaceView';

// The views with charts (chart.js) and terminals (xterm.js) load after the first paint, in chunks of their own.
const ResultsView = lazy(() => import('./views/ResultsView').then((m) => ({ default: m.ResultsView })));
const HistoryView = lazy(() => import('./views/HistoryView').then((m) => ({ default: m.HistoryView })));
const TerminalsView = lazy(() => import('./views/TerminalsView').then((m) => ({ default: m.TerminalsView })));

/** The views, in the sidebar's order: Alt+1 … Alt+6 open them. Each is labelled app.view.<id>. */
const VIEWS = ['workspace', 'runtimes', 'run', 'results', 'history', 'terminals'] as const;
type ViewId = (typeof VIEWS)[number];

/** The workbench: one window, a view per task, state kept here so switching views loses nothing. */
export function App(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const [view, setView] = useState<ViewId>('workspace');
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [runtimes, setRuntimes] = useState<RuntimeHealth[] | null>(null);
  const [scenarios, setScenarios] = useState<ScenarioInfo[]>([]);
  const [workspace, setWorkspace] = useState<WorkspaceInfo | null>(null);
  const [openRunId, setOpenRunId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [help, setHelp] = useState(false);

  useKeydown((event) => {
    if (event.key === 'Escape' && help) {
      setHelp(false);
      return;
    }
    // Not from a field or a terminal: Alt+digit is bash's and Emacs's digit argument there.
    if (event.altKey && !event.ctrlKey && !event.metaKey && /^Digit[1-6]$/.test(event.code) && !isTyping(event)) {
      event.preventDefault();
      setView(VIEWS[Number(event.code.slice(5)) - 1]!);
      return;
    }
    if (event.key === '?' && !isTyping(event)) {
      event.preventDefault();
      setHelp((shown) => !shown);
    }
  });

  const refreshRuntimes = useCallback(() => {
    setRuntimes(null);
    api.invoke('runtime:list').then(setRuntimes, (e: unknown) => setError(errorMessage(e)));
  }, []);

  useEffect(() => {
    Promise.all([api.invoke('app:info'), api.invoke('scenario:list'), api.invoke('workspace:recent')])
      .then(async ([appInfo, scenarioList, recent]) => {
        setInfo(appInfo);
        setScenarios(scenarioList);
        // First start: the embedded sample; later, the workspace used last.
        const first = recent[0] ?? appInfo.sampleWorkspace;
        setWorkspace(await api.invoke('workspace:inspect', { path: first }).catch(() => api.invoke('workspace:inspect', { path: appInfo.sampleWorkspace })));
      })
      .catch((e: unknown) => setError(errorMessage(e)));
    refreshRuntimes();
  }, [refreshRuntimes]);

  const openRun = (runId: string): void => {
    setOpenRunId(runId);
    setView('results');
  };

  return (
    <div className="app">
      <nav className="sidebar" aria-label={t('app.views')}>
        <h1>EnvBench</h1>
        {workspace && (
          <p className="muted small" data-testid="current-workspace" title={workspace.path}>
            {workspace.module}
          </p>
        )}
        <ul>
          {VIEWS.map((v) => (
            <li key={v}>
              <button type="button" className={view === v ? 'active' : ''} aria-current={view === v ? 'page' : undefined} onClick={() => setView(v)}>
                {t(`app.view.${v}`)}
              </button>
            </li>
          ))}
        </ul>
        <RunningRun onOpen={() => setView('run')} />
        <label className="muted small language">
          {t('common.language')}
          <select value={i18n.language} onChange={(e) => chooseLanguage(e.target.value as Language)} aria-label={t('common.language')} data-testid="language">
            {LANGUAGES.map((l) => (
              <option key={l.id} value={l.id} lang={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="muted small shortcuts-button" onClick={() => setHelp(true)} title={t('app.shortcuts.buttonTitle')}>
          {t('app.shortcuts.title')} <kbd>?</kbd>
        </button>
        {info && (
          <p className="muted small footer">
            v{info.version}
            {info.commit ? ` · ${info.commit.slice(0, 7)}` : ''}
            <br />
            {t('app.historyFile', { file: info.dbFile })}
          </p>
        )}
      </nav>
      <main>
        {error && <p role="alert" className="error">{error}</p>}
        {view === 'workspace' && info && <WorkspaceView info={info} workspace={workspace} onChange={setWorkspace} />}
        {view === 'runtimes' && <RuntimesView runtimes={runtimes} onRefresh={refreshRuntimes} />}
        {/* Kept mounted so a live run's progress and log survive switching views. */}
        <div hidden={view !== 'run'}>
          <RunView workspace={workspace} runtimes={runtimes} scenarios={scenarios} onOpenRun={openRun} active={view === 'run'} />
        </div>
        <Suspense fallback={null}>
          {view === 'results' && <ResultsView runId={openRunId} />}
          {view === 'history' && <HistoryView onOpenRun={openRun} />}
        </Suspense>
        {/* Kept mounted so terminal sessions survive switching views; its own boundary, so loading it never blanks the others. */}
        <div hidden={view !== 'terminals'}>
          <Suspense fallback={null}>
            <TerminalsView workspace={workspace} runtimes={runtimes} visible={view === 'terminals'} />
          </Suspense>
        </div>
      </main>
      {help && (
        <div className="overlay" onClick={() => setHelp(false)}>
          <div role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" className="dialog" onClick={(e) => e.stopPropagation()}>
            <h2 id="shortcuts-title">{t('app.shortcuts.title')}</h2>
            <table>
              <tbody>
                {SHORTCUTS.map((s) => (
                  <tr key={s.keys}>
                    <td><kbd>{s.keys}</kbd></td>
                    <td>{t(s.does)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" autoFocus onClick={() => setHelp(false)}>{t('app.shortcuts.close')}</button>
          </div>
        </div>
      )}
    </div>
  );
}
