import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson, WorkspaceInfo } from '../src/shared/run';
import { workspaceKey } from '../src/core/data-paths';
import { createDockerClient } from '../src/core/environments/docker/docker-client';
import { DockerRuntime } from '../src/core/environments/docker/docker';
import { ensureBaseImage } from '../src/core/environments/docker/offline-images';
import type { RuntimeSession } from '../src/core/environments/runtime';
import { envbench, RESOURCES, ROOT, tempDataDir, writeGoModule } from './support/envbench-cli';
import { haveDockerEngine, removeCacheVolumesOf } from './support/docker';

// Issue 17: a devcontainer.json gets the container VS Code and DevPod make of it. The reference is
// the Dev Containers CLI itself (@devcontainers/cli, a devDependency): `devcontainer up` builds
// and starts the same file, offline, and both containers are asked the same questions.

const DEVCONTAINER_CLI = path.join(ROOT, 'node_modules', '.bin', 'devcontainer');
const haveDocker = haveDockerEngine();
if (process.env.CI === 'true' && !fs.existsSync(DEVCONTAINER_CLI)) throw new Error('CI=true but @devcontainers/cli is not installed (npm ci installs it)');

function workspaceInfo(dir: string): WorkspaceInfo {
  return { path: dir, module: 'example.com/devcontainer', goVersion: '1.22', toolchain: null, packages: 2, testFiles: 1, mainPackages: ['./cmd/hello'], definitions: ['.devcontainer/devcontainer.json'] };
}

/** Questions both containers answer, as argv (no shell: the answer is the command's, not a profile's). */
const QUESTIONS = { user: ['id', '-un'], cwd: ['pwd'], greeting: ['cat', '/greeting'], env: ['env'] } as const;
type Answers = Record<keyof typeof QUESTIONS, string>;

/** The variables devcontainer.json sets, and the ones the user and image give: what must agree. */
const COMPARED_ENV = ['FOO', 'WS', 'R', 'PATH', 'HOME', 'BASEVAR'];
function comparedEnv(env: string): Record<string, string> {
  const all = Object.fromEntries(env.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return Object.fromEntries(COMPARED_ENV.map((k) => [k, all[k] ?? '(unset)']));
}

describe.skipIf(!haveDocker)('devcontainer.json, as the Dev Containers CLI runs it', () => {
  const docker = createDockerClient();
  const scratch = tempDataDir('envbench-devcontainer-');
  const dataDir = tempDataDir();
  const label = `envbench.devcontainer-test=${crypto.randomUUID()}`;
  let dir: string;
  let base: string;

  beforeAll(async () => {
    base = (await ensureBaseImage(docker, () => {})).ref;
    dir = writeGoModule(path.join(scratch, 'dcapp'), 'example.com/devcontainer');
    fs.mkdirSync(path.join(dir, '.devcontainer'));
    // Three stages: build.target picks `dev`, whose ARG comes from build.args (from the host's env).
    fs.writeFileSync(
      path.join(dir, '.devcontainer', 'Dockerfile'),
      `FROM ${base} AS base\nENV BASEVAR=from-image\nFROM base AS dev\nARG GREETING=default\nRUN echo "$GREETING" > /greeting && useradd -m gopher\nFROM base AS other\nRUN echo other > /greeting\n`,
    );
    fs.writeFileSync(
      path.join(dir, '.devcontainer', 'devcontainer.json'),
      `{
  // as a project would write it: comments, a trailing comma, the spec's variables
  "build": { "dockerfile": "Dockerfile", "args": { "GREETING": "\${localEnv:ENVBENCH_TEST_GREETING}" }, "target": "dev" },
  "containerEnv": { "FOO": "bar", "WS": "\${containerWorkspaceFolder}" },
  "remoteEnv": { "PATH": "\${containerEnv:PATH}:/extra", "R": "x" },
  "remoteUser": "gopher",
  "runArgs": ["--cap-add=SYS_PTRACE"],
}
`,
    );
    process.env.ENVBENCH_TEST_GREETING = 'hello from the host';
  }, 10 * 60_000);

  afterAll(async () => {
    delete process.env.ENVBENCH_TEST_GREETING;
    for (const c of await docker.listContainers({ all: true, filters: { label: [label] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
    for (const image of await docker.listImages()) {
      const tags = (image.RepoTags ?? []).filter((t) => t.startsWith('vsc-dcapp-') || t.startsWith(`envbench/ws-${workspaceKey(dir)}`));
      for (const tag of tags) await docker.getImage(tag).remove({ force: true }).catch(() => {});
    }
    removeCacheVolumesOf([dataDir]);
  });

  it('gets the container `devcontainer up` makes: build args and target, containerEnv, remoteEnv, remoteUser, the workspace folder', async () => {
    // The reference: `devcontainer up`, then `devcontainer exec` of each question.
    const cli = (args: string[]) => spawnSync(DEVCONTAINER_CLI, args, { encoding: 'utf8', timeout: 10 * 60_000, env: process.env });
    const up = cli(['up', '--workspace-folder', dir, '--id-label', label]);
    expect(up.status, up.stderr + up.stdout).toBe(0);
    const reference = Object.fromEntries(
      Object.entries(QUESTIONS).map(([name, argv]) => {
        const result = cli(['exec', '--workspace-folder', dir, '--id-label', label, ...argv]);
        expect(result.status, result.stderr).toBe(0);
        return [name, result.stdout.trim()];
      }),
    ) as Answers;
    expect(reference.greeting).toBe('hello from the host');

    // EnvBench's docker runtime on the same file.
    const lines: string[] = [];
    const runtime = new DockerRuntime(RESOURCES);
    const context = { workspace: workspaceInfo(dir), dataDir, cacheDir: tempDataDir('envbench-cache-'), resourcesDir: RESOURCES, offline: true, runId: `devcontainer-${crypto.randomUUID()}`, scratchPath: null, log: (line: string) => lines.push(line) };
    let session: RuntimeSession | null = null;
    try {
      session = await runtime.prepare(context);
      const ours = {} as Answers;
      for (const [name, argv] of Object.entries(QUESTIONS)) {
        const outcome = await session.exec({ argv, cwd: dir }, { timeoutMs: 60_000 });
        expect(outcome.exitCode, outcome.stderr).toBe(0);
        ours[name as keyof Answers] = outcome.stdout.trim();
      }
      expect(ours.user).toBe('gopher');
      expect(ours.user).toBe(reference.user);
      expect(ours.cwd).toBe('/workspaces/dcapp');
      expect(ours.cwd).toBe(reference.cwd);
      expect(ours.greeting).toBe(reference.greeting);
      expect(comparedEnv(ours.env)).toEqual(comparedEnv(reference.env));
      expect(comparedEnv(ours.env)).toMatchObject({ FOO: 'bar', WS: '/workspaces/dcapp', R: 'x', HOME: '/home/gopher', BASEVAR: 'from-image' });
      expect(comparedEnv(ours.env).PATH).toMatch(/:\/extra$/);
      // The user can write its caches (the runtime's volume was given to it), as a build needs.
      const cache = await session.exec({ argv: ['sh', '-c', 'touch "$XDG_CACHE_HOME/probe" && echo "$GOCACHE"'], cwd: dir }, { timeoutMs: 60_000 });
      expect(cache.exitCode, cache.stderr).toBe(0);
      expect(cache.stdout.trim()).toBe('/tmp/envbench-cache/go-build');

      const facts = await session.facts();
      expect(facts.devcontainerApplied).toBe('build.args (GREETING); build.target (dev); containerEnv (FOO, WS); remoteEnv (PATH, R); remoteUser (gopher)');
      expect(facts.devcontainerNotApplied).toMatch(/^runArgs: docker run flags from a workspace file are not passed \(in .*devcontainer\.json\)$/);
      expect(lines.filter((l) => /not applied from devcontainer\.json: runArgs/.test(l))).toHaveLength(1);
    } finally {
      await session?.dispose();
    }

    // A terminal enters the same way: the folder, the user and remoteEnv.
    const shell = await runtime.shellCommand(workspaceInfo(dir), { dataDir, cacheDir: tempDataDir('envbench-cache-'), terminalId: `dc${crypto.randomBytes(4).toString('hex')}`, offline: true });
    try {
      expect(shell.args.join(' ')).toMatch(/ -e PATH=\S+:\/extra -e R=x -u gopher -w \/workspaces\/dcapp envbench-terminal-\w+ bash$/);
    } finally {
      await shell.dispose?.();
    }
  }, 15 * 60_000);

  it('refuses the runtime for a feature, naming it, and builds nothing', () => {
    const withFeature = writeGoModule(path.join(scratch, 'featured'), 'example.com/featured');
    fs.mkdirSync(path.join(withFeature, '.devcontainer'));
    fs.writeFileSync(path.join(withFeature, '.devcontainer', 'devcontainer.json'), JSON.stringify({ image: base, features: { 'ghcr.io/devcontainers/features/go:1': { version: '1.22' } } }));
    const jsonFile = path.join(tempDataDir(), 'run.json');
    const result = envbench(['run', '--offline', '--workspace', withFeature, '--runtimes', 'docker', '--scenarios', 'vet', '--runs', '1', '--warmup', '0', '--json', jsonFile], tempDataDir());
    expect(result.status, result.stderr).toBe(1);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(run.results[0]).toMatchObject({ runtime: 'docker', status: 'failed' });
    expect(run.results[0]!.reason).toMatch(/Dev Container feature ghcr\.io\/devcontainers\/features\/go:1: features are downloaded from an OCI registry/);
    expect(run.results[0]!.reason).toMatch(/devcontainer build --workspace-folder/);
  });
});
