import { describe, expect, it } from 'vitest';
import { currentProcessIdentity } from '../../machine/process-identity';
import type { HostIdentity } from '../../machine/host-identity';
import { checkOwner, isEnvbenchContainer, ownerLabel, parseOwnerLabel } from './labels';

const here: HostIdentity = { machineId: 'a'.repeat(32), bootId: '11111111-2222-3333-4444-555555555555', pidNamespace: '4026531836' };
const me = currentProcessIdentity();
const label = (host: Partial<HostIdentity>, pid = me.pid, started = me.started): string => ownerLabel({ pid, started, host: { ...here, ...host } });

describe('owner labels', () => {
  it('round-trips machine, boot, PID namespace, pid and start time', () => {
    expect(parseOwnerLabel(label({}))).toEqual({ pid: me.pid, started: me.started, host: here });
  });

  it.each([
    ['an old "pid:start" label', '1234:5678', { pid: 1234, started: '5678', host: null }],
    ['an old label without a start time', '1234:', { pid: 1234, started: null, host: null }],
    ['no label', undefined, null],
    ['garbage', 'not an owner', null],
    ['a new label without a pid', 'machine=x boot=y pidns=z pid=-1 start=1', null],
  ])('reads %s without throwing', (_name, value, expected) => {
    expect(parseOwnerLabel(value)).toEqual(expected);
  });

  it.each([
    ['this process', label({}), 'alive'],
    ['a pid that is gone, this boot', label({}, 2 ** 22 + 1), 'gone'],
    ['another PID namespace of this machine', label({ pidNamespace: '4026532000' }), 'unchecked'],
    ['an earlier boot of this machine', label({ bootId: '99999999-2222-3333-4444-555555555555' }), 'gone'],
    ['another machine', label({ machineId: 'b'.repeat(32), bootId: '99999999-2222-3333-4444-555555555555' }), 'unchecked'],
    ['a machine with no machine id, another boot', label({ machineId: '', bootId: '99999999-2222-3333-4444-555555555555' }), 'unchecked'],
    ['an old label', `${me.pid}:${me.started}`, 'unchecked'],
    ['no label', undefined, 'unchecked'],
  ])('says the owner of %s is %s', (_name, value, state) => {
    expect(checkOwner(value, here).state).toBe(state);
  });
});

describe('isEnvbenchContainer', () => {
  it.each([
    ['created by EnvBench', { Names: ['/envbench-perf-container-abc'], Labels: { 'envbench.container': 'envbench-perf-container-abc' } }, true],
    ["a user's container of an EnvBench image", { Names: ['/my-dev'], Labels: { 'envbench.managed': 'true' } }, false],
    ['a container of an image committed from an EnvBench container', { Names: ['/copy'], Labels: { 'envbench.container': 'envbench-perf-container-abc' } }, false],
  ])('%s: %s', (_name, info, expected) => {
    expect(isEnvbenchContainer(info)).toBe(expected);
  });
});
