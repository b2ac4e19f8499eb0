import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import { devboxTerminalEntry, runInDirectoryEnv, runInDirectoryScript } from '../src/core/environments/devbox/devbox-entry';
import type { Core } from '../src/core/create-core';
import { EventHub } from '../src/core/workbench/event-hub';
import { PtyTerminalManager } from '../src/core/workbench/terminal-manager';
import { waitFor } from './support/docker';
import { envbench, RESOURCES, SAMPLE_WORKSPACE, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

/**
 * Issue 12, 3: no shell ever sees a workspace's name, Nix's own rc script included. `nix develop`
 * 2.8 writes its working directory unquoted into its rc script, so a workspace folder named
 * `x';touch "$PWNED_AT";echo '` ran `touch` on the host when EnvBench started Nix in it.
 * Each payload touches the absolute path in $PWNED_AT (a folder name cannot hold a `/`).
 */
const haveNix = hasTool('nix', ['--version']);

/**
 * A leading `-`, `'`, `"`, `;`, `$( )`, backticks and `:` in one folder, a newline in another. Go
 * itself refuses a package directory with a newline ("invalid package directory"), so there the
 * measured command fails in Go's own words, which shows it ran in that folder.
 */
const HOSTILE_NAMES = [`-inj';touch "$PWNED_AT";echo '$(touch $PWNED_AT)\`touch $PWNED_AT\`:b`, 'nl\n$(touch $PWNED_AT)'];

/** shell.nix for nix-shell: the host's bash and Go, no nixpkgs (a folder's own definition). */
const SHELL_NIX = `derivation {
  name = "hostile-shell";
  system = builtins.currentSystem;
  builder = "/bin/bash";
  args = [ "-c" "echo > $out" ];
  PATH = "/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin";
}
`;

describe.skipIf(!haveNix)('Nix never lets a shell read the workspace path (hostile folder names)', () => {
  const root = tempDataDir('envbench-hostile-nix-');
  // One data directory for every case: Nix copies the Go toolchain into the store once.
  const dataDir = tempDataDir();
  const pwned = path.join(root, 'pwned');
  const env = { PWNED_AT: pwned };
  const workspaces = HOSTILE_NAMES.map((name) => {
    const dir = path.join(root, name);
    fs.cpSync(SAMPLE_WORKSPACE, dir, { recursive: true });
    return dir;
  });
  let core: Core | null = null;
  afterAll(() => core?.dispose());

  for (const [index, workspace] of workspaces.entries()) {
    for (const entry of ['flake', 'shell'] as const) {
      it(`measures \`go vet\` with --nix-entry ${entry} in folder ${index + 1} (${JSON.stringify(path.basename(workspace))})`, () => {
        const result = envbench(['run', '--workspace', workspace, '--runtimes', 'nix', '--nix-entry', entry, '--offline', '--scenarios', 'vet', '--runs', '1', '--warmup', '0', '--wait'], dataDir, { env });
        // go vet fails outside the module: success means the command ran in the workspace.
        expect(result.stderr + result.stdout).not.toMatch(/unexpected EOF|go\.mod file not found/);
        if (workspace.includes('\n')) expect(result.stdout).toMatch(/go vet \.\/\.\.\.` exited with 1: package \S+: invalid package directory/);
        else expect(result.status, result.stderr + result.stdout).toBe(0);
        expect(fs.existsSync(pwned)).toBe(false);
      });
    }
  }

  it('opens nix terminals (nix develop, and nix-shell on a folder\'s own shell.nix) in the hostile folders, at the right directory', async () => {
    fs.writeFileSync(path.join(workspaces[1]!, 'shell.nix'), SHELL_NIX);
    core = createCore({ resourcesDir: RESOURCES, dataDir, envbench: { version: '0.0.0-test', commit: null } });
    const hub = new EventHub();
    const manager = new PtyTerminalManager(core, hub);
    const output = new Map<string, string>();
    hub.subscribe((channel, payload) => {
      if (channel !== 'terminal:data') return;
      const { id, data } = payload as { id: string; data: string };
      output.set(id, (output.get(id) ?? '') + data);
      manager.ack(id, data.length);
    });
    process.env.PWNED_AT = pwned;
    try {
      for (const [workspace, entry] of [[workspaces[0]!, 'nix develop'], [workspaces[1]!, 'nix-shell']] as const) {
        const info = await manager.open({ runtime: 'nix', workspace, cols: 200, rows: 24 });
        expect(info.command.startsWith(entry)).toBe(true);
        // The directory as hex, so a newline in it cannot split the line the test reads.
        manager.write(info.id, `echo "CWD=$(pwd | od -An -tx1 | tr -d ' \\n')"\r`);
        const pattern = /CWD=([0-9a-f]+)/;
        await waitFor(() => pattern.test(output.get(info.id) ?? ''), 90_000, `the ${entry} terminal to print its directory`);
        const printed = Buffer.from(pattern.exec(output.get(info.id)!)![1]!, 'hex').toString('utf8');
        expect(printed).toBe(`${workspace}\n`);
        if (entry === 'nix develop') {
          // The user's ~/.bashrc runs before the environment is put back, as in nix develop's own shell.
          manager.write(info.id, 'echo "GO=$(command -v go)"\r');
          await waitFor(() => /GO=\/nix\/store\/\S+\/bin\/go/.test(output.get(info.id) ?? ''), 30_000, 'go from the Nix store');
        }
        manager.close(info.id);
      }
    } finally {
      delete process.env.PWNED_AT;
      await manager.dispose();
    }
    expect(fs.existsSync(pwned)).toBe(false);
  }, 240_000);
});

/**
 * Without Devbox (CI): what can be tested is what EnvBench hands it. `devbox run` joins the words
 * after `--` into DEVBOX_RUN_CMD and its script runs `eval $DEVBOX_RUN_CMD`; `devbox shell` runs
 * SHELL with its rc file. These replay those steps in a real shell, in a hostile folder; the real
 * Devbox runs the same entries in tests/devbox-runtime.test.ts wherever it is installed.
 */
describe('Devbox: no workspace string in any command Devbox evaluates', () => {
  const root = tempDataDir('envbench-hostile-devbox-');
  const pwned = path.join(root, 'pwned');
  const workspace = path.join(root, `-d';touch "$PWNED_AT";echo '$(touch $PWNED_AT)\`touch $PWNED_AT\`:a\nb`);
  fs.mkdirSync(workspace);
  const evalLikeDevbox = (words: string[], env: Record<string, string>, input?: string) =>
    spawnSync('sh', ['-c', 'eval $DEVBOX_RUN_CMD'], { cwd: root, encoding: 'utf8', input, env: { PATH: process.env.PATH, HOME: root, PWNED_AT: pwned, DEVBOX_RUN_CMD: words.join(' '), ...env } });

  it('a measured command runs in the workspace', () => {
    const argv = ['sh', '-c', 'printf "%s" "$PWD"'];
    const script = runInDirectoryScript(argv.length);
    expect(script).not.toContain(workspace);
    const result = evalLikeDevbox([script], runInDirectoryEnv(workspace, argv));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(workspace);
    expect(fs.existsSync(pwned)).toBe(false);
  });

  it("a terminal's fallback (`devbox run` of bash, where devbox shell cannot hold the config folder) opens in the workspace", () => {
    const configDir = path.join(root, "it's config");
    const { argv, env, entry, why } = devboxTerminalEntry('devbox', configDir, workspace, path.join(root, 'rc'));
    expect({ entry, why }).toEqual({ entry: 'devbox run', why: `its rc file would hold the project directory ${configDir} inside single quotes, where its ' ends the quote` });
    expect(argv.slice(0, 5)).toEqual(['devbox', 'run', '--config', configDir, '--']);
    expect(argv.join(' ')).not.toContain(workspace);
    const result = evalLikeDevbox(argv.slice(5), env, 'echo "CWD=$(pwd | od -An -tx1 | tr -d \' \\n\')"\nexit\n');
    expect(result.status, result.stderr).toBe(0);
    expect(Buffer.from(/CWD=([0-9a-f]+)/.exec(result.stdout)![1]!, 'hex').toString('utf8')).toBe(`${workspace}\n`);
    expect(fs.existsSync(pwned)).toBe(false);
  });

  it('a terminal in `devbox shell` enters the workspace in the shell Devbox starts (SHELL), and Devbox 0.18\'s rc file comes back to it', () => {
    const configDir = path.join(root, 'config');
    const { argv, env, entry } = devboxTerminalEntry('devbox', configDir, workspace, path.join(root, 'rc'));
    expect(entry).toBe('devbox shell');
    expect(argv).toEqual(['devbox', 'shell', '--config', configDir]);
    expect(Object.keys(env).sort()).toEqual(['DEVBOX_SHELL_ENABLED', 'ENVBENCH_CWD', 'SHELL']);
    // What Devbox does (internal/devbox/shell.go, shellrc.tmpl): exports the environment with
    // `$ \` " \\ newline` escaped in double quotes, records $(pwd), runs the hooks in the project
    // directory and goes back; then runs SHELL with `--rcfile <that file>`.
    const exportify = (value: string): string => value.replace(/[$`"\\\n]/g, (c) => `\\${c}`);
    const rc = path.join(root, 'devbox-shellrc');
    fs.writeFileSync(rc, `export ENVBENCH_CWD="${exportify(workspace)}"\nworking_dir="$(pwd)"\ncd "${configDir}" || exit\ncd "$working_dir" || exit\n`);
    fs.mkdirSync(configDir, { recursive: true });
    const result = spawnSync(env.SHELL!, ['--rcfile', rc, '-i'], {
      cwd: root,
      encoding: 'utf8',
      input: 'echo "CWD=$(pwd | od -An -tx1 | tr -d \' \\n\')"\necho "SH=$SHELL"\nexit\n',
      env: { PATH: process.env.PATH, HOME: root, PWNED_AT: pwned, ...env },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(Buffer.from(/CWD=([0-9a-f]+)/.exec(result.stdout)![1]!, 'hex').toString('utf8')).toBe(`${workspace}\n`);
    expect(result.stdout).toMatch(/SH=\/\S*\/bash\n/);
    expect(fs.existsSync(pwned)).toBe(false);
  });
});
