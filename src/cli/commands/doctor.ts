import path from 'node:path';
import type { Core } from '../../core/create-core';
import { textTable } from '../format/text-table';

export async function doctorCommand(core: Core, options: { json?: boolean }): Promise<number> {
  const health = await core.doctor();
  if (options.json) {
    process.stdout.write(JSON.stringify(health, null, 2) + '\n');
    return 0;
  }
  const offline = (h: (typeof health)[number]): string => {
    const v = h.offlineReadiness;
    if (!v) return 'not measured';
    return `${v.value === 'ready' ? 'ready' : 'not ready'} (${path.basename(v.workspacePath)}, ${v.measuredAt.slice(0, 10)})`;
  };
  const rows = health.map((h) => [h.id, h.available ? 'available' : 'unavailable', h.version ?? '-', offline(h), h.reason ?? '']);
  process.stdout.write(textTable(['RUNTIME', 'STATUS', 'VERSION', 'OFFLINE', 'REASON'], rows) + '\n');
  if (health.some((h) => !h.offlineReadiness)) {
    process.stdout.write('OFFLINE is measured, never guessed: `envbench run --scenarios offline-readiness` builds in each environment with the network cut.\n');
  }
  return 0;
}
