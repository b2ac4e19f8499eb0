import { RUNTIME_IDS } from '../run';
import type { RuntimeId } from '../run';

/**
 * The runtimes in the order every output lists them (native first: the baseline), for the
 * renderer, which takes values from shared/format only. The list itself is shared/run.ts's
 * RUNTIME_IDS, the one the registry (core/environments/registry.ts) implements.
 */
export const RUNTIME_ORDER: readonly RuntimeId[] = RUNTIME_IDS;
