import { useEffect, useState } from 'react';
import type { AppInfo } from '../../shared/ipc/contract';
import type { RunSummary, RuntimeHealth } from '../../shared/run';

/** The first window: runtime health and recent runs. The full workbench comes with the desktop-app issue. */
export function App(): React.JSX.Element {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [runtimes, setRuntimes] = useState<RuntimeHealth[] | null>(null);
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const api = window.envbench;
    Promise.all([api.invoke('app:info'), api.invoke('runtime:list'), api.invoke('history:query', { limit: 20 })])
      .then(([appInfo, health, history]) => {
        if (!live) return;
        setInfo(appInfo);
        setRuntimes(health);
        setRuns(history);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, []);

  return (
    <main>
      <header>
        <h1>EnvBench</h1>
        {info && <p className="muted">v{info.version} · history in {info.dbFile}</p>}
      </header>
      {error && <p role="alert" className="error">{error}</p>}
      <section aria-labelledby="runtimes-title">
        <h2 id="runtimes-title">Runtimes</h2>
        {!runtimes ? (
          <p className="muted">Detecting runtimes…</p>
        ) : (
          <ul className="cards">
            {runtimes.map((r) => (
              <li key={r.id} className={r.available ? 'card ok' : 'card unavailable'}>
                <strong>{r.id}</strong> <span>{r.available ? 'available' : 'unavailable'}</span>
                {r.version && <span className="muted"> · {r.version}</span>}
                {r.reason && <p className="muted">{r.reason}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">Recent runs</h2>
        {runs && runs.length === 0 && <p className="muted">No runs yet. Start one with <code>npm run envbench -- run</code>.</p>}
        {runs && runs.length > 0 && (
          <table>
            <thead>
              <tr><th>Run</th><th>Started</th><th>Status</th><th>Workspace</th><th>Runtimes</th></tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>{r.id}</td><td>{new Date(r.startedAt).toLocaleString()}</td><td>{r.status}</td><td>{r.module}</td><td>{r.runtimes.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
