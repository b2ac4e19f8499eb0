import path from 'node:path';
import type { Core } from '../../core/create-core';
import { terminalWidth, textTable } from '../format/text-table';
import { jsonTarget, writeJson } from '../run-outputs';

/** `envbench doctor`: the runtimes and host tools; offline verdicts from the history (`--db`'s when given). */
export async function doctorCommand(core: Core, options: { json?: string | boolean; db?: string }): Promise<number> {
  const json = jsonTarget(options.json);
  // A database the user named must open (or say what is wrong with it, exit 2) before any probe runs;
  // the default one may be unreadable: then there is no verdict to show.
  if (options.db !== undefined) core.listRuns({ limit: 1 });
  const [health, tools] = await Promise.all([core.doctor(), core.toolHealth()]);
  if (json) {
    // The runtimes first, as before; host tools after them, marked `kind: 'tool'`.
    writeJson(json, [...health, ...tools]);
    return 0;
  }
  const offline = (h: (typeof health)[number]): string => {
    const v = h.offlineReadiness;
    if (!v) return 'not measured';
    return `${v.value === 'ready' ? 'ready' : 'not ready'} (${path.basename(v.workspacePath)}, ${v.measuredAt.slice(0, 10)})`;
  };
  const rows = health.map((h) => [h.id, h.available ? 'available' : 'unavailable', h.version ?? '-', offline(h), h.reason ?? '']);
  process.stdout.write(textTable(['RUNTIME', 'STATUS', 'VERSION', 'OFFLINE', 'REASON'], rows, { width: terminalWidth() }) + '\n');
  const engine = health.find((h) => h.endpoint);
  if (engine) process.stdout.write(`Docker Engine (docker, dind): ${engine.endpoint}\n`);
  if (health.some((h) => !h.offlineReadiness)) {
    process.stdout.write('OFFLINE is measured, never guessed: `envbench run --scenarios offline-readiness` builds in each environment with the network cut.\n');
  }
  const toolRows = tools.map((t) => [t.id, t.available ? 'available' : 'unavailable', t.version ?? '-', t.reason ?? '']);
  process.stdout.write('\n' + textTable(['TOOL', 'STATUS', 'VERSION', 'REASON'], toolRows, { width: terminalWidth() }) + '\n');
  return 0;
}
