import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tempDataDir } from './envbench-cli';

// A real OCI registry on this machine (Debian's docker-registry, the CNCF distribution), for
// Dev Container features "online" where no public registry can be reached. The reference Dev
// Containers CLI speaks plain http to a registry named `localhost:PORT`, as EnvBench does.

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export function haveRegistry(): boolean {
  return fs.existsSync(REGISTRY_BINARY);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface LocalRegistry {
  /** `localhost:PORT`, the registry part of a feature id. */
  host: string;
  stop(): void;
}

/** Starts docker-registry with its own storage on a free port; resolves once /v2/ answers. */
export async function startRegistry(): Promise<LocalRegistry> {
  const dir = tempDataDir('envbench-registry-');
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/store\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child = spawn(REGISTRY_BINARY, ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  const host = `localhost:${port}`;
  for (let i = 0; i < 100; i++) {
    const answer = await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => null);
    if (answer?.ok) return { host, stop: () => child.kill() };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`docker-registry did not answer on ${host} within 10 s`);
}

/** Publishes the features in `src` (one folder each) with the reference CLI: `devcontainer features publish`. */
export function publishFeatures(cli: string, src: string, registry: LocalRegistry, namespace: string): void {
  // It packs into the temporary folder: one of this test's, removed with them.
  const result = spawnSync(cli, ['features', 'publish', src, '--registry', registry.host, '--namespace', namespace], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TMPDIR: tempDataDir('envbench-publish-') } });
  if (result.status !== 0) throw new Error(`devcontainer features publish failed: ${result.stderr}${result.stdout}`);
}
