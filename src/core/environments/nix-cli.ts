import fs from 'node:fs';
import path from 'node:path';
import { probe } from '../machine/tool-version';

/** Flakes and `nix develop` need Nix 2.4 or newer. */
export const MIN_FLAKES_VERSION = '2.4';

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Arguments every Nix call gets: the experimental features flakes need (Nix 2.4 to current);
 * offline also no substituters and an empty flake registry (the global one is fetched from
 * GitHub), so no call waits seconds on a network that is not there.
 */
export function nixCommonArgs(registryFile: string, offline: boolean): string[] {
  const features = ['--extra-experimental-features', 'nix-command flakes'];
  return offline ? [...features, '--offline', '--option', 'substituters', '', '--option', 'flake-registry', registryFile] : features;
}

/** An empty flake registry file in EnvBench's data directory. */
export function emptyRegistry(dir: string): string {
  const file = path.join(dir, 'empty-flake-registry.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, '{"flakes":[],"version":2}\n');
  }
  return file;
}

/** Nix's own message, without the lines it prints and then ignores. */
export function nixError(stderr: string, lines = 3): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(error \(ignored\)|warning:|finding garbage collector roots|removing stale|deleting|\d+ store paths deleted)/.test(l))
    .slice(0, lines)
    .join(' | ');
}

export async function nixVersion(): Promise<{ version: string | null; failure: string | null }> {
  const result = await probe('nix', ['--version']);
  if (!result.ok) return { version: null, failure: result.failure };
  const match = /(\d+\.\d+(?:\.\d+)?)/.exec(result.stdout);
  return { version: match ? match[1]! : null, failure: null };
}

/** Closure size and path count from `nix path-info -S [-r] --json` (a list before Nix 2.19, an object keyed by path since). */
export function pathInfoClosure(json: string, storePath: string): { closureBytes: number | null; paths: number; storePaths: string[] } {
  const parsed = JSON.parse(json) as unknown;
  if (Array.isArray(parsed)) {
    const entries = parsed as { path?: string; closureSize?: number }[];
    const storePaths = entries.map((e) => e.path).filter((p): p is string => typeof p === 'string');
    return { closureBytes: entries.find((e) => e.path === storePath)?.closureSize ?? null, paths: entries.length, storePaths };
  }
  const byPath = parsed as Record<string, { closureSize?: number } | null>;
  return { closureBytes: byPath[storePath]?.closureSize ?? null, paths: Object.keys(byPath).length, storePaths: Object.keys(byPath) };
}
