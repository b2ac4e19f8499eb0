import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson, RuntimeHealth, WorkspaceInfo } from '../src/shared/run';
import { workspaceKey } from '../src/core/data-paths';
import { planDevImage } from '../src/core/environments/docker/dev-image';
import { DockerRuntime } from '../src/core/environments/docker/docker';
import { CLI, RESOURCES, ROOT, tempDataDir, writeGoModule } from './support/envbench-cli';
import { haveDockerEngine } from './support/docker';
import type { PrivateDockerd } from './support/private-dockerd';
import { startPrivateDockerd } from './support/private-dockerd';
import { hasTool } from './support/require-runtime';

// Issue 12, Docker items: health probes the work, structured mounts, the build context stays
// inside the workspace, offline pulls nothing, lifecycle commands are not run, and clean-up
// removes only what EnvBench created. Everything runs against a dockerd of this file's own
// (tests/support/private-dockerd.ts): `envbench clean` here never touches the shared daemon.

const isRoot = process.getuid?.() === 0;
const haveDocker = haveDockerEngine();
const haveGo = hasTool('go', ['version']);
const haveTools = hasTool('unshare', ['--version']) && hasTool('nsenter', ['--version']) && hasTool('ip', ['-V']);
if (!isRoot && process.env.CI === 'true') throw new Error('CI=true but not root: the private dockerd of tests/hostile-docker.test.ts needs root');

/** An image labelled as EnvBench's, holding one static binary as /bin/sleep (sleeps forever) and /bin/cat. */
const TEST_IMAGE = 'envbench/go-dev:hostile-test';
/** Go source of that binary: `cat FILE...` prints files, anything else sleeps until killed. */
const MULTI_TOOL = `package main

import (
	"io"
	"os"
	"path/filepath"
	"time"
)

func main() {
	if filepath.Base(os.Args[0]) == "cat" {
		for _, name := range os.Args[1:] {
			f, err := os.Open(name)
			if err != nil {
				os.Stderr.WriteString(err.Error() + "\\n")
				os.Exit(1)
			}
			io.Copy(os.Stdout, f)
			f.Close()
		}
		return
	}
	time.Sleep(1 << 62)
}
`;

function buildMultiTool(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module multitool\n\ngo 1.22\n');
  fs.writeFileSync(path.join(dir, 'main.go'), MULTI_TOOL);
  const out = path.join(dir, 'multitool');
  const result = spawnSync('go', ['build', '-trimpath', '-o', out, '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '', GOTOOLCHAIN: 'local' } });
  if (result.status !== 0) throw new Error(`go build of the test binary failed: ${result.stderr}`);
  return out;
}

async function importTestImage(docker: Docker, binary: string): Promise<void> {
  const pack = tarStream.pack();
  const content = fs.readFileSync(binary);
  pack.entry({ name: 'tmp/', type: 'directory', mode: 0o1777 });
  pack.entry({ name: 'bin/sleep', mode: 0o755 }, content);
  pack.entry({ name: 'bin/cat', mode: 0o755 }, content);
  pack.finalize();
  const stream = await docker.importImage(pack as unknown as NodeJS.ReadableStream, {
    repo: TEST_IMAGE.split(':')[0],
    tag: TEST_IMAGE.split(':')[1],
    changes: ['LABEL envbench.managed=true envbench.kind=dev-image'],
  } as object);
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve(null))));
}

function workspaceInfo(dir: string): WorkspaceInfo {
  return { path: dir, module: 'example.com/hostile', goVersion: '1.22', toolchain: null, packages: 1, testFiles: 0, mainPackages: [], definitions: [] };
}

/** Names of the entries under `dir` in a container of `image` (created, never started, then removed). */
async function filesInImage(docker: Docker, image: string, dir: string): Promise<string[]> {
  const container = await docker.createContainer({ Image: image, Cmd: ['/bin/true'], HostConfig: { NetworkMode: 'none' } });
  try {
    const archive = await container.getArchive({ path: dir });
    const names: string[] = [];
    const extract = tarStream.extract();
    extract.on('entry', (header, stream, next) => {
      names.push(header.name);
      stream.on('end', next);
      stream.resume();
    });
    await new Promise((resolve, reject) => {
      extract.on('finish', () => resolve(null));
      extract.on('error', reject);
      archive.pipe(extract);
    });
    return names;
  } finally {
    await container.remove({ force: true });
  }
}

describe.skipIf(!haveDocker || !haveGo || !isRoot || !haveTools)('Docker on hostile machines and workspaces', () => {
  let engine: PrivateDockerd;
  let docker: Docker;
  let scratch: string;

  /** The CLI against the private engine, with its own data and cache directories unless given. */
  function envbench(args: string[], options: { dataDir?: string; cacheDir?: string } = {}): { status: number | null; stdout: string; stderr: string; ms: number } {
    const started = performance.now();
    const result = spawnSync(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: engine.host, ENVBENCH_DATA_DIR: options.dataDir ?? tempDataDir(), ENVBENCH_CACHE_DIR: options.cacheDir ?? tempDataDir('envbench-cache-') },
      timeout: 5 * 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
  }

  function doctor(cacheDir?: string): Record<string, RuntimeHealth> & { ms: number } {
    const result = envbench(['doctor', '--json'], { cacheDir });
    expect(result.status, result.stderr).toBe(0);
    return Object.assign(Object.fromEntries((JSON.parse(result.stdout) as RuntimeHealth[]).map((h) => [h.id, h])), { ms: result.ms });
  }

  async function containerExists(id: string): Promise<boolean> {
    return docker.getContainer(id).inspect().then(() => true, () => false);
  }

  beforeAll(async () => {
    scratch = tempDataDir('envbench-hostile-docker-');
    engine = await startPrivateDockerd();
    docker = engine.client;
    await importTestImage(docker, buildMultiTool(path.join(scratch, 'multitool')));
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
  }, 60_000);

  it('doctor starts a container to call docker and dind available, and a warm doctor answers from its cache', () => {
    const cacheDir = tempDataDir('envbench-cache-');
    const cold = doctor(cacheDir);
    expect(cold.docker).toMatchObject({ available: true, reason: null });
    expect(cold.dind).toMatchObject({ available: true, reason: null });
    const warm = doctor(cacheDir);
    expect(warm.docker).toMatchObject({ available: true, reason: null });
    expect(warm.ms).toBeLessThan(2_000);
  });

  it('works on a workspace whose path holds ":", quotes, ";", "$()" and spaces (structured mounts, not Binds)', async () => {
    const dir = path.join(scratch, "ws: q'uote; $(touch pwned) x");
    writeGoModule(dir, 'example.com/colon');
    fs.writeFileSync(path.join(dir, 'Dockerfile.dev'), `FROM ${TEST_IMAGE}\n`);
    const runtime = new DockerRuntime(RESOURCES, { description: engine.host, socketPath: engine.socketPath });
    const session = await runtime.prepare({
      workspace: workspaceInfo(dir),
      dataDir: tempDataDir(),
      cacheDir: tempDataDir('envbench-cache-'),
      resourcesDir: RESOURCES,
      offline: true,
      runId: 'hostile-colon',
      scratchPath: null,
    });
    try {
      const outcome = await session.exec({ argv: ['cat', 'go.mod'], cwd: dir }, { timeoutMs: 60_000 });
      expect(outcome.exitCode, outcome.stderr).toBe(0);
      expect(outcome.stdout).toContain('module example.com/colon');
    } finally {
      await session.dispose();
    }
    expect(fs.existsSync(path.join(ROOT, 'pwned'))).toBe(false);
  });

  it('refuses a devcontainer build.context outside the workspace, naming the key, and builds nothing', async () => {
    const parent = path.join(scratch, 'parent');
    fs.mkdirSync(parent, { recursive: true });
    fs.writeFileSync(path.join(parent, 'id_rsa'), '-----BEGIN FAKE PRIVATE KEY-----\n');
    const dir = writeGoModule(path.join(parent, 'ws'), 'example.com/context');
    fs.mkdirSync(path.join(dir, '.devcontainer'));
    fs.writeFileSync(path.join(dir, '.devcontainer', 'devcontainer.json'), '{ "build": { "dockerfile": "Dockerfile", "context": "../.." } }');
    fs.writeFileSync(path.join(dir, '.devcontainer', 'Dockerfile'), 'FROM scratch\nCOPY id_rsa /id_rsa\n');
    const dataDir = tempDataDir();
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--offline', '--workspace', dir, '--runtimes', 'docker', '--scenarios', 'vet', '--runs', '1', '--warmup', '0', '--json', jsonFile], { dataDir });
    expect(result.status, result.stderr).toBe(1);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(run.results[0]).toMatchObject({ runtime: 'docker', status: 'failed' });
    expect(run.results[0]!.reason).toMatch(/build\.context resolves to .*parent, outside the workspace/);
    const images = await docker.listImages();
    expect(images.flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith(`envbench/ws-${workspaceKey(dir)}`))).toEqual([]);
  });

  it('packs neither .dockerignored files nor links to outside the workspace into the build context', async () => {
    const outside = path.join(scratch, 'outside');
    fs.mkdirSync(outside, { recursive: true });
    fs.writeFileSync(path.join(outside, 'id_rsa'), '-----BEGIN FAKE PRIVATE KEY-----\n');
    const dir = writeGoModule(path.join(scratch, 'packed'), 'example.com/packed');
    fs.writeFileSync(path.join(dir, 'kept.txt'), 'kept\n');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'ignored\n');
    fs.writeFileSync(path.join(dir, '.dockerignore'), '# local secrets\nsecret.txt\n');
    fs.symlinkSync(path.join(outside, 'id_rsa'), path.join(dir, 'id_rsa'));
    fs.symlinkSync('kept.txt', path.join(dir, 'link-inside.txt'));
    fs.writeFileSync(path.join(dir, 'Dockerfile.dev'), 'FROM scratch\nCOPY . /ctx/\n');
    const lines: string[] = [];
    const plan = await planDevImage(docker, workspaceInfo(dir), true, 'hostiletest', (line: string) => lines.push(line));
    await plan.ensure();
    const files = await filesInImage(docker, plan.ref, '/ctx');
    expect(files).toContain('ctx/kept.txt');
    expect(files).toContain('ctx/link-inside.txt');
    expect(files).not.toContain('ctx/secret.txt');
    expect(files).not.toContain('ctx/id_rsa');
    expect(lines.join('\n')).toMatch(/left out of the build context.*id_rsa/);

    // A Dockerfile that asks for the key by name cannot get it either.
    fs.writeFileSync(path.join(dir, 'Dockerfile.dev'), 'FROM scratch\nCOPY id_rsa /id_rsa\n');
    const direct = await planDevImage(docker, workspaceInfo(dir), true, 'hostiletest', () => {});
    await expect(direct.ensure()).rejects.toThrow(/id_rsa/);
  });

  it('offline, refuses an image that is not on the machine by name and pulls nothing', async () => {
    const withImage = writeGoModule(path.join(scratch, 'offline-image'), 'example.com/offimage');
    fs.mkdirSync(path.join(withImage, '.devcontainer'));
    fs.writeFileSync(path.join(withImage, '.devcontainer', 'devcontainer.json'), '{ "image": "envbench-hostile/not-here:1" }');
    await expect(planDevImage(docker, workspaceInfo(withImage), true, 'hostiletest', () => {})).rejects.toThrow(/envbench-hostile\/not-here:1, which is not on this machine, and --offline pulls nothing/);

    const withBase = writeGoModule(path.join(scratch, 'offline-base'), 'example.com/offbase');
    fs.writeFileSync(path.join(withBase, 'Dockerfile.dev'), 'ARG BASE=envbench-hostile/absent:2\nFROM ${BASE} AS build\nFROM build\n');
    const plan = await planDevImage(docker, workspaceInfo(withBase), true, 'hostiletest', () => {});
    await expect(plan.ensure()).rejects.toThrow(/envbench-hostile\/absent:2, which is not on this machine, and --offline pulls nothing/);
    const images = await docker.listImages();
    expect(images.flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith('envbench-hostile/'))).toEqual([]);
  });

  it("does not run devcontainer.json's lifecycle commands, and says so once in the log and as a fact", async () => {
    const marker = path.join(scratch, 'lifecycle-ran');
    const dir = writeGoModule(path.join(scratch, 'lifecycle'), 'example.com/lifecycle');
    fs.mkdirSync(path.join(dir, '.devcontainer'));
    fs.writeFileSync(path.join(dir, '.devcontainer', 'Dockerfile'), `FROM ${TEST_IMAGE}\n`);
    fs.writeFileSync(
      path.join(dir, '.devcontainer', 'devcontainer.json'),
      JSON.stringify({ build: { dockerfile: 'Dockerfile' }, initializeCommand: ['touch', marker], postCreateCommand: `touch ${marker}`, postStartCommand: `touch ${marker}` }),
    );
    const runtime = new DockerRuntime(RESOURCES, { description: engine.host, socketPath: engine.socketPath });
    const lines: string[] = [];
    const context = { workspace: workspaceInfo(dir), dataDir: tempDataDir(), cacheDir: tempDataDir('envbench-cache-'), resourcesDir: RESOURCES, offline: true, runId: `hostile-${crypto.randomUUID()}`, scratchPath: null, log: (line: string) => lines.push(line) };
    // Twice in one run (as docker and dind would): told once.
    const sessions = [await runtime.prepare(context), await runtime.prepare(context)];
    try {
      const facts = await sessions[0]!.facts();
      expect(facts.lifecycleCommands).toMatch(/^initializeCommand, postCreateCommand, postStartCommand in .*devcontainer\.json: not run/);
      expect(lines.filter((l) => /not run/.test(l))).toHaveLength(1);
    } finally {
      for (const session of sessions) await session.dispose();
    }
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("leaves a user's container of an EnvBench image through history and clean, reaps a dead local owner's, and reports another machine's", async () => {
    // `docker run -d` by a user: it inherits envbench.managed=true from the image, nothing else.
    const mine = await docker.createContainer({ Image: TEST_IMAGE, Cmd: ['sleep', 'infinity'], HostConfig: { NetworkMode: 'none' } });
    await mine.start();
    const labelled = async (owner: string): Promise<Docker.Container> => {
      const name = `envbench-perf-container-${crypto.randomBytes(6).toString('hex')}`;
      return docker.createContainer({
        name,
        Image: TEST_IMAGE,
        Cmd: ['sleep', 'infinity'],
        Labels: { 'envbench.managed': 'true', 'envbench.kind': 'perf-container', 'envbench.container': name, 'envbench.owner': owner },
        HostConfig: { NetworkMode: 'none' },
      });
    };
    const foreign = await labelled(`machine=${'f'.repeat(32)} boot=${crypto.randomUUID()} pidns=4026531836 pid=4242 start=1`);
    const here = (file: string): string => fs.readFileSync(file, 'utf8').trim();
    const pidNamespace = /\d+/.exec(fs.readlinkSync('/proc/self/ns/pid'))![0];
    const deadPid = spawnSync('true').pid!;
    const orphan = await labelled(`machine=${here('/etc/machine-id')} boot=${here('/proc/sys/kernel/random/boot_id')} pidns=${pidNamespace} pid=${deadPid} start=1`);

    const history = envbench(['history']);
    expect(history.status, history.stderr).toBe(0);
    expect(await containerExists(orphan.id)).toBe(false);
    expect(history.stderr).toContain(`removed 1 containers left by an EnvBench process that died: container ${orphan.id.slice(0, 12)}`);
    expect((await mine.inspect()).State.Running).toBe(true);
    expect(await containerExists(foreign.id)).toBe(true);
    expect(history.stderr).toMatch(new RegExp(`left container ${foreign.id.slice(0, 12)} .*owned by another machine`));

    // --force: a run of another test file may hold this machine's measuring lock; this engine is ours alone.
    const clean = envbench(['clean', '--force']);
    expect(clean.status, clean.stderr).toBe(0);
    expect((await mine.inspect()).State.Running).toBe(true);
    expect(await containerExists(foreign.id)).toBe(true);
    expect(clean.stdout).toMatch(new RegExp(`left: container ${foreign.id.slice(0, 12)} .*owned by another machine`));
    expect(clean.stdout).toMatch(new RegExp(`left: container ${mine.id.slice(0, 12)} .*not created by EnvBench`));
    expect(clean.stdout).toMatch(new RegExp(`left: image ${TEST_IMAGE}: in use by`));
    // What EnvBench made and nobody uses is gone: the doctor's probe image, the images built above.
    expect(clean.stdout).toContain('image envbench/probe:1');
    expect((await docker.listImages()).flatMap((i) => i.RepoTags ?? []).filter((t) => t !== '<none>:<none>')).toEqual([TEST_IMAGE]);
  });

  it('calls docker and dind unavailable, with the fix, when the disk under the data root is full', () => {
    const filler = path.join(engine.dataRoot, 'filler');
    const free = spawnSync('df', ['-B1', '--output=avail', engine.dataRoot], { encoding: 'utf8' }).stdout.trim().split('\n').pop()!;
    expect(spawnSync('fallocate', ['-l', free.trim(), filler]).status).toBe(0);
    try {
      const health = doctor();
      for (const id of ['docker', 'dind']) {
        expect(health[id]!.available).toBe(false);
        expect(health[id]!.reason).toMatch(/cannot create a container: its disk is full \([^)]*no space left on device\); free space under .*docker system df/);
      }
    } finally {
      fs.rmSync(filler, { force: true });
    }
  });

  it("calls docker unavailable, with the fix, when its bridge's interface is gone; dind, with no network, stays available", () => {
    const removed = spawnSync('nsenter', ['-t', String(engine.pid), '-n', 'ip', 'link', 'delete', 'docker0'], { encoding: 'utf8' });
    expect(removed.status, removed.stderr).toBe(0);
    const health = doctor();
    expect(health.docker!.available).toBe(false);
    expect(health.docker!.reason).toMatch(/cannot start a container on its default bridge network \(.*docker0.*\); restart dockerd/);
    expect(health.dind).toMatchObject({ available: true, reason: null });
  });
});
