import crypto from 'node:crypto';
import type { HostIdentity } from '../../machine/host-identity';
import { currentHostIdentity } from '../../machine/host-identity';
import type { ProcessIdentity } from '../../machine/process-identity';
import { currentProcessIdentity, isProcessAlive } from '../../machine/process-identity';

/**
 * Every Docker object EnvBench creates carries these labels, so clean-up (`envbench clean`, the
 * reaper) removes exactly what EnvBench made and never a user's container, volume or image.
 */
export const LABEL_MANAGED = 'envbench.managed';
export const LABEL_RUN = 'envbench.run';
export const LABEL_RUNTIME = 'envbench.runtime';
/**
 * The EnvBench installation (instanceKey() of its data directory) that made an image or a shared
 * volume: a cold start removes only images carrying its own.
 */
export const LABEL_INSTANCE = 'envbench.instance';
/** Who owns a container or a per-sample volume: machine, boot, PID namespace, pid and start time. */
export const LABEL_OWNER = 'envbench.owner';
export const LABEL_KIND = 'envbench.kind';
/**
 * Set on containers only, to the name EnvBench gives the container. A container inherits its
 * image's labels (so one a user starts from an EnvBench image carries `envbench.managed`), but
 * never its name: a container is EnvBench's only when this label equals its own name.
 */
export const LABEL_CONTAINER = 'envbench.container';

export type ObjectKind =
  | 'base-image'
  | 'toolchain-image'
  | 'dev-image'
  | 'dind-image'
  | 'probe-image'
  | 'perf-container'
  | 'startup-container'
  | 'offline-check-container'
  | 'dind-container'
  | 'probe-container'
  | 'cache-volume';

export function managedLabels(kind: ObjectKind, extra: Record<string, string> = {}): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_KIND]: kind, ...extra };
}

/** Labels of an object that belongs to this EnvBench process: the reaper removes it once the process is gone. */
export function ownedLabels(kind: ObjectKind, extra: Record<string, string> = {}): Record<string, string> {
  return managedLabels(kind, { ...extra, [LABEL_OWNER]: ownerLabel({ ...currentProcessIdentity(), host: currentHostIdentity() }) });
}

/**
 * The name and labels of a container this process creates (spread into createContainer's
 * options). The name is random unless given (terminals name theirs).
 */
export function ownedContainer(kind: ObjectKind, extra: Record<string, string> = {}, name = `envbench-${kind}-${crypto.randomBytes(6).toString('hex')}`): { name: string; Labels: Record<string, string> } {
  return { name, Labels: ownedLabels(kind, { ...extra, [LABEL_CONTAINER]: name }) };
}

/** Whether EnvBench created this container (rather than a user, from an EnvBench image). */
export function isEnvbenchContainer(info: { Names?: string[]; Labels?: Record<string, string> }): boolean {
  const name = info.Labels?.[LABEL_CONTAINER];
  return !!name && (info.Names ?? []).some((n) => n.replace(/^\//, '') === name);
}

/** An owner label read back: `host` is null for the "pid:start" labels of earlier EnvBench versions, which name no machine. */
export interface ContainerOwner extends ProcessIdentity {
  host: HostIdentity | null;
}

export function ownerLabel(owner: ContainerOwner): string {
  const host = owner.host ?? { machineId: '', bootId: '', pidNamespace: '' };
  const field = (value: string | null): string => value || '-';
  return `machine=${field(host.machineId)} boot=${field(host.bootId)} pidns=${field(host.pidNamespace)} pid=${owner.pid} start=${field(owner.started)}`;
}

/** Never throws: an unreadable label is null, an old "pid:start" one has no host. */
export function parseOwnerLabel(value: string | undefined): ContainerOwner | null {
  if (!value) return null;
  if (!value.includes('=')) {
    const [pid, started] = value.split(':');
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 ? { pid: n, started: started || null, host: null } : null;
  }
  const fields = new Map(value.split(/\s+/).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const));
  const read = (key: string): string => (fields.get(key) ?? '-').replace(/^-$/, '');
  const pid = Number(read('pid'));
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, started: read('start') || null, host: { machineId: read('machine'), bootId: read('boot'), pidNamespace: read('pidns') } };
}

export type OwnerCheck = { state: 'alive' } | { state: 'gone' } | { state: 'unchecked'; why: string };

/**
 * Whether the process that owns an object still runs, when that can be known from here. Only an
 * owner in this boot and PID namespace can be looked up; one from an earlier boot of this
 * machine is gone. Anything else (another machine sharing the daemon, a process in a container,
 * an old label naming no machine) is unchecked: the caller leaves the object alone and says so.
 */
export function checkOwner(value: string | undefined, here: HostIdentity = currentHostIdentity()): OwnerCheck {
  const owner = parseOwnerLabel(value);
  if (!owner) return { state: 'unchecked', why: 'it records no owner EnvBench can read' };
  const { host } = owner;
  if (!host) return { state: 'unchecked', why: `its owner label "${value}" (from an older EnvBench) does not say which machine pid ${owner.pid} ran on` };
  if (host.bootId && host.bootId === here.bootId) {
    if (host.pidNamespace && here.pidNamespace && host.pidNamespace !== here.pidNamespace) {
      return { state: 'unchecked', why: `it is owned by pid ${owner.pid} in another PID namespace of this machine (EnvBench in a container?)` };
    }
    return isProcessAlive(owner) ? { state: 'alive' } : { state: 'gone' };
  }
  // Same installation, another boot: every process of that boot has ended.
  if (host.machineId && host.machineId === here.machineId) return { state: 'gone' };
  return { state: 'unchecked', why: `it is owned by another machine sharing this Docker daemon (machine id ${host.machineId || 'unknown'}, boot ${host.bootId || 'unknown'}, pid ${owner.pid})` };
}

export const MANAGED_FILTER = { label: [`${LABEL_MANAGED}=true`] };
