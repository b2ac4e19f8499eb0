import path from 'node:path';
import { createCore } from '../core/create-core';
import type { Core } from '../core/create-core';

declare const __ENVBENCH_VERSION__: string | undefined;
declare const __ENVBENCH_COMMIT__: string | undefined;

export const ENVBENCH_BUILD = {
  version: typeof __ENVBENCH_VERSION__ === 'string' ? __ENVBENCH_VERSION__ : '0.0.0-dev',
  commit: typeof __ENVBENCH_COMMIT__ === 'string' && __ENVBENCH_COMMIT__ ? __ENVBENCH_COMMIT__ : null,
};

/** The bundle lives in out/cli; resources sit at the checkout's top level. */
export function resourcesDir(): string {
  return process.env.ENVBENCH_RESOURCES_DIR ?? path.resolve(__dirname, '..', '..', 'resources');
}

/** The renderer electron-vite built into out/renderer, beside the bundle: served, printed to PDF, benchmarked. */
export function builtRendererDir(): string {
  return path.resolve(__dirname, '..', 'renderer');
}

export function cliCore(options: { db?: string } = {}): Core {
  return createCore({ resourcesDir: resourcesDir(), dbFile: options.db, envbench: ENVBENCH_BUILD });
}
