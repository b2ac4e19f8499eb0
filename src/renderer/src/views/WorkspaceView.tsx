import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../shared/ipc/contract';
import type { WorkspaceInfo } from '../../../shared/run';
import { api, errorMessage } from '../api';

/** Picks the workspace to measure: the sample on first start, a folder, or a recent one. */
export function WorkspaceView({ info, workspace, onChange }: { info: AppInfo; workspace: WorkspaceInfo | null; onChange: (w: WorkspaceInfo) => void }): React.JSX.Element {
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
      <h2 id="workspace-title">Workspace</h2>
      {workspace && (
        <dl className="facts" data-testid="workspace-facts">
          <dt>Module</dt><dd>{workspace.module}</dd>
          <dt>Folder</dt><dd><code>{workspace.path}</code>{workspace.path === info.sampleWorkspace && <span className="tag">embedded sample</span>}</dd>
          <dt>Go</dt><dd>{workspace.goVersion ?? 'not set in go.mod'}{workspace.toolchain && ` (toolchain ${workspace.toolchain})`}</dd>
          <dt>Packages</dt><dd>{workspace.packages} ({workspace.mainPackages.length} main: {workspace.mainPackages.join(', ') || 'none'})</dd>
          <dt>Test files</dt><dd>{workspace.testFiles}</dd>
          <dt>Environment definitions</dt>
          <dd>{workspace.definitions.length ? workspace.definitions.map((d) => <span key={d} className="tag">{d}</span>) : 'none yet: EnvBench generates them for each runtime'}</dd>
        </dl>
      )}
      <div className="row">
        {info.shell === 'electron' && <button type="button" onClick={() => void pick()} disabled={busy}>Open folder…</button>}
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed.trim()) void open(typed.trim());
          }}
        >
          <label>
            Folder path <input value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="/home/you/src/your-module" size={48} aria-label="Folder path" />
          </label>
          <button type="submit" disabled={busy || !typed.trim()}>Open</button>
        </form>
        {workspace?.path !== info.sampleWorkspace && <button type="button" onClick={() => void open(info.sampleWorkspace)} disabled={busy}>Use the sample</button>}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {recent.length > 0 && (
        <>
          <h3>Recent</h3>
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
