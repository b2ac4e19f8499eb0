import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as pty from 'node-pty';
import type { IPty } from 'node-pty';
import { describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import { nixSystem } from '../src/core/environments/offline-flake';
import { devboxTerminalEntry } from '../src/core/environments/devbox/devbox-entry';
import { localFlakeRef, localFlakeUrl } from '../src/core/environments/devbox/devbox-definitions';
import { DEVBOX_PROBE_COMMAND, devboxProbeFlake, devboxProbeFlakeDir } from '../src/core/environments/devbox/devbox-health';
import { EventHub } from '../src/core/workbench/event-hub';
import { PtyTerminalManager } from '../src/core/workbench/terminal-manager';
import type { ResultJson, RunJson, RuntimeHealth } from '../src/shared/run';
import { devboxAvailability, devboxSuiteName } from './support/devbox';
import { waitFor } from './support/docker';
import { RESOURCES, SAMPLE_WORKSPACE, envbench, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const haveGo = hasTool('go', ['version']);
// Not hasTool: a machine without Devbox is the case under test here, in CI too (ENVBENCH_DEVBOX or PATH).
const haveDevbox = ((r) => !r.error && r.status === 0)(spawnSync(process.env.ENVBENCH_DEVBOX || 'devbox', ['version'], { stdio: 'ignore', timeout: 20_000 }));
/** As in tests/hostile-nix-shell-injection.test.ts: `'`, `"`, `;`, `$( )`, backticks, a leading `-`, and a newline. */
const HOSTILE_FOLDER_NAMES = [`-inj';touch "$PWNED_AT";echo '$(touch $PWNED_AT)\`touch $PWNED_AT\`:b`, 'nl\n$(touch $PWNED_AT)'];

/** A copy of the sample workspace (so nothing is ever written into the embedded one). */
function sampleCopy(dataDir: string): string {
  const copy = path.join(dataDir, 'sample');
  fs.cpSync(SAMPLE_WORKSPACE, copy, { recursive: true });
  return copy;
}

function runNativeAndDevbox(workspace: string, dataDir: string): { status: number | null; stdout: string; results: Map<string, ResultJson> } {
  const jsonFile = path.join(dataDir, 'run.json');
  const result = envbench(['run', '--workspace', workspace, '--runtimes', 'native,devbox', '--scenarios', 'build-clean', '--runs', '1', '--warmup', '0', '--json', jsonFile], dataDir);
  const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
  return { status: result.status, stdout: result.stdout + result.stderr, results: new Map(run.results.map((r) => [r.runtime, r])) };
}

describe.skipIf(!haveGo)('envbench run --runtimes native,devbox', () => {
  it.skipIf(haveDevbox)('without Devbox: devbox fails with the reason doctor gives, native is measured anyway', () => {
    const dataDir = tempDataDir();
    const workspace = sampleCopy(dataDir);
    const before = fs.readdirSync(workspace).sort();
    const { status, stdout, results } = runNativeAndDevbox(workspace, dataDir);
    expect(status, stdout).toBe(1);
    expect(results.get('native')).toMatchObject({ status: 'completed' });
    expect(results.get('native')!.samples).toHaveLength(1);
    const devbox = results.get('devbox')!;
    expect(devbox.status).toBe('failed');
    expect(devbox.samples).toEqual([]);
    expect(devbox.reason).toMatch(/^devbox is unavailable: Devbox is not installed \(no `devbox` on PATH; ENVBENCH_DEVBOX can name the binary instead\): install it with `go install go\.jetify\.com\/devbox\/cmd\/devbox@<version>`/);

    const doctor = JSON.parse(envbench(['doctor', '--json'], dataDir).stdout) as RuntimeHealth[];
    expect(devbox.reason).toBe(`devbox is unavailable: ${doctor.find((h) => h.id === 'devbox')!.reason}`);
    // Nothing was generated in the workspace.
    expect(fs.readdirSync(workspace).sort()).toEqual(before);
  });

  it("a workspace devbox.json that is not JSON fails devbox with the file, line and column, whatever the machine has", () => {
    const dataDir = tempDataDir();
    const workspace = sampleCopy(dataDir);
    const file = path.join(fs.realpathSync(workspace), 'devbox.json');
    fs.writeFileSync(file, '{\n  // the tools\n  "packages": ["go@1.22" "gopls@latest"]\n}\n');
    const { status, stdout, results } = runNativeAndDevbox(workspace, dataDir);
    expect(status, stdout).toBe(1);
    expect(results.get('native')).toMatchObject({ status: 'completed' });
    expect(results.get('devbox')).toMatchObject({
      status: 'failed',
      reason: `${file} is not valid JSON: line 3, column 26: expected a comma. Fix the file, or remove it to let EnvBench generate one`,
    });
    expect(stdout).toContain(`${file} is not valid JSON: line 3, column 26`);
  });
});

describe('envbench doctor with ENVBENCH_DEVBOX', () => {
  it('names the configured path when it does not exist', () => {
    const dataDir = tempDataDir();
    const missing = path.join(dataDir, 'bin', 'devbox');
    const before = process.env.ENVBENCH_DEVBOX;
    process.env.ENVBENCH_DEVBOX = missing;
    try {
      const result = envbench(['doctor', '--json'], dataDir);
      expect(result.status).toBe(0);
      const devbox = (JSON.parse(result.stdout) as RuntimeHealth[]).find((h) => h.id === 'devbox')!;
      expect(devbox).toMatchObject({ available: false, version: null });
      expect(devbox.reason).toContain(`ENVBENCH_DEVBOX is set to ${missing}, which does not exist`);
    } finally {
      if (before === undefined) delete process.env.ENVBENCH_DEVBOX;
      else process.env.ENVBENCH_DEVBOX = before;
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The real Devbox: whenever a binary and Nix >= 2.18 are here (ENVBENCH_DEVBOX or PATH). CI has
// none: there these suites are skipped under the name "not run: no Devbox (<reason>)".
// ---------------------------------------------------------------------------------------------

const devbox = devboxAvailability();
/** The offline NIX_CONFIG EnvBench gives Devbox: no binary cache, no flake registry. */
const offlineNixConfig = (dir: string): string => {
  const registry = path.join(dir, 'empty-flake-registry.json');
  fs.writeFileSync(registry, '{"flakes":[],"version":2}\n');
  return `extra-experimental-features = nix-command flakes\nsubstituters =\nflake-registry = ${registry}`;
};

/**
 * A Devbox project in `dir` whose one package (the doctor probe's `envbench-devbox-probe`) and
 * nixpkgs' mkShell come from a local flake through devbox.lock, so it installs offline.
 */
function offlineProject(dir: string, flakeDir: string): void {
  fs.mkdirSync(flakeDir, { recursive: true });
  fs.writeFileSync(path.join(flakeDir, 'flake.nix'), devboxProbeFlake(nixSystem()));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'devbox.json'), `${JSON.stringify({ packages: [localFlakeRef(flakeDir, 'probe')] })}\n`);
  const lock = { lockfile_version: '1', packages: { 'github:NixOS/nixpkgs/nixpkgs-unstable': { resolved: localFlakeUrl(flakeDir) } } };
  fs.writeFileSync(path.join(dir, 'devbox.lock'), `${JSON.stringify(lock)}\n`);
}

describe(devboxSuiteName('envbench doctor runs the real Devbox', devbox), () => {
  it.skipIf(!devbox.ok)('shows Devbox healthy by `devbox run` in a fresh project of its own, and remembers the answer', () => {
    const dataDir = tempDataDir();
    const cacheDir = path.join(dataDir, 'cache');
    const doctor = (): { health: RuntimeHealth; ms: number } => {
      const started = performance.now();
      const result = envbench(['doctor', '--json'], dataDir, { env: { ENVBENCH_CACHE_DIR: cacheDir } });
      expect(result.status, result.stderr).toBe(0);
      return { health: (JSON.parse(result.stdout) as RuntimeHealth[]).find((h) => h.id === 'devbox')!, ms: performance.now() - started };
    };
    const stateDir = path.join(cacheDir, 'runtimes', 'devbox');
    const nixEnv = { ...process.env, NIX_CONFIG: offlineNixConfig(dataDir) };
    const nix = (args: string[]) => spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', env: nixEnv, timeout: 60_000 });
    /** The probe package's store path, and whether Nix has it (proof that Devbox had it built). */
    const probePackage = (): { out: string; built: boolean } => {
      const ref = `${localFlakeUrl(devboxProbeFlakeDir(stateDir))}#packages.${nixSystem()}.probe.outPath`;
      const out = nix(['nix', '--extra-experimental-features', 'nix-command flakes', 'eval', '--raw', ref]).stdout.trim();
      return { out, built: out.startsWith('/nix/store/') && nix(['nix-store', '--check-validity', out]).status === 0 };
    };
    const first = doctor();
    expect(first.health).toMatchObject({ available: true, reason: null });
    expect(first.health.version).toContain(`(Nix ${devbox.ok ? devbox.nixVersion : ''}`);
    // The probe really ran: Nix built the project's package for Devbox; its project is gone again.
    const built = probePackage();
    expect(built.built).toBe(true);
    expect(fs.readdirSync(path.join(stateDir, 'health')).filter((name) => name.startsWith('project-'))).toEqual([]);
    const probes = path.join(stateDir, 'health-probes.json');
    expect(Object.keys(JSON.parse(fs.readFileSync(probes, 'utf8')) as object)).toHaveLength(1);
    // Warm: the remembered answer, no Devbox call (the package Nix deleted is not built again).
    // With the shell environments Devbox had Nix make from it (they name it in PATH), which nothing keeps.
    const referrers = nix(['nix-store', '--query', '--referrers-closure', built.out]).stdout.trim().split('\n').filter(Boolean);
    const deleted = nix(['nix-store', '--delete', ...new Set([...referrers, built.out])]);
    expect(deleted.status, deleted.stderr).toBe(0);
    const second = doctor();
    expect(second.health).toEqual(first.health);
    expect(probePackage().built).toBe(false);
    // Forgotten: probed again.
    fs.rmSync(probes);
    expect(doctor().health).toEqual(first.health);
    expect(probePackage().built).toBe(true);
    console.log(`devbox doctor: ${first.ms.toFixed(0)} ms probing, ${second.ms.toFixed(0)} ms remembered`);
  });

  it.skipIf(!devbox.ok)('names the probe project and the fix when Devbox cannot use it', () => {
    const dataDir = tempDataDir();
    // A cache folder whose path Devbox's own `sh -c "\"DIR/...\""` would interpret: refused before Devbox runs.
    const cacheDir = path.join(dataDir, 'cache$(x)');
    const result = envbench(['doctor', '--json'], dataDir, { env: { ENVBENCH_CACHE_DIR: cacheDir } });
    const health = (JSON.parse(result.stdout) as RuntimeHealth[]).find((h) => h.id === 'devbox')!;
    expect(health.available).toBe(false);
    expect(health.reason).toBe(
      `EnvBench's Devbox probe cannot use ${cacheDir}/runtimes/devbox/health: Devbox runs its scripts through sh with the project's directory inside double quotes, where $ would be interpreted; point ENVBENCH_CACHE_DIR at a path without those characters`,
    );
  });
});

describe(devboxSuiteName('terminals in `devbox shell` (node-pty, the real Devbox, offline)', devbox), () => {
  const root = tempDataDir('envbench-devbox-shell-');
  const pwned = path.join(root, 'pwned');
  const flakeDir = path.join(root, 'flake');
  const hex = String.raw`echo "CWD=$(pwd | od -An -tx1 | tr -d ' \n')"`;
  const printedDir = (output: string): string => Buffer.from(/CWD=([0-9a-f]+)/.exec(output)![1]!, 'hex').toString('utf8');

  /** Types `line` and waits until the output from then on matches. */
  async function typed(proc: IPty, output: () => string, line: string, pattern: RegExp, what: string): Promise<string> {
    const from = output().length;
    proc.write(`${line}\r`);
    await waitFor(() => pattern.test(output().slice(from)), 60_000, what).catch((error: Error) => {
      throw new Error(`${error.message}; the output so far:\n${output().slice(-3000)}`);
    });
    return output().slice(from);
  }

  for (const name of HOSTILE_FOLDER_NAMES) {
    it.skipIf(!devbox.ok)(`devboxTerminalEntry opens \`devbox shell\` in the folder ${JSON.stringify(name)}: Devbox's package on PATH, no shell reads the name`, async () => {
      const workspace = path.join(root, name);
      fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
      const configDir = path.join(root, 'project');
      if (!fs.existsSync(configDir)) offlineProject(configDir, flakeDir);
      const entry = devboxTerminalEntry(devbox.ok ? devbox.program : 'devbox', configDir, workspace, path.join(root, 'rc'));
      expect(entry).toMatchObject({ entry: 'devbox shell', why: null });
      expect(entry.argv.slice(1)).toEqual(['shell', '--config', configDir]);
      const start = path.join(root, 'start');
      fs.mkdirSync(start, { recursive: true });
      let output = '';
      const proc = pty.spawn(entry.argv[0]!, entry.argv.slice(1), {
        cols: 200,
        rows: 30,
        cwd: start,
        env: { ...process.env, ...entry.env, NIX_CONFIG: offlineNixConfig(root), DO_NOT_TRACK: '1', PWNED_AT: pwned, TERM: 'xterm-256color' } as Record<string, string>,
      });
      proc.onData((data) => (output += data));
      let exited: number | null = null;
      proc.onExit(({ exitCode }) => (exited = exitCode));
      try {
        expect(printedDir(await typed(proc, () => output, hex, /CWD=[0-9a-f]+/, 'the shell to print its directory'))).toBe(`${workspace}\n`);
        // Inside Devbox's shell: its package on PATH, its marker set, SHELL the real bash (not EnvBench's entry script).
        await typed(proc, () => output, DEVBOX_PROBE_COMMAND, /envbench-devbox-probe-ok/, "the project's package");
        // The values, not the typed line's echo (which shows `$NAME`).
        const values = /ENABLED=([^\s$'"]*) SH=([^\s$'"]+)/;
        const vars = await typed(proc, () => output, 'echo "ENABLED=$DEVBOX_SHELL_ENABLED SH=$SHELL"', values, 'the shell variables');
        expect(values.exec(vars)!.slice(1)).toEqual(['1', expect.stringMatching(/\/bash$/)]);
        expect(vars).not.toContain(path.join(root, 'rc'));
        proc.write('exit\r');
        await waitFor(() => exited !== null, 15_000, 'the shell to exit');
        expect(exited).toBe(0);
      } finally {
        if (exited === null) proc.kill();
      }
      expect(fs.existsSync(pwned)).toBe(false);
    });
  }

  for (const [folder, expected] of [
    ['a plain folder', 'devbox shell'],
    ["it's a folder", 'devbox run'],
  ] as const) {
    it.skipIf(!devbox.ok)(`the app opens a Devbox terminal on a workspace's own devbox.json in ${JSON.stringify(folder)} with \`${expected}\``, async () => {
      const workspace = path.join(root, folder);
      fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
      offlineProject(workspace, flakeDir);
      const core = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: '0.0.0-test', commit: null } });
      const hub = new EventHub();
      const manager = new PtyTerminalManager(core, hub);
      let output = '';
      let exited = false;
      hub.subscribe((channel, payload) => {
        if (channel === 'terminal:exit') exited = true;
        if (channel !== 'terminal:data') return;
        const { id, data } = payload as { id: string; data: string };
        output += data;
        manager.ack(id, data.length);
      });
      try {
        const info = await manager.open({ runtime: 'devbox', workspace, cols: 200, rows: 30 });
        expect(info.command.startsWith(`${devbox.ok ? devbox.program : 'devbox'} ${expected === 'devbox shell' ? 'shell' : 'run'} --config `)).toBe(true);
        expect(info.title).toBe(expected === 'devbox shell' ? 'Devbox: devbox shell' : 'Devbox: devbox run bash (devbox shell cannot hold this folder safely)');
        manager.write(info.id, `${hex}\r`);
        await waitFor(() => /CWD=[0-9a-f]+/.test(output), 60_000, 'the terminal to print its directory');
        expect(printedDir(output)).toBe(`${fs.realpathSync(workspace)}\n`);
        manager.write(info.id, `${DEVBOX_PROBE_COMMAND}\r`);
        await waitFor(() => /envbench-devbox-probe-ok/.test(output), 60_000, "the workspace devbox.json's package");
        manager.close(info.id);
        await waitFor(() => exited, 15_000, 'terminal:exit');
      } catch (error) {
        throw new Error(`${(error as Error).message}; the output so far:\n${output.slice(-3000)}`);
      } finally {
        await manager.dispose();
        core.dispose();
      }
    });
  }
});
