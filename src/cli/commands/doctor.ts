import type { Core } from '../../core/create-core';
import { textTable } from '../format/text-table';

export async function doctorCommand(core: Core, options: { json?: boolean }): Promise<number> {
  const health = await core.doctor();
  if (options.json) {
    process.stdout.write(JSON.stringify(health, null, 2) + '\n');
    return 0;
  }
  const rows = health.map((h) => [h.id, h.available ? 'available' : 'unavailable', h.version ?? '-', h.reason ?? '']);
  process.stdout.write(textTable(['RUNTIME', 'STATUS', 'VERSION', 'REASON'], rows) + '\n');
  return 0;
}
