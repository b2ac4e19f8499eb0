/* eslint-disable no-control-regex -- terminal output is matched for its escape sequences on purpose */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcInvokeMap, TerminalInfo } from '../src/shared/ipc/contract';
import type { RuntimeId } from '../src/shared/run';
import { createCore } from '../src/core/create-core';
import type { Core } from '../src/core/create-core';
import { createIpcService } from '../src/core/ipc-service';
import type { IpcService } from '../src/core/ipc-service';
import { EventHub } from '../src/core/workbench/event-hub';
import { FLOW_CONTROL, PtyTerminalManager } from '../src/core/workbench/terminal-manager';
import { haveDockerEngine, waitFor } from './support/docker';
import { RESOURCES, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const haveGo = hasTool('go', ['version']);
const haveDocker = haveDockerEngine();
const haveNix = hasTool('nix', ['--version']);
const GO_VERSION = /go version go1\.\d+/;
/** A value printed by a command line, not the line's own echo (which shows `$(...)`). */
const VALUE = String.raw`([^\s$'"]+)`;
const printed = (label: string): RegExp => new RegExp(`${label}=${VALUE}`);

/** What the renderer would see of each terminal: its output (acked as drawn) and its exit. */
class TerminalWatcher {
  readonly output = new Map<string, string>();
  readonly exits = new Map<string, { exitCode: number; signal?: number }>();
  dataEvents = 0;

  constructor(
    private readonly service: IpcService,
    private readonly ack: boolean,
  ) {
    service.subscribe((channel, payload) => {
      if (channel === 'terminal:data') {
        const { id, data } = payload as { id: string; data: string };
        this.dataEvents++;
        this.output.set(id, (this.output.get(id) ?? '') + data);
        if (this.ack) void this.service.handle('terminal:ack', [{ id, chars: data.length }]);
      } else if (channel === 'terminal:exit') {
        const { id, ...exit } = payload as { id: string; exitCode: number; signal?: number };
        this.exits.set(id, exit);
      }
    });
  }

  text(id: string): string {
    return this.output.get(id) ?? '';
  }

  /** Waits until the terminal's output since `from` matches, and returns that part. */
  async expectOutput(id: string, pattern: RegExp, timeoutMs = 60_000, from = 0): Promise<string> {
    try {
      await waitFor(() => pattern.test(this.text(id).slice(from)), timeoutMs, `${pattern} in the terminal's output`);
    } catch (error) {
      throw new Error(`${(error as Error).message}; the output so far:\n${this.text(id).slice(-3000)}`);
    }
    return this.text(id).slice(from);
  }
}

async function invoke<C extends keyof IpcInvokeMap>(service: IpcService, channel: C, ...args: IpcInvokeMap[C]['args']): Promise<IpcInvokeMap[C]['result']> {
  const reply = await service.handle(channel, args);
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value as IpcInvokeMap[C]['result'];
}

/** Containers EnvBench labelled with a terminal's run id (its own, or a DinD outer one). */
function terminalContainers(id: string): string[] {
  const result = spawnSync('docker', ['ps', '-aq', '--filter', `label=envbench.run=terminal-${id}`], { encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean);
}

function containerNamed(name: string): boolean {
  const result = spawnSync('docker', ['ps', '-aq', '--filter', `name=^${name}$`], { encoding: 'utf8' });
  return result.stdout.trim() !== '';
}

describe.skipIf(!haveGo)('terminals in each environment (node-pty, real environments)', () => {
  let core: Core;
  let service: IpcService;
  let watcher: TerminalWatcher;
  const opened: TerminalInfo[] = [];
  const newService = (): IpcService =>
    createIpcService(core, { version: '0.0.0-test', commit: null, dataDir: core.dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });

  beforeAll(() => {
    core = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: '0.0.0-test', commit: null } });
    service = newService();
    watcher = new TerminalWatcher(service, true);
  });

  afterAll(async () => {
    await service?.dispose();
    core?.dispose();
    if (haveDocker) for (const info of opened) expect(terminalContainers(info.id), `containers of terminal ${info.id}`).toEqual([]);
  });

  async function open(runtime: RuntimeId, offline?: boolean): Promise<TerminalInfo> {
    const info = await invoke(service, 'terminal:open', { runtime, workspace: core.sampleWorkspace(), cols: 100, rows: 30, ...(offline === undefined ? {} : { offline }) });
    opened.push(info);
    expect(info.runtime).toBe(runtime);
    expect((await invoke(service, 'terminal:list')).map((t) => t.id)).toContain(info.id);
    return info;
  }

  /** Runs one command line in the terminal and returns the output from there on, once it matches. */
  async function run(id: string, line: string, expected: RegExp, timeoutMs = 60_000): Promise<string> {
    const from = watcher.text(id).length;
    await invoke(service, 'terminal:write', { id, data: `${line}\r` });
    return watcher.expectOutput(id, expected, timeoutMs, from);
  }

  /** go version in the environment, a resize seen by the program, then close: an exit event and the terminal gone. */
  async function goVersionResizeClose(info: TerminalInfo): Promise<void> {
    await run(info.id, 'go version', GO_VERSION);
    await invoke(service, 'terminal:resize', { id: info.id, cols: 123, rows: 41 });
    // Through `docker exec` the new size reaches the container's pty by an Engine API call the
    // CLI makes on SIGWINCH, so a command typed at once may still see the old size.
    let size = '';
    for (let attempt = 0; attempt < 50 && !/^41 123$/.test(size); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      size = /^(\d+ \d+)\r?$/m.exec(await run(info.id, 'stty size', /^\d+ \d+\r?$/m))![1]!;
    }
    expect(size).toBe('41 123');
    await invoke(service, 'terminal:close', { id: info.id });
    await waitFor(() => watcher.exits.has(info.id), 15_000, 'terminal:exit');
    expect((await invoke(service, 'terminal:list')).map((t) => t.id)).not.toContain(info.id);
  }

  it('native: the user\'s shell in the workspace runs go, resizes, and closes with an exit event', async () => {
    const info = await open('native');
    expect(info.command).toMatch(/(^|\/)(bash|zsh|fish|sh) -i$/);
    const pwd = await run(info.id, 'echo "cwd=$(pwd)"', printed('cwd'));
    expect(printed('cwd').exec(pwd)![1]).toBe(core.sampleWorkspace());
    await goVersionResizeClose(info);
    await expect(invoke(service, 'terminal:write', { id: info.id, data: 'x' })).rejects.toThrow(`no terminal ${info.id}: it was closed or never opened`);
    await expect(invoke(service, 'terminal:resize', { id: 'nope', cols: 80, rows: 24 })).rejects.toThrow('no terminal nope: it was closed or never opened');
    await expect(invoke(service, 'terminal:close', { id: 'nope' })).rejects.toThrow('no terminal nope: it was closed or never opened');
  });

  it('an unavailable runtime (devbox here) is refused with the reason detect() gives', async () => {
    const devbox = (await core.runtimes()).find((r) => r.id === 'devbox')!;
    const health = await devbox.detect();
    if (health.available) return; // A machine with Devbox has nothing to refuse here.
    await expect(invoke(service, 'terminal:open', { runtime: 'devbox', workspace: core.sampleWorkspace(), cols: 80, rows: 24 })).rejects.toThrow(health.reason!);
  });

  it('dispose() ends every open terminal and waits until what they created is removed', async () => {
    const other = newService();
    const exits: string[] = [];
    other.subscribe((channel, payload) => channel === 'terminal:exit' && exits.push((payload as { id: string }).id));
    const runtimes: RuntimeId[] = haveDocker ? ['native', 'docker'] : ['native'];
    const infos = await Promise.all(runtimes.map((runtime) => invoke(other, 'terminal:open', { runtime, workspace: core.sampleWorkspace(), cols: 80, rows: 24 })));
    opened.push(...infos);
    await other.dispose();
    expect(exits.sort()).toEqual(infos.map((i) => i.id).sort());
    if (haveDocker) for (const info of infos) expect(terminalContainers(info.id)).toEqual([]);
    await expect(invoke(other, 'terminal:open', { runtime: 'native', workspace: core.sampleWorkspace(), cols: 80, rows: 24 })).rejects.toThrow(/shutting its terminals down/);
  });

  describe.skipIf(!haveDocker)('docker', () => {
    it('docker exec -it into the runtime\'s container: go from the image, at /workspace, removed on close', async () => {
      const info = await open('docker');
      expect(info.command).toMatch(/^docker exec -it -e TERM=xterm-256color -w \/workspace envbench-terminal-[0-9a-f]{12} bash$/);
      const name = info.command.split(' ').at(-2)!;
      expect(containerNamed(name)).toBe(true);
      const pattern = new RegExp(`host=${VALUE} cwd=${VALUE} os=${VALUE}`);
      const where = await run(info.id, 'echo "host=$(hostname) cwd=$(pwd) os=$(. /etc/os-release; echo $ID)"', pattern);
      const [, hostname, cwd, distro] = pattern.exec(where)!;
      expect(hostname).not.toBe(os.hostname());
      expect(cwd).toBe('/workspace');
      expect(distro).toBe('debian');
      await goVersionResizeClose(info);
      await waitFor(() => !containerNamed(name), 30_000, `container ${name} to be removed`);
    });

    it('offline: the terminal\'s container is prepared as an offline run\'s, with no network but a loopback', async () => {
      const info = await open('docker', true);
      const nets = await run(info.id, 'echo "nets=$(ls /sys/class/net | tr \'\\n\' ,)"', printed('nets'));
      expect(printed('nets').exec(nets)![1]).toBe('lo,');
      await run(info.id, 'go env GOPROXY', /^off\r?$/m);
      await invoke(service, 'terminal:close', { id: info.id });
      await waitFor(() => watcher.exits.has(info.id), 15_000, 'terminal:exit');
    });
  });

  describe.skipIf(!haveDocker)('dind', () => {
    it('a shell in the inner Go container of DinD, invisible to the host\'s engine', async () => {
      const info = await open('dind');
      expect(info.command).toMatch(/^docker -H unix:\/\/\S+\/docker\.sock exec -it -e TERM=xterm-256color -w \/workspace envbench-terminal-[0-9a-f]{12} bash$/);
      const name = info.command.split(' ').at(-2)!;
      // The inner container lives in the inner daemon: the host's engine only has the outer one.
      expect(containerNamed(name)).toBe(false);
      expect(terminalContainers(info.id)).toHaveLength(1);
      const pattern = new RegExp(`host=${VALUE} cwd=${VALUE}`);
      const where = await run(info.id, 'echo "host=$(hostname) cwd=$(pwd)"', pattern);
      const [, hostname, cwd] = pattern.exec(where)!;
      expect(hostname).not.toBe(os.hostname());
      expect(cwd).toBe('/workspace');
      await goVersionResizeClose(info);
      // The last terminal of the workspace stops the outer container.
      await waitFor(() => terminalContainers(info.id).length === 0, 60_000, 'the outer DinD container to be removed');
    });
  });

  describe.skipIf(!haveNix)('nix', () => {
    it('nix develop on the generated flake: go from the Nix store, in the workspace', async () => {
      const info = await open('nix');
      expect(info.command).toMatch(/^nix develop path:\S+ .*--option substituters '' --option flake-registry \S+/);
      await run(info.id, 'echo "shell=$IN_NIX_SHELL go=$(command -v go)"', /shell=impure go=\/nix\/store\/\S+\/bin\/go/);
      const pwd = await run(info.id, 'echo "cwd=$(pwd)"', printed('cwd'));
      expect(printed('cwd').exec(pwd)![1]).toBe(core.sampleWorkspace());
      await goVersionResizeClose(info);
    });
  });
});

describe.skipIf(!haveGo)('terminal flow control (VS Code\'s watermarks)', () => {
  it('pauses a flooding pty until the output is acknowledged, then delivers all of it (lines with escape sequences: never cut)', async () => {
    const core = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: '0.0.0-test', commit: null } });
    const hub = new EventHub();
    const manager = new PtyTerminalManager(core, hub);
    let acking = false;
    let received = 0;
    let events = 0;
    let output = '';
    let exited = false;
    hub.subscribe((channel, payload) => {
      if (channel === 'terminal:data') {
        const { id, data } = payload as { id: string; data: string };
        received += data.length;
        events++;
        output += data;
        if (acking) manager.ack(id, data.length);
      } else if (channel === 'terminal:exit') exited = true;
    });
    try {
      const info = await manager.open({ runtime: 'native', workspace: core.sampleWorkspace(), cols: 80, rows: 24 });
      // Bold lines: a flood the core cannot cut (shared/terminal-flood.ts), so all of it must go through.
      manager.write(info.id, `yes "$(printf '\\033[1mA\\033[0m')" | head -c 5000000; echo "END-$((6*7))"\r`);
      await waitFor(() => manager.flowControl(info.id).paused, 30_000, 'the pty to be paused');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const whilePaused = received;
      expect(whilePaused).toBeGreaterThan(FLOW_CONTROL.highWatermarkChars);
      expect(whilePaused).toBeLessThan(2 * FLOW_CONTROL.highWatermarkChars);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(received).toBe(whilePaused);
      expect(manager.flowControl(info.id)).toMatchObject({ paused: true });

      acking = true;
      manager.ack(info.id, received);
      await waitFor(() => output.includes('END-42'), 120_000, 'all of the output');
      // Each line is 10 bytes, which the pty ends with "\r\n": 500 000 lines, none lost.
      expect(output.match(/\x1b\[1mA\x1b\[0m\r\n/g)?.length).toBe(500_000);
      expect(received).toBeGreaterThan(5_000_000);
      // Coalesced: far fewer events than the pty's 4 KiB reads.
      expect(received / events).toBeGreaterThan(8 * 1024);
      expect(manager.flowControl(info.id).paused).toBe(false);
      manager.close(info.id);
      await waitFor(() => exited, 15_000, 'terminal:exit');
    } finally {
      await manager.dispose();
      core.dispose();
    }
  });
});

describe('terminal floods are cut before they are sent', () => {
  /** A native terminal whose events are kept, with no page acknowledging anything (or, with `ack`, one that draws each batch at once). */
  async function openWatched({ ack = false } = {}): Promise<{ manager: PtyTerminalManager; id: string; output: () => string; batches: number[]; close: () => Promise<void> }> {
    const core = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: '0.0.0-test', commit: null } });
    const hub = new EventHub();
    const manager = new PtyTerminalManager(core, hub);
    let output = '';
    const batches: number[] = [];
    hub.subscribe((channel, payload) => {
      if (channel !== 'terminal:data') return;
      output += (payload as { data: string }).data;
      batches.push((payload as { data: string }).data.length);
      if (ack) queueMicrotask(() => manager.ack(info.id, (payload as { data: string }).data.length));
    });
    const info = await manager.open({ runtime: 'native', workspace: core.sampleWorkspace(), cols: 80, rows: 24 });
    return {
      manager,
      id: info.id,
      output: () => output,
      batches,
      close: async () => {
        await manager.dispose();
        core.dispose();
      },
    };
  }

  it('plain text: only what the page keeps is sent (scrollback + rows), the last lines exactly, and the pty never waits for the page', async () => {
    const t = await openWatched();
    try {
      t.manager.write(t.id, 'seq 1 400000; echo "END-$((6*7))"\r');
      await waitFor(() => t.output().includes('END-42'), 60_000, 'the end of the flood, with no acknowledgement');
      const sent = t.output();
      const numbers = sent.split('\r\n').filter((line) => /^\d+$/.test(line)).map(Number);
      // 10 501 line feeds kept (scrollback, 500 rows, one more), the last after END-42: 10 500
      // numbers, the first of which may continue a line the batch before left unfinished (it
      // then scrolls out of the buffer, as terminal-flood.ts says).
      const tail = numbers.slice(-10_499);
      expect(tail.at(-1)).toBe(400_000);
      expect(tail.every((n, i) => i === 0 || n === tail[i - 1]! + 1)).toBe(true);
      // Far less than seq printed (2.7 MB): the rest was cut, and counted as acknowledged.
      expect(sent.length).toBeLessThan(1_500_000);
      expect(t.manager.flowControl(t.id).unacknowledged).toBeLessThan(FLOW_CONTROL.highWatermarkChars);
    } finally {
      await t.close();
    }
  });

  it("a flood's end: the lines before the prompt that follows it are cut too, and the prompt (escape sequences) comes whole", async () => {
    const t = await openWatched({ ack: true });
    try {
      t.manager.write(t.id, 'seq 1 3000000; echo "END-$((6*7))"\r');
      await waitFor(() => t.output().includes('END-42'), 60_000, 'the end of the flood');
      await waitFor(() => /\x1b\[\?2004h[^\n]*\$ $/.test(t.output()) || t.output().trimEnd().endsWith('#'), 10_000, 'the prompt after it');
      // The buffer's 10 500 lines of at most 9 characters, and what follows them: no batch
      // carries the up to 1 000 000 characters that wait between two cuts.
      expect(Math.max(...t.batches)).toBeLessThan(200_000);
      expect(t.output()).toContain('\r\n3000000\r\nEND-42');
    } finally {
      await t.close();
    }
  });

  it('plain text with bare line feeds (stty -onlcr) is never cut: lines would start where the cut ones left the cursor', async () => {
    const t = await openWatched();
    try {
      t.manager.write(t.id, 'stty -onlcr; seq 1 100000; stty onlcr; echo "END-$((6*7))"\r');
      await waitFor(() => t.output().includes('END-42'), 60_000, 'the end of the flood');
      const numbers = t.output().split(/[\r\n]/).filter((line) => /^\d+$/.test(line));
      expect(numbers).toHaveLength(100_000);
      expect(numbers.at(-1)).toBe('100000');
    } finally {
      await t.close();
    }
  });

  it('in the alternate buffer or inside scroll margins, nothing is cut (690 kB: under the high watermark, no acknowledgement needed)', async () => {
    const t = await openWatched();
    try {
      for (const [mode, undo] of [['\\033[?1049h', '\\033[?1049l'], ['\\033[3;10r', '\\033[r']] as const) {
        const from = t.output().length;
        t.manager.write(t.id, `printf '${mode}'; seq 1 100000; printf '${undo}'; echo "END-$((6*7))"\r`);
        await waitFor(() => /END-42/.test(t.output().slice(from)), 60_000, 'the end of the flood');
        const numbers = t.output().slice(from).replace(/\x1b\[[?\d;]*[a-zA-Z]/g, '').split('\r\n').map((line) => line.split('\r').at(-1)!).filter((line) => /^\d+$/.test(line));
        expect(numbers, mode).toHaveLength(100_000);
      }
    } finally {
      await t.close();
    }
  });
});
