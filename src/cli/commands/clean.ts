import type { Core } from '../../core/create-core';
import { formatBytes } from '../../shared/format/units';
import { describeOwner } from '../../core/machine/measure-lock';
import { UserError } from '../../core/user-error';

/** Cleaning under a measuring run would pull its containers, images or caches from under it. */
export function refuseWhileMeasuring(core: Core): void {
  const holder = core.measuringNow();
  if (holder) {
    throw new UserError(`Not cleaning while ${describeOwner(holder)} is measuring on this machine`, 'removing what it uses would fail it mid-run', 'Wait for it to finish, or pass --force to clean anyway');
  }
}

export async function cleanCommand(core: Core): Promise<number> {
  const { removed, left } = await core.cleanDocker();
  if (removed.length === 0) process.stdout.write('Nothing to remove: Docker holds no object made by EnvBench.\n');
  else process.stdout.write(`Removed ${removed.length} Docker objects made by EnvBench:\n${removed.map((r) => `  ${r}`).join('\n')}\n`);
  for (const line of left) process.stdout.write(`left: ${line}\n`);
  return 0;
}

/** `envbench clean --caches`: EnvBench's caches only (with its build cache volumes); the history, definitions, images and containers stay. */
export async function cleanCachesCommand(core: Core): Promise<number> {
  const { removed, freedBytes, volumes, left } = await core.cleanCaches();
  if (removed.length === 0 && volumes.length === 0) process.stdout.write(`Nothing to remove: no EnvBench caches in ${core.cacheDir}.\n`);
  if (removed.length > 0) process.stdout.write(`Freed ${formatBytes(freedBytes)} (${freedBytes} bytes) of EnvBench caches:\n${removed.map((r) => `  ${r.path} (${formatBytes(r.bytes)})`).join('\n')}\n`);
  if (volumes.length > 0) process.stdout.write(`Removed ${volumes.length} Docker build cache volume${volumes.length === 1 ? '' : 's'} of this EnvBench:\n${volumes.map((v) => `  ${v}`).join('\n')}\n`);
  for (const line of left) process.stdout.write(`left: ${line}\n`);
  return 0;
}
