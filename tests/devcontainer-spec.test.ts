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
import type { LocalRegistry } from './support/oci-registry';
import { haveRegistry, publishFeatures, startRegistry } from './support/oci-registry';

// Issue 17: a devcontainer.json gets the container VS Code and DevPod make of it. The reference is
// the Dev Containers CLI itself (@devcontainers/cli, a devDependency): `devcontainer up` builds
// and starts the same file, offline, and both containers are asked the same questions.

const DEVCONTAINER_CLI = path.join(ROOT, 'node_modules', '.bin', 'devcontainer');
const haveDocker = haveDockerEngine();
if (process.env.CI === 'true' && !fs.existsSync(DEVCONTAINER_CLI)) throw new Error('CI=true but @devcontainers/cli is not installed (npm ci installs it)');
if (process.env.CI === 'true' && !haveRegistry()) throw new Error('CI=true but docker-registry is not installed (.ci/run installs it)');

function workspaceInfo(dir: string): WorkspaceInfo {
  return { path: dir, module: 'example.com/devcontainer', goVersion: '1.22', toolchain: null, packages: 2, testFiles: 1, mainPackages: ['./cmd/hello'], definitions: ['.devcontainer/devcontainer.json'] };
}

/** Questions both containers answer, as argv (no shell: the answer is the command's, not a profile's). */
const QUESTIONS = { user: ['id', '-un'], cwd: ['pwd'], greeting: ['cat', '/greeting'], hello: ['cat', '/opt/hello/said'], color: ['cat', '/color'], env: ['env'] } as const;
type Answers = Record<keyof typeof QUESTIONS, string>;

/** The variables devcontainer.json sets, and the ones the user and image give: what must agree. */
const COMPARED_ENV = ['FOO', 'WS', 'R', 'PATH', 'HOME', 'BASEVAR', 'HELLO_HOME', 'COLOR_SET'];
function comparedEnv(env: string): Record<string, string> {
  const all = Object.fromEntries(env.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return Object.fromEntries(COMPARED_ENV.map((k) => [k, all[k] ?? '(unset)']));
}

/**
 * Two features: a local one in .devcontainer (options with defaults, the builtin users and homes,
 * containerEnv) and one published with `devcontainer features publish` to a real registry here.
 */
function writeFeatures(dir: string, registry: LocalRegistry): string {
  const hello = path.join(dir, '.devcontainer', 'hello');
  fs.mkdirSync(hello);
  fs.writeFileSync(
    path.join(hello, 'devcontainer-feature.json'),
    JSON.stringify({ id: 'hello', version: '1.0.0', options: { greeting: { type: 'string', default: 'hi' }, loud: { type: 'boolean', default: false } }, containerEnv: { HELLO_HOME: '/opt/hello' }, capAdd: ['SYS_PTRACE'] }),
  );
  fs.writeFileSync(path.join(hello, 'install.sh'), '#!/bin/sh\nset -e\nmkdir -p /opt/hello\necho "$GREETING|$LOUD|$_REMOTE_USER|$_REMOTE_USER_HOME|$_CONTAINER_USER|$_CONTAINER_USER_HOME|$(id -un)|$HELLO_HOME" > /opt/hello/said\n', { mode: 0o644 });
  const src = path.join(dir, '..', 'published-features');
  fs.mkdirSync(path.join(src, 'color'), { recursive: true });
  fs.writeFileSync(path.join(src, 'color', 'devcontainer-feature.json'), JSON.stringify({ id: 'color', version: '1.0.0', name: 'Color', options: { favorite: { type: 'string', default: 'red' } }, containerEnv: { COLOR_SET: 'yes' } }));
  fs.writeFileSync(path.join(src, 'color', 'install.sh'), '#!/bin/sh\nset -e\necho "$FAVORITE as $(id -un)" > /color\n', { mode: 0o755 });
  publishFeatures(DEVCONTAINER_CLI, src, registry, 'envbench-test');
  return `${registry.host}/envbench-test/color:1`;
}

describe.skipIf(!haveDocker || !haveRegistry())('devcontainer.json, as the Dev Containers CLI runs it', () => {
  const docker = createDockerClient();
  const scratch = tempDataDir('envbench-devcontainer-');
  const dataDir = tempDataDir();
  const label = `envbench.devcontainer-test=${crypto.randomUUID()}`;
  let dir: string;
  let base: string;
  let registry: LocalRegistry;
  let color: string;

  beforeAll(async () => {
    base = (await ensureBaseImage(docker, () => {})).ref;
    dir = writeGoModule(path.join(scratch, 'dcapp'), 'example.com/devcontainer');
    fs.mkdirSync(path.join(dir, '.devcontainer'));
    registry = await startRegistry();
    color = writeFeatures(dir, registry);
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
  "features": { "./hello": { "greeting": "hello from a feature" }, "${color}": { "favorite": "teal" } },
}
`,
    );
    process.env.ENVBENCH_TEST_GREETING = 'hello from the host';
  }, 10 * 60_000);

  afterAll(async () => {
    registry?.stop();
    delete process.env.ENVBENCH_TEST_GREETING;
    for (const c of await docker.listContainers({ all: true, filters: { label: [label] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
    for (const image of await docker.listImages()) {
      // The reference CLI's images, and the one it builds to carry feature content (without BuildKit).
      const tags = (image.RepoTags ?? []).filter((t) => t.startsWith('vsc-dcapp-') || t.startsWith(`envbench/ws-${workspaceKey(dir)}`) || t === 'dev_container_feature_content_temp:latest');
      for (const tag of tags) await docker.getImage(tag).remove({ force: true }).catch(() => {});
    }
    removeCacheVolumesOf([dataDir]);
  });

  it('gets the container `devcontainer up` makes: build args and target, containerEnv, remoteEnv, remoteUser, the workspace folder, a local and a published feature', async () => {
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
    expect(reference.hello).toBe('hello from a feature|false|gopher|/home/gopher|root|/root|root|/opt/hello');
    expect(reference.color).toBe('teal as root');

    // EnvBench's docker runtime on the same file, online: the OCI feature comes from the registry.
    const lines: string[] = [];
    const runtime = new DockerRuntime(RESOURCES);
    const context = { workspace: workspaceInfo(dir), dataDir, cacheDir: tempDataDir('envbench-cache-'), resourcesDir: RESOURCES, offline: false, runId: `devcontainer-${crypto.randomUUID()}`, scratchPath: null, log: (line: string) => lines.push(line) };
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
      expect(ours.hello).toBe(reference.hello);
      expect(ours.color).toBe(reference.color);
      expect(comparedEnv(ours.env)).toEqual(comparedEnv(reference.env));
      expect(comparedEnv(ours.env)).toMatchObject({ FOO: 'bar', WS: '/workspaces/dcapp', R: 'x', HOME: '/home/gopher', BASEVAR: 'from-image', HELLO_HOME: '/opt/hello', COLOR_SET: 'yes' });
      expect(comparedEnv(ours.env).PATH).toMatch(/:\/extra$/);
      // The user can write its caches (the runtime's volume was given to it), as a build needs.
      const cache = await session.exec({ argv: ['sh', '-c', 'touch "$XDG_CACHE_HOME/probe" && echo "$GOCACHE"'], cwd: dir }, { timeoutMs: 60_000 });
      expect(cache.exitCode, cache.stderr).toBe(0);
      expect(cache.stdout.trim()).toBe('/tmp/envbench-cache/go-build');

      const facts = await session.facts();
      expect(facts.devcontainerApplied).toBe(`build.args (GREETING); build.target (dev); containerEnv (FOO, WS); remoteEnv (PATH, R); remoteUser (gopher); features (./hello, ${color})`);
      expect(facts.devcontainerNotApplied).toMatch(/^runArgs: docker run flags from a workspace file are not passed; feature hello capAdd: no capabilities are added \(in .*devcontainer\.json\)$/);
      expect(lines.filter((l) => /not applied from devcontainer\.json: runArgs/.test(l))).toHaveLength(1);
    } finally {
      await session?.dispose();
    }

    // A terminal enters the same way: the folder, the user and remoteEnv.
    const shell = await runtime.shellCommand(workspaceInfo(dir), { dataDir, cacheDir: tempDataDir('envbench-cache-'), terminalId: `dc${crypto.randomBytes(4).toString('hex')}`, offline: false });
    try {
      expect(shell.args.join(' ')).toMatch(/ -e PATH=\S+:\/extra -e R=x -u gopher -w \/workspaces\/dcapp envbench-terminal-\w+ bash$/);
    } finally {
      await shell.dispose?.();
    }
  }, 15 * 60_000);

  it('refuses the runtime offline for a feature from a registry, naming it, and builds nothing', () => {
    const withFeature = writeGoModule(path.join(scratch, 'featured'), 'example.com/featured');
    fs.mkdirSync(path.join(withFeature, '.devcontainer'));
    fs.writeFileSync(path.join(withFeature, '.devcontainer', 'devcontainer.json'), JSON.stringify({ image: base, features: { 'ghcr.io/devcontainers/features/go:1': { version: '1.22' } } }));
    const jsonFile = path.join(tempDataDir(), 'run.json');
    const result = envbench(['run', '--offline', '--workspace', withFeature, '--runtimes', 'docker', '--scenarios', 'vet', '--runs', '1', '--warmup', '0', '--json', jsonFile], tempDataDir());
    expect(result.status, result.stderr).toBe(1);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(run.results[0]).toMatchObject({ runtime: 'docker', status: 'failed' });
    expect(run.results[0]!.reason).toMatch(/Dev Container feature ghcr\.io\/devcontainers\/features\/go:1, which comes from an OCI registry, and --offline reaches none/);
    expect(run.results[0]!.reason).toMatch(/Run without --offline to fetch them/);
  });
});
