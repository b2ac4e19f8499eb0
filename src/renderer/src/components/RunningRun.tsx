import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RunProgress } from '../../../shared/run';
import { formatMs } from '../../../shared/format/units';
import { api, useApiEvent } from '../api';

interface Running {
  runId: string;
  progress: RunProgress | null;
}

/** The run measuring now, in the sidebar of every view: its steps, the current one and the ETA; a click opens the Run view. */
export function RunningRun({ onOpen }: { onOpen: () => void }): React.JSX.Element | null {
  const { t } = useTranslation();
  const [running, setRunning] = useState<Running | null>(null);
  useEffect(() => {
    api.invoke('run:active').then((active) => {
      const first = active[0];
      if (first) setRunning((current) => current ?? { runId: first.runId, progress: first.progress });
    }, () => {});
  }, []);
  useApiEvent('bench:state', (state) => setRunning(state.status === 'running' ? { runId: state.runId, progress: null } : null));
  useApiEvent('bench:progress', (progress) => setRunning({ runId: progress.runId, progress }));
  if (!running) return null;
  const p = running.progress;
  const percent = p && p.totalSteps > 0 ? Math.round((100 * p.completedSteps) / p.totalSteps) : 0;
  return (
    <button type="button" className="running-run" onClick={onOpen} data-testid="running-run" title={t('app.running.title', { runId: running.runId })}>
      <span className="small">{t('app.running.measuring', { runId: running.runId })}</span>
      <progress max={100} value={percent} aria-label={t('app.running.progress')} />
      <span className="small muted">
        {p
          ? `${t('app.running.steps', { done: p.completedSteps, total: p.totalSteps, scenario: p.scenario, runtime: p.runtime })}${p.etaMs !== null ? t('app.running.eta', { time: formatMs(p.etaMs) }) : ''}`
          : t('app.running.preparing')}
      </span>
    </button>
  );
}
