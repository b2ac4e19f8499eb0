import { useTranslation } from 'react-i18next';
import type { RuntimeHealth } from '../../../shared/run';
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
    </section>
  );
}
