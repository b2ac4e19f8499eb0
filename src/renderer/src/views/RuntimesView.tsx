import type { RuntimeHealth } from '../../../shared/run';

/** One card per runtime: available or not, version, the exact reason and fix, offline readiness when measured. */
export function RuntimesView({ runtimes, onRefresh }: { runtimes: RuntimeHealth[] | null; onRefresh: () => void }): React.JSX.Element {
  return (
    <section aria-labelledby="runtimes-title">
      <div className="row spread">
        <h2 id="runtimes-title">Runtimes</h2>
        <button type="button" onClick={onRefresh}>Check again</button>
      </div>
      {!runtimes ? (
        <p className="muted">Detecting runtimes…</p>
      ) : (
        <ul className="cards">
          {runtimes.map((r) => (
            <li key={r.id} className={r.available ? 'card ok' : 'card unavailable'} data-runtime={r.id}>
              <strong>{r.id}</strong> <span>{r.available ? 'available' : 'unavailable'}</span>
              {r.version && <span className="muted"> · {r.version}</span>}
              {r.reason && <p className="muted">{r.reason}</p>}
              <p className="muted small">
                Offline:{' '}
                {r.offlineReadiness
                  ? `${r.offlineReadiness.value === 'ready' ? 'ready' : 'not ready'}${r.offlineReadiness.detail ? ` (${r.offlineReadiness.detail})` : ''}, measured ${new Date(r.offlineReadiness.measuredAt).toLocaleDateString()}`
                  : 'not measured yet (scenario offline-readiness)'}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
