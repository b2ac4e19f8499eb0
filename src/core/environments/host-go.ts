import fs from 'node:fs';
import path from 'node:path';
import type { WorkspaceInfo } from '../../shared/run';
import { goToolIn } from '../machine/host-go-tool';
import { probe } from '../machine/tool-version';
import { UserError } from '../user-error';

// The host's Go, as the environments that reuse it see it: the toolchain copied into offline
// images and Nix stores, and the module cache they mount or share.

export interface GoToolchain {
  goroot: string;
  version: string;
  /** Host binaries copied into /usr/local/bin of the image when present (gopls, dlv). */
  tools: { name: string; path: string }[];
}

/** The Go toolchain on this machine, with gopls and dlv if installed, to copy into offline images. */
export async function hostGoToolchain(): Promise<GoToolchain> {
  const env = await probe('go', ['env', 'GOROOT', 'GOVERSION', 'GOPATH']);
  if (!env.ok) throw new UserError('Cannot build an offline Go image', 'Go is not installed on this machine', 'Install Go, or pull a golang image while online');
  const [goroot = '', version = '', gopath = ''] = env.stdout.trim().split('\n');
  const tools: GoToolchain['tools'] = [];
  for (const name of ['gopls', 'dlv']) {
    const found = goToolIn(name, gopath);
    if (found) tools.push({ name, path: fs.realpathSync(found) });
  }
  return { goroot: fs.realpathSync(goroot), version, tools };
}

/** The host's module cache (`go env GOMODCACHE`) when it exists. */
export async function hostModuleCache(): Promise<string | null> {
  const result = await probe('go', ['env', 'GOMODCACHE']);
  const dir = result.ok ? result.stdout.trim() : '';
  return dir && fs.existsSync(dir) ? dir : null;
}

/** Where a workspace's modules come from, in words (a fact recorded with the run). */
export function modulesSource(workspace: WorkspaceInfo, modCache: string | null): string {
  if (fs.existsSync(path.join(workspace.path, 'vendor'))) return 'vendor/';
  return modCache ? `host module cache ${modCache} (read-only)` : 'none (no module cache on the host)';
}
