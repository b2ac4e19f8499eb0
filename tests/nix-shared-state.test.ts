import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { instanceKey } from '../src/core/data-paths';
import { NixRuntime } from '../src/core/environments/nix/nix';
import { inspectWorkspace } from '../src/core/workspace/inspect-workspace';
import type { NixEntry } from '../src/shared/run';
import { RESOURCES, tempDataDir, writeGoModule } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

// Issue 13, shared state between runs: each EnvBench installation (data directory) gets its own
// generated Nix shell, and a cold start deletes only its own store paths. The host's Go toolchain
// is content-addressed and shared: it stays while another installation's shell uses it.

const haveNix = hasTool('nix', ['--version']);

interface Session {
  facts(): Promise<Record<string, unknown>>;
  storePathsByOwner(): Promise<{ own: string[]; shared: string[] }>;
  presentPaths(paths: readonly string[]): Promise<string[]>;
  evictCaches(): Promise<void>;
}

describe.skipIf(!haveNix)('nix store paths of two EnvBench installations on one workspace', () => {
  it.each<[NixEntry]>([['flake'], ['shell']])('%s: distinct shells; a cold start of one leaves the other warm and the toolchain it uses', async (nixEntry) => {
    const dataA = tempDataDir();
    const dataB = tempDataDir();
    // Both in this file's cache directory (per-file-setup.ts): they share it, as two data directories of one user may.
    const cacheDir = process.env.ENVBENCH_CACHE_DIR!;
    const workspace = await inspectWorkspace(writeGoModule(path.join(tempDataDir(), 'module')));
    const open = async (dataDir: string): Promise<Session> =>
      (await new NixRuntime(RESOURCES).prepare({ workspace, dataDir, cacheDir, resourcesDir: RESOURCES, offline: true, nixEntry, runId: 't', scratchPath: null })) as unknown as Session;
    const a = await open(dataA);
    const b = await open(dataB);
    await a.facts(); // realises each shell, with a GC root of its own
    const factsB = await b.facts();
    const pathsA = await a.storePathsByOwner();
    const pathsB = await b.storePathsByOwner();

    expect(pathsA.own.length).toBeGreaterThanOrEqual(2);
    expect(pathsA.own.filter((p) => pathsB.own.includes(p))).toEqual([]);
    expect(pathsA.own.some((p) => p.includes(`envbench-go-shell-${instanceKey(dataA)}`))).toBe(true);
    expect(pathsB.own.some((p) => p.includes(`envbench-go-shell-${instanceKey(dataB)}`))).toBe(true);
    // The host's toolchain is one store path for both.
    expect(pathsA.shared.length).toBeGreaterThan(0);
    expect([...pathsB.shared].sort()).toEqual([...pathsA.shared].sort());
    expect(String(factsB.coldStartSharedInputs)).toMatch(/content-addressed input/);

    await a.evictCaches();
    expect(await a.presentPaths(pathsA.own)).toEqual([]);
    expect(await b.presentPaths(pathsB.own)).toEqual(pathsB.own);
    expect(await b.presentPaths(pathsB.shared)).toEqual(pathsB.shared);

    await b.evictCaches();
    expect(await b.presentPaths(pathsB.own)).toEqual([]);
    for (const dir of [dataA, dataB]) fs.rmSync(dir, { recursive: true, force: true });
  }, 5 * 60_000);
});
