import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../src/shared/run';
import { instanceKey } from '../src/core/data-paths';
import { envbench, tempDataDir, writeGoModule } from './support/envbench-cli';
import { haveDockerEngine } from './support/docker';

// Issue 13, shared state between runs: a docker cold start removes only the image of the EnvBench
// installation (data directory) that runs it, and never prunes the daemon's build cache, which
// holds the user's own builds. Runs against the shared daemon, so every check names the objects
// this file made (another test run may be building beside it).

const haveDocker = haveDockerEngine();
const SOCKET = process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') || '/var/run/docker.sock';

interface BuildCacheRecord {
  ID: string;
  UsageCount: number;
  Description?: string;
}

function engine<T>(method: string, urlPath: string, body?: Buffer): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = http.request({ socketPath: SOCKET, method, path: urlPath, headers: body ? { 'Content-Type': 'application/x-tar' } : {} }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        if ((response.statusCode ?? 500) >= 300) reject(new Error(`${method} ${urlPath}: ${response.statusCode} ${text}`));
        else resolve(text as unknown as T);
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** A user's build through BuildKit (`/build?version=2`, what `docker buildx build` does): its steps land in the daemon's build cache. */
async function userBuildKitBuild(tag: string, blob: Buffer): Promise<void> {
  const pack = tarStream.pack();
  // The same files, unchanged since the last build (as a rebuild of a user's directory sends them).
  const mtime = new Date('2026-01-01T00:00:00Z');
  pack.entry({ name: 'Dockerfile', mtime }, 'FROM scratch\nCOPY blob /blob\nCOPY blob /blob-again\n');
  pack.entry({ name: 'blob', mtime }, blob);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  const output = await engine<string>('POST', `/v1.41/build?version=2&t=${encodeURIComponent(tag)}`, Buffer.concat(chunks));
  if (!output.includes('Successfully tagged')) throw new Error(`the user's BuildKit build failed: ${output.slice(-500)}`);
}

async function buildCache(): Promise<BuildCacheRecord[]> {
  const df = JSON.parse(await engine<string>('GET', '/v1.41/system/df')) as { BuildCache: BuildCacheRecord[] | null };
  return df.BuildCache ?? [];
}

function docker(args: string[]): string {
  return spawnSync('docker', args, { encoding: 'utf8' }).stdout.trim();
}

function imageId(ref: string): string {
  return docker(['image', 'inspect', '--format', '{{.Id}}', ref]);
}

function runDocker(dataDir: string, workspace: string, scenario: 'startup-cold' | 'startup-warm'): RunJson {
  const jsonFile = path.join(dataDir, `${scenario}.json`);
  const result = envbench(['run', '--offline', '--workspace', workspace, '--runtimes', 'docker', '--scenarios', scenario, '--runs', '1', '--warmup', '0', '--json', jsonFile], dataDir, { timeout: 14 * 60_000 });
  if (result.status !== 0) throw new Error(`envbench run failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
}

describe.skipIf(!haveDocker)('docker cold starts and what other EnvBench installations and the user own', () => {
  const suffix = crypto.randomBytes(4).toString('hex');
  const userImage = `envbench-test-user/cached:${suffix}`;
  const userBlob = crypto.randomBytes(256 * 1024);
  let userCacheBefore: BuildCacheRecord[] = [];
  /** Every build cache record this file's user builds made, pruned by id at the end. */
  const userRecords = new Set<string>();
  let dataA = '';
  let dataB = '';
  let refA = '';
  let refB = '';
  let idB = '';
  let idAWarm = '';
  let layersB = '';
  let layersAWarm = '';
  let goImageA = '';
  let goImageB = '';
  let goImageIdBeforeCold = '';
  let coldA: RunJson;

  beforeAll(async () => {
    // The user's own image and its build cache, made before EnvBench runs.
    const cacheBefore = new Set((await buildCache()).map((r) => r.ID));
    await userBuildKitBuild(userImage, userBlob);
    const made = (await buildCache()).filter((r) => !cacheBefore.has(r.ID));
    made.forEach((r) => userRecords.add(r.ID));
    userCacheBefore = made.filter((r) => r.Description?.startsWith('fileop'));
    expect(userCacheBefore.length, "the user's build made cache records").toBeGreaterThan(0);

    // Two installations (data directories) on one workspace: A warm, B warm (taking over A's
    // image, or another installation's of the same definition), then A's cold start.
    dataA = tempDataDir();
    dataB = tempDataDir();
    const workspace = writeGoModule(path.join(tempDataDir(), 'shared-workspace'));
    const warmA = runDocker(dataA, workspace, 'startup-warm');
    idAWarm = imageId(String(warmA.maintenance.find((m) => m.runtime === 'docker')!.facts.imageRef));
    const warmB = runDocker(dataB, workspace, 'startup-warm');
    refB = String(warmB.maintenance.find((m) => m.runtime === 'docker')!.facts.imageRef);
    idB = imageId(refB);
    goImageB = String(warmB.maintenance.find((m) => m.runtime === 'docker')!.facts.baseImage).split(' ')[0]!;
    layersB = docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', refB]);
    layersAWarm = docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', idAWarm]);
    goImageA = String(warmA.maintenance.find((m) => m.runtime === 'docker')!.facts.baseImage).split(' ')[0]!;
    goImageIdBeforeCold = imageId(goImageA);
    coldA = runDocker(dataA, workspace, 'startup-cold');
    refA = String(coldA.maintenance.find((m) => m.runtime === 'docker')!.facts.imageRef);
  }, 30 * 60_000);

  afterAll(async () => {
    // Only what this file made: the user's image and build cache records, both installations' images and cache volumes.
    for (const ref of [userImage, refA, refB, goImageA, goImageB].filter(Boolean)) spawnSync('docker', ['rmi', '-f', ref]);
    // By id, children before parents: a record another one builds on goes in a later round.
    for (let round = 0; round < 3 && userRecords.size > 0; round++) {
      for (const id of [...userRecords]) {
        const pruned = await engine<string>('POST', `/v1.41/build/prune?filters=${encodeURIComponent(JSON.stringify({ id: [id] }))}`).catch(() => '');
        if (pruned.includes(id)) userRecords.delete(id);
      }
    }
    for (const dir of [dataA, dataB].filter(Boolean)) {
      const volumes = docker(['volume', 'ls', '-q', '--filter', `label=envbench.managed=true`]).split('\n').filter((v) => v.endsWith(`-${instanceKey(dir)}`));
      if (volumes.length > 0) spawnSync('docker', ['volume', 'rm', ...volumes]);
    }
  });

  it('tags and labels each installation its own image', () => {
    expect(coldA.results.map((r) => `${r.runtime}/${r.scenario}/${r.status}`)).toEqual(['docker/startup-cold/completed']);
    expect(refA).not.toBe(refB);
    expect(refA).toContain(instanceKey(dataA));
    expect(refB).toContain(instanceKey(dataB));
    expect(docker(['image', 'inspect', '--format', '{{index .Config.Labels "envbench.instance"}}', refA])).toBe(instanceKey(dataA));
    expect(docker(['image', 'inspect', '--format', '{{index .Config.Labels "envbench.instance"}}', refB])).toBe(instanceKey(dataB));
    // B's warm start made its build cache volume: named and labelled for B.
    expect(docker(['volume', 'ls', '-q', '--filter', `label=envbench.instance=${instanceKey(dataB)}`])).toMatch(new RegExp(`^envbench-gocache-docker-[0-9a-f]{12}-${instanceKey(dataB)}$`));
  });

  it("takes over another installation's image of the same definition instead of building it again: its own, sharing every layer", () => {
    expect(idB).not.toBe(idAWarm);
    expect(layersB).toBe(layersAWarm);
    // B's image is the other one plus a step that labels it: two LABEL steps, B's on top.
    const labelSteps = docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', refB]).split('\n').filter((step) => step.includes('LABEL') && step.includes('envbench.instance='));
    expect(labelSteps.length).toBeGreaterThanOrEqual(2);
    expect(labelSteps[0]).toContain(`envbench.instance=${instanceKey(dataB)}`);
  });

  it("leaves another installation's warm image as it was, even when it took over this one's", () => {
    expect(imageId(refB)).toBe(idB);
  });

  it("rebuilds its own image in the cold start's image phase, on the Go image it keeps (built once, as a pulled one)", () => {
    const sample = coldA.results[0]!.samples[0]!;
    expect(Object.keys(sample.phases ?? {})[0]).toBe('image');
    expect(imageId(refA)).toMatch(/^sha256:/);
    expect(imageId(refA)).not.toBe(idAWarm);
    expect(goImageA).toMatch(new RegExp(`^envbench/go-toolchain-${instanceKey(dataA)}:`));
    expect(imageId(goImageA)).toBe(goImageIdBeforeCold);
    expect(docker(['image', 'inspect', '--format', '{{index .Config.Labels "envbench.kind"}}', goImageA])).toBe('toolchain-image');
  });

  it("keeps the user's image and build cache, and the user's rebuild still hits it", async () => {
    expect(imageId(userImage)).toMatch(/^sha256:/);
    const after = new Map((await buildCache()).map((r) => [r.ID, r]));
    for (const record of userCacheBefore) expect(after.has(record.ID), `build cache record ${record.ID} (${record.Description})`).toBe(true);
    await userBuildKitBuild(userImage, userBlob);
    const rebuilt = new Map((await buildCache()).map((r) => [r.ID, r]));
    const added = [...rebuilt.values()].filter((r) => !after.has(r.ID));
    added.forEach((r) => userRecords.add(r.ID));
    // A hit runs no step again (no new step record) and uses the old records once more.
    expect(added.filter((r) => r.Description?.startsWith('fileop')), 'steps the rebuild ran again').toEqual([]);
    expect(userCacheBefore.some((r) => rebuilt.get(r.ID)!.UsageCount > after.get(r.ID)!.UsageCount)).toBe(true);
  });

  it("clean --caches removes this installation's Go build cache volumes, so its next builds are cold in Docker too, and no other installation's", () => {
    const volumesOf = (dir: string): string[] => docker(['volume', 'ls', '-q', '--filter', `label=envbench.instance=${instanceKey(dir)}`]).split('\n').filter(Boolean).sort();
    const mine = volumesOf(dataA);
    const theirs = volumesOf(dataB);
    expect(mine.length).toBeGreaterThan(0);
    expect(theirs.length).toBeGreaterThan(0);
    const cleaned = envbench(['clean', '--caches'], dataA);
    expect(cleaned.status, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toContain(`Removed ${mine.length} Docker build cache volume`);
    for (const volume of mine) expect(cleaned.stdout).toContain(`  volume ${volume}\n`);
    expect(volumesOf(dataA)).toEqual([]);
    expect(volumesOf(dataB)).toEqual(theirs);
    // Images are not caches: the next warm start still finds this installation's.
    expect(imageId(refA)).toMatch(/^sha256:/);
  });
});
