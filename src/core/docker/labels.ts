import type { ProcessIdentity } from '../history/process-identity';
import { currentProcessIdentity } from '../history/process-identity';

/**
 * Every Docker object EnvBench creates carries these labels, so clean-up (`envbench clean`, the
 * reaper) removes exactly what EnvBench made and never a user's container, volume or image.
 */
export const LABEL_MANAGED = 'envbench.managed';
export const LABEL_RUN = 'envbench.run';
export const LABEL_RUNTIME = 'envbench.runtime';
/** "pid:starttime" of the EnvBench process that owns a container; the reaper checks it is alive. */
export const LABEL_OWNER = 'envbench.owner';
export const LABEL_KIND = 'envbench.kind';

export type ObjectKind = 'base-image' | 'dev-image' | 'dind-image' | 'perf-container' | 'startup-container' | 'offline-check-container' | 'dind-container' | 'cache-volume';

export function managedLabels(kind: ObjectKind, extra: Record<string, string> = {}): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_KIND]: kind, ...extra };
}

/** Labels of an object that belongs to this EnvBench process: the reaper removes it once the process is gone. */
export function ownedLabels(kind: ObjectKind, extra: Record<string, string> = {}): Record<string, string> {
  return managedLabels(kind, { ...extra, [LABEL_OWNER]: ownerLabel(currentProcessIdentity()) });
}

export function ownerLabel(owner: ProcessIdentity): string {
  return `${owner.pid}:${owner.started ?? ''}`;
}

export function parseOwnerLabel(value: string | undefined): ProcessIdentity | null {
  if (!value) return null;
  const [pid, started] = value.split(':');
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 ? { pid: n, started: started || null } : null;
}

export const MANAGED_FILTER = { label: [`${LABEL_MANAGED}=true`] };
