import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../shared/ipc/contract';
import type { WorkspaceInfo } from '../../../shared/run';
import { api, errorMessage } from '../api';

/** Picks the workspace to measure: the sample on first start, a folder, or a recent one. */
export function WorkspaceView({ info, workspace, onChange }: { info: AppInfo; workspace: WorkspaceInfo | null; onChange: (w: WorkspaceInfo) => void }): React.JSX.Element {
  const { t } = useTranslation();
  const [recent, setRecent] = useState<string[]>([]);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.invoke('workspace:recent').then(setRecent, () => setRecent([]));
  }, [workspace]);

  const open = async (folder: string): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      onChange(await api.invoke('workspace:inspect', { path: folder }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const pick = async (): Promise<void> => {
    try {
      const folder = await api.invoke('workspace:pick');
      if (folder) await open(folder);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section aria-labelledby="workspace-title">
      <h2 id="workspace-title">{t('app.workspace.title')}</h2>
      {workspace && (
        <dl className="facts" data-testid="workspace-facts">
          <dt>{t('app.workspace.module')}</dt><dd>{workspace.module}</dd>
          <dt>{t('app.workspace.folder')}</dt><dd><code>{workspace.path}</code>{workspace.path === info.sampleWorkspace && <span className="tag">{t('app.workspace.sample')}</span>}</dd>
          <dt>{t('app.workspace.go')}</dt><dd>{workspace.goVersion ?? t('app.workspace.goNotSet')}{workspace.toolchain && t('app.workspace.toolchain', { toolchain: workspace.toolchain })}</dd>
          <dt>{t('app.workspace.packages')}</dt><dd>{t('app.workspace.packagesDetail', { packages: workspace.packages, main: workspace.mainPackages.length, names: workspace.mainPackages.join(', ') || t('app.workspace.noMainPackages') })}</dd>
          <dt>{t('app.workspace.testFiles')}</dt><dd>{workspace.testFiles}</dd>
          <dt>{t('app.workspace.definitions')}</dt>
          <dd>{workspace.definitions.length ? workspace.definitions.map((d) => <span key={d} className="tag">{d}</span>) : t('app.workspace.noDefinitions')}</dd>
        </dl>
      )}
      <div className="row">
        {info.shell === 'electron' && <button type="button" onClick={() => void pick()} disabled={busy}>{t('app.workspace.openFolder')}</button>}
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed.trim()) void open(typed.trim());
          }}
        >
          <label>
            {t('app.workspace.folderPath')} <input value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="/home/you/src/your-module" size={48} aria-label={t('app.workspace.folderPath')} />
          </label>
          <button type="submit" disabled={busy || !typed.trim()}>{t('app.workspace.open')}</button>
        </form>
        {workspace?.path !== info.sampleWorkspace && <button type="button" onClick={() => void open(info.sampleWorkspace)} disabled={busy}>{t('app.workspace.useSample')}</button>}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {recent.length > 0 && (
        <>
          <h3>{t('app.workspace.recent')}</h3>
          <ul className="plain">
            {recent.map((folder) => (
              <li key={folder}>
                <button type="button" className="link" onClick={() => void open(folder)} disabled={busy}>{folder}</button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
