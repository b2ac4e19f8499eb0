import type { Core } from '../../core/create-core';

export async function cleanCommand(core: Core): Promise<number> {
  const removed = await core.cleanDocker();
  if (removed.length === 0) process.stdout.write('Nothing to remove: Docker holds no object made by EnvBench.\n');
  else process.stdout.write(`Removed ${removed.length} Docker objects made by EnvBench:\n${removed.map((r) => `  ${r}`).join('\n')}\n`);
  return 0;
}
