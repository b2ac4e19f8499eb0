import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * benchstat on PATH, else where `go install` puts it ($(go env GOPATH)/bin, which .ci/run uses
 * without adding it to PATH). Falls back to the bare name so hasTool reports it missing.
 */
export function findBenchstat(): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  const gopath = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8', timeout: 20_000 });
  if (gopath.status === 0) dirs.push(...gopath.stdout.trim().split(delimiter).map((d) => join(d, 'bin')));
  return dirs.map((d) => join(d, 'benchstat')).find((p) => existsSync(p)) ?? 'benchstat';
}
