import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import { createIpcService, type IpcService } from '../src/core/ipc-service';
import type { IpcInvokeMap } from '../src/shared/ipc/contract';
import type { RunJson } from '../src/shared/run';
import { haveDockerEngine, waitFor } from './support/docker';
import { CLI, envbench, envbenchAsync, RESOURCES, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';
import { type SshBox, startSshBox } from './support/ssh-box';

const ready = haveDockerEngine() && hasTool('ssh', ['-V']) && hasTool('rsync', ['--version']);

/** stderr's envbench line: one line, exit 2. */
function expectOneLineRefusal(result: { status: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.status, result.stderr).toBe(2);
  expect(result.stderr.trim().split('\n').filter((l) => l.startsWith('envbench:'))).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
}

/** EnvBench's containers on the box's own engine, as its SSH user sees them. */
function boxContainers(box: SshBox): string[] {
  const listed = spawnSync('docker', ['exec', '-u', 'dev', box.container, 'docker', 'ps', '-aq', '--filter', 'label=envbench.managed=true'], { encoding: 'utf8' });
  return listed.stdout.split('\n').filter(Boolean);
}

/** Go and the measure helper running on the box. */
function boxGoProcesses(box: SshBox): string[] {
  return box
    .exec(['ps', '-eo', 'args'])
    .stdout.split('\n')
    .filter((line) => /^(go |\/\S*envbench-measure|\S*\/compile )/.test(line));
}

async function invoke<C extends keyof IpcInvokeMap>(service: IpcService, channel: C, ...args: IpcInvokeMap[C]['args']): Promise<IpcInvokeMap[C]['result']> {
  const reply = await service.handle(channel, args);
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value as IpcInvokeMap[C]['result'];
}

describe.runIf(ready)('envbench run --host against a second machine on loopback with its own Docker Engine', () => {
  let box: SshBox;
  let data: string;
  beforeAll(async () => {
    box = await startSshBox({ docker: true });
    data = tempDataDir();
    const added = envbench(['hosts', 'add', 'box', box.url, '--identity-file', box.identityFile, '--known-hosts', box.knownHostsFile], data);
    expect(added.status, added.stderr).toBe(0);
  }, 600_000);
  afterAll(async () => {
    await box?.stop();
  });

  it('runs native and docker on the host offline, times remote-sync, and compares with a local run naming the machine difference', () => {
    const remote = envbench(['run', '--host', 'box', '--runtimes', 'native,docker', '--offline', '--runs', '2', '--scenarios', 'test,file-sync,remote-sync', '--json', '-'], data);
    expect(remote.status, remote.stderr).toBe(0);
    const run = JSON.parse(remote.stdout.slice(remote.stdout.indexOf('{'))) as RunJson;
    expect(run.status).toBe('completed');
    expect(run.machine.host).toMatch(/^box \(ssh:\/\/dev@127\.0\.0\.1:\d+\)$/);
    const result = (scenario: string, runtime: string) => run.results.find((r) => r.scenario === scenario && r.runtime === runtime)!;
    for (const runtime of ['native', 'docker']) {
      expect(result('test', runtime).status, result('test', runtime).reason).toBe('completed');
      const sync = result('remote-sync', runtime);
      expect(sync.status, sync.reason).toBe('completed');
      expect(sync.phaseStats?.map((p) => p.name)).toEqual(['rsync', 'watch-sync']);
      for (const phase of sync.phaseStats!) expect(phase.p95Ms).toBeGreaterThanOrEqual(phase.p50Ms);
      // A local write cannot reach a remote mount: file-sync says so instead of timing out.
      expect(result('file-sync', runtime).status).toBe('not-applicable');
      const facts = run.maintenance.find((m) => m.runtime === runtime)!.facts;
      expect(facts.host).toMatch(/^box /);
      expect(facts['remote-sync.bytesSentRsync']).toBeGreaterThan(0);
      expect(facts['remote-sync.bytesSentWatchSync']).toBeGreaterThan(0);
    }
    // The run removed what it made on the host's engine.
    expect(boxContainers(box)).toEqual([]);

    const local = envbench(['run', '--runtimes', 'native', '--offline', '--runs', '2', '--scenarios', 'test', '--json', '-'], data);
    expect(local.status, local.stderr).toBe(0);
    const localRun = JSON.parse(local.stdout.slice(local.stdout.indexOf('{'))) as RunJson;
    expect(localRun.machine.host).toBeUndefined();
    const history = envbench(['history'], data);
    expect(history.stdout).toMatch(new RegExp(`${localRun.id} .* local `));
    expect(history.stdout).toMatch(new RegExp(`${run.id} .* box `));
    const compared = envbench(['compare', localRun.id, run.id], data);
    expect(compared.status, compared.stderr).toBe(0);
    expect(compared.stdout).toMatch(/test\/native/);
    expect(compared.stdout).toMatch(/The runs are from different machines \(host: this machine vs box \(ssh:\/\/dev@127\.0\.0\.1:\d+\)/);
  }, 900_000);

  it('leaves nothing running on the host when EnvBench is killed with -9 mid-sample', async () => {
    const child = envbenchAsync(['run', '--host', 'box', '--runtimes', 'docker', '--offline', '--runs', '10', '--scenarios', 'build-clean'], data);
    try {
      await waitFor(() => boxContainers(box).length > 0 && boxGoProcesses(box).length > 0, 300_000, 'a docker sample running on the box');
      // Another machine (its own measuring lock here) is refused by the host's lock, naming the run that holds it.
      const other = spawnSync(process.execPath, [CLI, 'run', '--host', 'box', '--runtimes', 'native', '--offline', '--runs', '1', '--scenarios', 'vet'], {
        env: { ...process.env, ENVBENCH_DATA_DIR: data, ENVBENCH_LOCK_DIR: tempDataDir() },
        encoding: 'utf8',
      });
      expectOneLineRefusal(other, /Another run is measuring on box: envbench run --host box --runtimes docker .*\(from .+, since \d{4}-/);
    } finally {
      child.kill('SIGKILL');
    }
    // The forward's remote command sees this process's stdin close and removes the run's containers; the helper ends with its SSH session.
    await waitFor(() => boxContainers(box).length === 0 && boxGoProcesses(box).length === 0, 30_000, 'the box to have no EnvBench container and no Go process');
    // And the host's lock went with the SSH session that held it.
    await waitFor(() => box.exec(['flock', '-n', '/home/dev/.cache/envbench-remote/measure.lock', 'true']).status === 0, 30_000, "the host's measuring lock to be free");
  }, 600_000);

  it("says in one line why docker on the host stops when the SSH connection carrying its engine drops mid-run, and the rest of the run goes on", async () => {
    const child = envbenchAsync(['run', '--host', 'box', '--runtimes', 'native,docker', '--offline', '--runs', '3', '--scenarios', 'build-clean,vet,test', '--json', '-'], data);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitFor(() => boxContainers(box).length > 0 && boxGoProcesses(box).length > 0, 300_000, 'a docker sample running on the box');
    // The forward is this process's own ssh, with `-L <socket>:/var/run/docker.sock`: the connection drops.
    const forward = spawnSync('pgrep', ['-P', String(child.pid), '-f', ':/var/run/docker\\.sock'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    expect(forward.length, 'the forward of the run').toBeGreaterThan(0);
    spawnSync('kill', ['-KILL', ...forward]);
    expect(await exited).toBe(1);
    const run = JSON.parse(stdout.slice(stdout.indexOf('{'))) as RunJson;
    const failed = run.results.filter((r) => r.runtime === 'docker' && r.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const result of failed) expect(result.reason).toMatch(/the SSH connection carrying box's Docker Engine closed during the run \(.+\); box removed this run's containers/);
    for (const result of run.results.filter((r) => r.runtime === 'native')) expect(result.status, result.reason).toBe('completed');
    await waitFor(() => boxContainers(box).length === 0, 30_000, 'the box to have no EnvBench container');
  }, 900_000);

  it('the app probes the host and its runtimes, and opens terminals there in native and docker', async () => {
    const core = createCore({ resourcesDir: RESOURCES, dataDir: data, envbench: { version: '0.0.0-test', commit: null } });
    const service = createIpcService(core, { version: '0.0.0-test', commit: null, dataDir: core.dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });
    const output = new Map<string, string>();
    const exits = new Set<string>();
    service.subscribe((channel, payload) => {
      const { id, data: text } = payload as { id: string; data?: string };
      if (channel === 'terminal:data') {
        output.set(id, (output.get(id) ?? '') + text);
        void service.handle('terminal:ack', [{ id, chars: text!.length }]);
      } else if (channel === 'terminal:exit') exits.add(id);
    });
    try {
      expect((await invoke(service, 'hosts:list')).map((h) => h.name)).toEqual(['box']);
      const checked = await invoke(service, 'hosts:check', { name: 'box' });
      expect(checked.health.reachable).toBe(true);
      expect(checked.health.machine?.cpus).toBeGreaterThan(0);
      const health = (id: string) => checked.runtimes.find((r) => r.id === id)!;
      expect(health('native').available, health('native').reason ?? '').toBe(true);
      expect(health('docker').available, health('docker').reason ?? '').toBe(true);
      expect(health('nix').available).toBe(false);
      await expect(invoke(service, 'hosts:check', { name: 'nope' })).rejects.toThrow(/Unknown host "nope"/);

      const boxHostname = box.exec(['hostname']).stdout.trim();
      for (const runtime of ['native', 'docker'] as const) {
        const info = await invoke(service, 'terminal:open', { runtime, workspace: core.sampleWorkspace(), cols: 100, rows: 30, offline: true, host: 'box' });
        expect(info.title).toMatch(/ on box/);
        await invoke(service, 'terminal:write', { id: info.id, data: 'go version; echo "host=$(hostname)"\r' });
        await waitFor(() => /go version go1\.\d+/.test(output.get(info.id) ?? '') && /host=[^$\s]+/.test(output.get(info.id) ?? ''), 120_000, `go version in the ${runtime} terminal on the box`);
        const seen = /host=([^$\s]+)/.exec(output.get(info.id)!)![1];
        // native runs on the box itself; docker in a container on the box's engine (another hostname).
        if (runtime === 'native') expect(seen).toBe(boxHostname);
        else expect(seen).not.toBe(boxHostname);
        await invoke(service, 'terminal:close', { id: info.id });
        await waitFor(() => exits.has(info.id), 30_000, `the ${runtime} terminal on the box to exit`);
      }
      await waitFor(() => boxContainers(box).length === 0, 30_000, 'the terminal container on the box to be removed');
    } finally {
      await service.dispose();
      core.dispose();
    }
  }, 600_000);

  it('refuses remote-sync without a host and an unknown host, in one line with exit 2', () => {
    expectOneLineRefusal(envbench(['run', '--runtimes', 'native', '--scenarios', 'remote-sync'], data), /Cannot measure remote-sync here: it measures edits reaching a remote host/);
    expectOneLineRefusal(envbench(['run', '--host', 'nope', '--runtimes', 'native'], data), /Unknown host "nope": the hosts are box/);
  });
});

describe.runIf(ready)('envbench run --host on a host without Go', () => {
  let box: SshBox;
  beforeAll(async () => {
    box = await startSshBox({ go: false });
  }, 600_000);
  afterAll(async () => {
    await box?.stop();
  });

  it('says so in one line, exit 2, before syncing anything', () => {
    const data = tempDataDir();
    envbench(['hosts', 'add', 'bare', box.url, '--identity-file', box.identityFile, '--known-hosts', box.knownHostsFile], data);
    expectOneLineRefusal(envbench(['run', '--host', 'bare', '--runtimes', 'native', '--offline'], data), /bare.*Go/);
    expect(box.exec(['sh', '-c', 'find /home/dev/.cache/envbench-remote -name workspaces 2>/dev/null | grep -q . && echo synced || echo none']).stdout.trim()).toBe('none');
  });
});
