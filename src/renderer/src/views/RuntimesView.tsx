import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HostEntry, HostHealth } from '../../../shared/hosts';
import type { RuntimeHealth } from '../../../shared/run';
import { api, errorMessage } from '../api';
import { dateLocale } from '../i18n';

/** One card per runtime: available or not, version, the exact reason and fix, offline readiness when measured. */
export function RuntimesView({ runtimes, onRefresh }: { runtimes: RuntimeHealth[] | null; onRefresh: () => void }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="runtimes-title">
      <div className="row spread">
        <h2 id="runtimes-title">{t('app.runtimes.title')}</h2>
        <button type="button" onClick={onRefresh}>{t('app.runtimes.checkAgain')}</button>
      </div>
      <h3>{t('app.runtimes.thisMachine')}</h3>
      {!runtimes ? (
        <p className="muted">{t('app.runtimes.detecting')}</p>
      ) : (
        <ul className="cards">
          {runtimes.map((r) => (
            <li key={r.id} className={r.available ? 'card ok' : 'card unavailable'} data-runtime={r.id}>
              <strong>{r.id}</strong> <span>{r.available ? t('app.runtimes.available') : t('app.runtimes.unavailable')}</span>
              {r.version && <span className="muted"> · {r.version}</span>}
              {r.reason && <p className="muted">{r.reason}</p>}
              <p className="muted small">
                {t('app.runtimes.offline', {
                  state: r.offlineReadiness
                    ? t('app.runtimes.offlineMeasured', {
                        readiness: r.offlineReadiness.value === 'ready' ? t('app.runtimes.ready') : t('app.runtimes.notReady'),
                        detail: r.offlineReadiness.detail ? t('app.runtimes.offlineDetail', { detail: r.offlineReadiness.detail }) : '',
                        date: new Date(r.offlineReadiness.measuredAt).toLocaleDateString(dateLocale()),
                      })
                    : t('app.runtimes.offlineNotMeasured'),
                })}
              </p>
            </li>
          ))}
        </ul>
      )}
      <RemoteHosts />
    </section>
  );
}

type HostState = { entry: HostEntry; checked?: { health: HostHealth; runtimes: RuntimeHealth[] }; error?: string };

/** Each host added with `envbench hosts add`: a real probe over SSH on opening, and each runtime's health there. */
function RemoteHosts(): React.JSX.Element {
  const { t } = useTranslation();
  const [hosts, setHosts] = useState<HostState[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const check = useCallback((entry: HostEntry): void => {
    setHosts((list) => list?.map((h) => (h.entry.name === entry.name ? { entry } : h)) ?? null);
    api.invoke('hosts:check', { name: entry.name }).then(
      (checked) => setHosts((list) => list?.map((h) => (h.entry.name === entry.name ? { entry, checked } : h)) ?? null),
      (e: unknown) => setHosts((list) => list?.map((h) => (h.entry.name === entry.name ? { entry, error: errorMessage(e) } : h)) ?? null),
    );
  }, []);
  useEffect(() => {
    api.invoke('hosts:list').then(
      (entries) => {
        setHosts(entries.map((entry) => ({ entry })));
        for (const entry of entries) check(entry);
      },
      (e: unknown) => setListError(errorMessage(e)),
    );
  }, [check]);
  return (
    <div aria-labelledby="hosts-title">
      <h3 id="hosts-title">{t('app.runtimes.hosts.title')}</h3>
      {listError && <p role="alert" className="error">{listError}</p>}
      {hosts && hosts.length === 0 && <p className="muted">{t('app.runtimes.hosts.none')}</p>}
      {hosts?.map(({ entry, checked, error }) => {
        const health = checked?.health;
        const machine = health?.machine;
        return (
          <div key={entry.name} className="host" data-host={entry.name}>
            <div className="row spread">
              <p>
                <strong>{entry.name}</strong> <span className="muted">{entry.url}</span>
                {health && !health.reachable && <span> · {t('app.runtimes.hosts.unreachable')}</span>}
              </p>
              <button type="button" onClick={() => check(entry)} disabled={!checked && !error}>
                {t('app.runtimes.hosts.check', { name: entry.name })}
              </button>
            </div>
            {!checked && !error && <p className="muted">{t('app.runtimes.hosts.probing')}</p>}
            {error && <p role="alert" className="error">{error}</p>}
            {health?.reason && <p className="muted">{health.reason}</p>}
            {machine && (
              <p className="muted small">
                {t('app.runtimes.hosts.machine', { kernel: machine.kernel, arch: machine.arch, cpus: machine.cpus, cpuModel: machine.cpuModel, memory: (machine.memoryBytes / 2 ** 30).toFixed(1) })}
                {health.roundTripMs !== null && ` · ${t('app.runtimes.hosts.roundTrip', { ms: health.roundTripMs.toFixed(1) })}`}
              </p>
            )}
            {checked && checked.runtimes.length > 0 && (
              <ul className="cards">
                {checked.runtimes.map((r) => (
                  <li key={r.id} className={r.available ? 'card ok' : 'card unavailable'} data-runtime={r.id}>
                    <strong>{r.id}</strong> <span>{r.available ? t('app.runtimes.available') : t('app.runtimes.unavailable')}</span>
                    {r.version && <span className="muted"> · {r.version}</span>}
                    {r.reason && <p className="muted">{r.reason}</p>}
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </div>
  );
}
