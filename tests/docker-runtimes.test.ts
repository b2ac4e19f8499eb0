import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../src/shared/run';
import { CLI, RESOURCES, ROOT, envbench, envbenchAsync, tempDataDir, writeGoModule } from './support/envbench-cli';
import type { PrivateDockerd } from './support/private-dockerd';
import { startPrivateDockerd } from './support/private-dockerd';
import { haveDockerEngine, managedContainers, managedVolumesWithOwner, waitFor } from './support/docker';

const haveDocker = haveDockerEngine();

const STARTUP_PHASES = {
  docker: { cold: ['image', 'create', 'start', 'exec-ready', 'first-run'], warm: ['create', 'start', 'exec-ready', 'first-run'] },
  dind: {
    cold: ['outer-start', 'inner-daemon', 'inner-image-load', 'inner-create', 'inner-start', 'exec-ready', 'first-run'],
    warm: ['outer-start', 'inner-daemon', 'inner-create', 'inner-start', 'exec-ready', 'first-run'],
  },
  native: { cold: ['exec-ready', 'first-run'], warm: ['exec-ready', 'first-run'] },
} as const;

describe.skipIf(!haveDocker)('docker and dind runtimes, offline, against the real Docker Engine', () => {
  let run: RunJson;
  let module: string;

  beforeAll(() => {
    const dataDir = tempDataDir();
    // ':' broke Binds strings ("invalid volume specification"); quotes, ';' and $() must reach no shell.
    module = writeGoModule(path.join(dataDir, "module with space: q'uote; $(x)"));
    // A test that writes beside its package, as cobra's TestDeadcodeElimination does: it failed only
    // in docker and dind while they mounted the workspace read-only and the host's was writable.
    fs.writeFileSync(
      path.join(module, 'greet', 'writes_test.go'),
      'package greet\n\nimport (\n\t"os"\n\t"testing"\n)\n\nfunc TestWritesBesideItsPackage(t *testing.T) {\n\tif err := os.Mkdir("test_output", 0o770); err != nil {\n\t\tt.Fatal(err)\n\t}\n\tdefer os.RemoveAll("test_output")\n\tif err := os.WriteFile("test_output/main.go", []byte("package main\\n"), 0o644); err != nil {\n\t\tt.Fatal(err)\n\t}\n}\n',
    );
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(
      ['run', '--offline', '--workspace', module, '--runtimes', 'native,docker,dind', '--scenarios', 'startup-cold,startup-warm,build-clean,test', '--runs', '1', '--warmup', '1', '--json', jsonFile],
      dataDir,
      // As long as the hook may take: on a busy machine this run alone can pass 15 minutes.
      { timeout: 29 * 60_000 },
    );
    if (result.status !== 0) throw new Error(`envbench run failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
  }, 30 * 60_000);

  it('completes every runtime x scenario', () => {
    expect(run.status).toBe('completed');
    expect(run.results.map((r) => `${r.runtime}/${r.scenario}/${r.status}`)).toEqual(
      ['startup-cold', 'startup-warm', 'build-clean', 'test'].flatMap((s) => ['native', 'docker', 'dind'].map((r) => `${r}/${s}/completed`)),
    );
  });

  it('records the phases of every startup sample, and they add up to its wall time', () => {
    for (const result of run.results.filter((r) => r.scenario.startsWith('startup-'))) {
      const temperature = result.scenario === 'startup-cold' ? 'cold' : 'warm';
      const expected = STARTUP_PHASES[result.runtime as keyof typeof STARTUP_PHASES][temperature];
      // A warm start's warmup and its measured sample; a cold start resets everything before each sample, so it has no warmup.
      expect(result.samples.map((s) => s.warmup)).toEqual(temperature === 'cold' ? [false] : [true, false]);
      for (const sample of result.samples) {
        expect(Object.keys(sample.phases ?? {})).toEqual(expected);
        const sum = Object.values(sample.phases!).reduce((a, b) => a + b, 0);
        expect(sample.wallMs).toBeCloseTo(sum, 3);
        expect(Object.values(sample.phases!).every((ms) => ms > 0)).toBe(true);
      }
    }
  });

  it('samples the container cgroup for every performance sample in a container', () => {
    for (const result of run.results.filter((r) => r.runtime !== 'native' && !r.scenario.startsWith('startup-'))) {
      for (const sample of result.samples) {
        expect(sample.cgroup, `${result.runtime}/${result.scenario}`).toBeDefined();
        expect(sample.cgroup!.cpuMs).toBeGreaterThan(0);
        expect(sample.cgroup!.memoryPeakBytes ?? 1).toBeGreaterThan(0);
      }
    }
    for (const result of run.results.filter((r) => r.runtime === 'native')) {
      for (const sample of result.samples) expect(sample.cgroup).toBeUndefined();
    }
  });

  it('records the maintenance facts of both container runtimes', () => {
    const facts = Object.fromEntries(run.maintenance.map((m) => [m.runtime, m.facts]));
    expect(facts.docker).toMatchObject({ imageSource: 'generated-offline', network: 'none' });
    expect(facts.docker!.imageSizeBytes).toBeGreaterThan(100 * 1024 * 1024);
    expect(facts.docker!.baseImage).toMatch(/local, offline-built/);
    expect(facts.dind).toMatchObject({ outerImageSource: 'assembled from host binaries' });
    expect(['overlay2', 'vfs']).toContain(facts.dind!.innerStorageDriver);
    expect(String(facts.dind!.privileges)).toMatch(/^(--privileged|capability fallback: ALL minus)/);
    if (facts.dind!.privileges !== '--privileged') expect(facts.dind!.privilegeFallbackReason).toMatch(/\S/);
  });

  it('leaves no labelled container behind', () => {
    expect(managedContainers()).toEqual([]);
  });

  it('leaves the workspace as it was (its own test removes what it writes)', () => {
    expect(fs.readdirSync(module).sort()).toEqual(['cmd', 'go.mod', 'greet']);
    expect(fs.readdirSync(path.join(module, 'greet')).sort()).toEqual(['greet.go', 'greet_test.go', 'writes_test.go']);
  });
});

describe.skipIf(!haveDocker)("a workspace's own environment definition", () => {
  it('builds and uses its Dockerfile.dev instead of generating one, and says so', () => {
    const devImage = spawnSync('docker', ['images', '-q', '--filter', 'label=envbench.kind=dev-image'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    expect(devImage, 'the offline run above leaves its dev image').toBeTruthy();
    const dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'own-definition'));
    fs.writeFileSync(path.join(module, 'Dockerfile.dev'), `# the team's own environment\nFROM ${devImage}\nENV TEAM_IMAGE=1\n`);
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'docker', '--scenarios', 'test', '--runs', '1', '--warmup', '0', '--json', jsonFile], dataDir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(run.maintenance.find((m) => m.runtime === 'docker')?.facts).toMatchObject({
      imageSource: 'workspace Dockerfile.dev',
      definitionFile: path.join(fs.realpathSync(module), 'Dockerfile.dev'),
      configLines: 2,
    });
    expect(managedContainers()).toEqual([]);
  });
});

describe.skipIf(!haveDocker)('crash clean-up', () => {
  it('removes the containers of a run killed with SIGKILL during a DinD start at the next envbench invocation', async () => {
    const dataDir = tempDataDir();
    const child = envbenchAsync(['run', '--offline', '--runtimes', 'dind', '--scenarios', 'startup-cold', '--runs', '3', '--warmup', '0'], dataDir);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Containers of this run (they carry its run label; the privilege probe, gone within a
    // moment, does not), not ones another test may still be removing.
    const runContainers = (): string[] => spawnSync('docker', ['ps', '-aq', '--filter', 'label=envbench.runtime=dind', '--filter', 'label=envbench.run'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const earlier = new Set(runContainers());
    await waitFor(() => runContainers().some((id) => !earlier.has(id)), 300_000, 'a DinD container of the run to start');
    child.kill('SIGKILL');
    await exited;
    expect(managedContainers('dind').length).toBeGreaterThan(0);

    const next = envbench(['history'], dataDir);
    expect(next.status).toBe(0);
    expect(next.stderr).toMatch(/removed \d+ containers left by an EnvBench process that died/);
    expect(managedContainers()).toEqual([]);
    expect(managedVolumesWithOwner()).toEqual([]);
  });
});

describe.skipIf(!haveDocker || process.getuid?.() !== 0)('envbench clean', () => {
  // On an engine of its own: clean on the shared daemon would take the offline base image and
  // every installation's dev image from the test files after this one (a new debootstrap each).
  const unlabelledImage = 'envbench-test/unlabelled:1';
  let engine: PrivateDockerd;
  let unlabelledContainer = '';

  beforeAll(async () => {
    engine = await startPrivateDockerd();
    const docker = (args: string[], input?: Buffer): string => {
      const result = spawnSync('docker', ['--host', engine.host, ...args], { input, encoding: input ? 'buffer' : 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(result.status, String(result.stderr)).toBe(0);
      return String(result.stdout).trim();
    };
    const tar = spawnSync('tar', ['-C', path.join(RESOURCES, 'bin'), '-c', 'envbench-measure'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
    // A user's own image and container, made without EnvBench's labels.
    docker(['import', '-', unlabelledImage], tar);
    unlabelledContainer = docker(['create', unlabelledImage, '/envbench-measure', '--version']);
    // What EnvBench makes, labelled as it labels them: an image, a container of a process that
    // died on this machine, a cache volume and a network.
    docker(['import', '--change', 'LABEL envbench.managed=true envbench.kind=dev-image', '-', 'envbench/go-dev-test:1'], tar);
    const here = (file: string): string => fs.readFileSync(file, 'utf8').trim();
    const pidNamespace = /\d+/.exec(fs.readlinkSync('/proc/self/ns/pid'))![0];
    const owner = `machine=${here('/etc/machine-id')} boot=${here('/proc/sys/kernel/random/boot_id')} pidns=${pidNamespace} pid=${spawnSync('true').pid!} start=1`;
    const name = 'envbench-perf-container-clean-test';
    docker(['create', '--name', name, '--label', 'envbench.managed=true', '--label', 'envbench.kind=perf-container', '--label', `envbench.container=${name}`, '--label', `envbench.owner=${owner}`, 'envbench/go-dev-test:1', '/envbench-measure', '--version']);
    docker(['volume', 'create', '--label', 'envbench.managed=true', '--label', 'envbench.kind=cache-volume', 'envbench-gocache-test']);
    docker(['network', 'create', '--label', 'envbench.managed=true', 'envbench-test-network']);
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
  }, 60_000);

  it('removes every labelled object and nothing else', () => {
    const result = spawnSync(process.execPath, [CLI, 'clean'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DOCKER_HOST: engine.host, ENVBENCH_DATA_DIR: tempDataDir() } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Removed \d+ Docker objects made by EnvBench/);
    const left = (args: string[]): string => spawnSync('docker', ['--host', engine.host, ...args], { encoding: 'utf8' }).stdout.trim();
    expect(left(['ps', '-aq', '--filter', 'label=envbench.managed=true'])).toBe('');
    expect(left(['volume', 'ls', '-q', '--filter', 'label=envbench.managed=true'])).toBe('');
    expect(left(['network', 'ls', '-q', '--filter', 'label=envbench.managed=true'])).toBe('');
    expect(left(['images', '-q', '--filter', 'label=envbench.managed=true'])).toBe('');
    expect(left(['ps', '-aq', '--no-trunc', '--filter', `id=${unlabelledContainer}`])).toBe(unlabelledContainer);
    expect(left(['images', '-q', unlabelledImage])).not.toBe('');
  });

  it("follows the docker CLI's current context (here: this second daemon), shows it in doctor, and works there", () => {
    // The user's docker CLI configuration: a context for the second daemon, made current, as
    // rootless Docker, Docker Desktop, Colima or Podman set one up. No DOCKER_HOST.
    const config = tempDataDir('envbench-docker-config-');
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: config, ENVBENCH_DATA_DIR: tempDataDir() };
    delete env.DOCKER_HOST;
    delete env.DOCKER_CONTEXT;
    const cli = (args: string[]): string => {
      const result = spawnSync('docker', args, { env, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      return result.stdout.trim();
    };
    cli(['context', 'create', 'second-daemon', '--docker', `host=${engine.host}`]);
    cli(['context', 'use', 'second-daemon']);
    cli(['volume', 'create', '--label', 'envbench.managed=true', '--label', 'envbench.kind=cache-volume', 'envbench-gocache-context']);

    const doctor = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { cwd: ROOT, encoding: 'utf8', env });
    expect(doctor.status, doctor.stderr).toBe(0);
    const docker = (JSON.parse(doctor.stdout) as { id: string; endpoint?: string; reason: string | null }[]).find((h) => h.id === 'docker')!;
    expect(docker.endpoint).toBe(`${engine.host} (docker context second-daemon)`);
    expect(docker.reason ?? '').not.toMatch(/docker\.sock/);
    const table = spawnSync(process.execPath, [CLI, 'doctor'], { cwd: ROOT, encoding: 'utf8', env });
    expect(table.stdout).toContain(`Docker Engine (docker, dind): ${engine.host} (docker context second-daemon)`);

    const clean = spawnSync(process.execPath, [CLI, 'clean'], { cwd: ROOT, encoding: 'utf8', env });
    expect(clean.status, clean.stderr).toBe(0);
    expect(cli(['volume', 'ls', '-q', '--filter', 'label=envbench.managed=true'])).toBe('');

    // A context that does not exist is named, with what to do.
    const missing = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...env, DOCKER_CONTEXT: 'nowhere' } });
    const reason = (JSON.parse(missing.stdout) as { id: string; reason: string | null }[]).find((h) => h.id === 'docker')!.reason;
    expect(reason).toMatch(/^the docker context "nowhere" \(DOCKER_CONTEXT\) does not exist: `docker context ls` lists them/);
  });
});
