// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rankingReasons } from '../../src/shared/format/ranking-reasons';
import type { RunJson } from '../../src/shared/run';
import { envbench, tempDataDir } from '../support/envbench-cli';
import { hasTool } from '../support/require-runtime';
import type { RealApi } from './real-api';
import { installRealApi } from './real-api';
// Types only: the views are imported after window.envbench exists (src/renderer/src/api.ts reads it at import).
import type { ResultsView } from '../../src/renderer/src/views/ResultsView';
import type { RunView } from '../../src/renderer/src/views/RunView';
import type { RuntimesView } from '../../src/renderer/src/views/RuntimesView';
import type { WorkspaceView } from '../../src/renderer/src/views/WorkspaceView';
import './english';

const haveGo = hasTool('go', ['version']);

describe.skipIf(!haveGo)('views against the real core (DOM)', () => {
  let real: RealApi;
  let views: { WorkspaceView: typeof WorkspaceView; RuntimesView: typeof RuntimesView; RunView: typeof RunView; ResultsView: typeof ResultsView };
  let run: RunJson;

  beforeAll(async () => {
    // jsdom draws no canvas: charts are checked in Chromium (tests/app-e2e.test.ts); here they stay blank, quietly.
    HTMLCanvasElement.prototype.getContext = (() => null) as never;
    const consoleError = console.error.bind(console);
    console.error = (...args: unknown[]) => {
      if (!/can't acquire context/.test(String(args[0]))) consoleError(...args);
    };
    real = installRealApi();
    views = {
      ...(await import('../../src/renderer/src/views/WorkspaceView')),
      ...(await import('../../src/renderer/src/views/RuntimesView')),
      ...(await import('../../src/renderer/src/views/RunView')),
      ...(await import('../../src/renderer/src/views/ResultsView')),
    };
    run = await real.core.run({ runtimes: ['native'], scenarios: ['vet', 'offline-readiness'], runs: 3, warmup: 0 });
  }, 120_000);

  afterEach(cleanup);
  afterAll(async () => {
    await real?.dispose();
  });

  const appInfo = () => ({ version: '0', commit: null, dataDir: real.core.dataDir, dbFile: real.core.dbFile, sampleWorkspace: real.core.sampleWorkspace(), shell: 'browser' as const });

  it('refuses a folder that is not a Go module inline, with the reason and what to do, and keeps the workspace', async () => {
    const notGo = tempDataDir('not-a-module-');
    fs.writeFileSync(path.join(notGo, 'README.md'), 'no go.mod here\n');
    const sample = await real.core.inspectWorkspace(real.core.sampleWorkspace());
    let changed = 0;
    render(<views.WorkspaceView info={appInfo()} workspace={sample} onChange={() => changed++} />);
    fireEvent.change(screen.getByLabelText('Folder path'), { target: { value: notGo } });
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/go\.mod/);
    expect(changed).toBe(0);
    expect(screen.getByTestId('workspace-facts').textContent).toContain('example.com/envbench/sample');
  });

  it('shows each runtime as doctor reports it, with the reason and the offline verdict measured', async () => {
    const health = await real.core.doctor();
    render(<views.RuntimesView runtimes={health} onRefresh={() => {}} />);
    for (const h of health) {
      const card = document.querySelector(`[data-runtime="${h.id}"]`) as HTMLElement;
      expect(card.textContent).toContain(h.available ? 'available' : 'unavailable');
      if (h.reason) expect(card.textContent).toContain(h.reason);
    }
    expect(document.querySelector('[data-runtime="native"]')!.textContent).toMatch(/Offline: ready/);
  });

  it('lists remote hosts under the runtimes: none yet says how to add one; an unreachable one says why, from a real probe', async () => {
    const { unmount } = render(<views.RuntimesView runtimes={[]} onRefresh={() => {}} />);
    await screen.findByText(/No remote host yet\. Add one with `envbench hosts add NAME ssh:\/\/user@host`/);
    unmount();
    expect(envbench(['hosts', 'add', 'gone', 'ssh://dev@box.invalid', '--no-check'], real.core.dataDir).status).toBe(0);
    render(<views.RuntimesView runtimes={[]} onRefresh={() => {}} />);
    const host = await waitFor(() => {
      const element = document.querySelector('[data-host="gone"]') as HTMLElement;
      expect(element.textContent).toMatch(/unreachable/);
      return element;
    }, { timeout: 30_000 });
    expect(host.textContent).toMatch(/the name box\.invalid does not resolve/);
    expect(host.querySelectorAll('[data-runtime]')).toHaveLength(0);
  });

  it('disables unavailable runtimes with their reason and refuses to start without a scenario', async () => {
    const health = await real.core.doctor();
    const scenarios = (await window.envbench.invoke('scenario:list'));
    const sample = await real.core.inspectWorkspace(real.core.sampleWorkspace());
    render(<views.RunView workspace={sample} runtimes={health} scenarios={scenarios} onOpenRun={() => {}} active />);
    for (const h of health) {
      const box = screen.getAllByRole('checkbox').find((b) => (b as HTMLInputElement).value === h.id) as HTMLInputElement;
      expect(box.disabled).toBe(!h.available);
      if (!h.available) expect(box.closest('label')!.getAttribute('title')).toBe(h.reason);
    }
    for (const legend of ['startup', 'performance', 'maintenance']) {
      const dimension = screen.getByText(legend, { selector: 'legend label' });
      fireEvent.click(within(dimension).getByRole('checkbox'));
    }
    expect((screen.getByRole('button', { name: 'Start run' }) as HTMLButtonElement).disabled).toBe(true);
    // The generated files a run would use are previewed, none written.
    await waitFor(() => expect(screen.getByText(/Generated environment files/)).toBeTruthy());
  });

  it('shows a run\'s numbers in the table view and the check verdict', async () => {
    render(<views.ResultsView runId={run.id} />);
    await screen.findByTestId('results');
    fireEvent.click(screen.getByLabelText('table view'));
    const table = screen.getByTestId('numbers-table');
    const vet = run.results.find((r) => r.scenario === 'vet')!;
    const row = within(table).getByText('vet').closest('tr')!;
    expect(row.textContent).toContain('completed');
    expect(row.textContent).toContain('baseline');
    expect(within(row).getAllByRole('cell')[3]!.textContent).toBe(String(vet.stats!.n));
    expect(screen.getByTestId('checks').textContent).toMatch(/offline-readiness\s*native\s*ready/);
  });

  it('says under the ranking why each dimension is won, and which process PEAK RSS is', async () => {
    render(<views.ResultsView runId={run.id} />);
    await screen.findByTestId('results');
    const reasons = [...screen.getByTestId('ranking-reasons').querySelectorAll('li')].map((li) => li.textContent);
    expect(reasons).toEqual(rankingReasons(run.scoring).map((r) => r.sentence));
    expect(reasons.length).toBeGreaterThan(0);
    fireEvent.click(screen.getByLabelText('table view'));
    expect(within(screen.getByTestId('numbers-table')).getByText('Peak RSS (largest process)')).toBeTruthy();
  });

  it('says so when a run is not in the history', async () => {
    render(<views.ResultsView runId="20000101-000000-dead" />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/^No run "20000101-000000-dead": it is not in .*history\.sqlite\. List the runs with `envbench history`/);
  });
});
