import type { Core } from '../../core/create-core';

export async function cleanCommand(core: Core): Promise<number> {
  const { removed, left } = await core.cleanDocker();
  if (removed.length === 0) process.stdout.write('Nothing to remove: Docker holds no object made by EnvBench.\n');
  else process.stdout.write(`Removed ${removed.length} Docker objects made by EnvBench:\n${removed.map((r) => `  ${r}`).join('\n')}\n`);
  for (const line of left) process.stdout.write(`left: ${line}\n`);
  return 0;
}
