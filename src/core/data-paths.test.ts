import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { instanceKey } from './data-paths';

describe('instanceKey', () => {
  it.each([
    ['the same directory, written differently', '/home/a/.local/share/envbench', '/home/a/.local/share/envbench/', true],
    ['a relative path and its absolute form', 'data', path.resolve('data'), true],
    ['two users', '/home/a/.local/share/envbench', '/home/b/.local/share/envbench', false],
    ['two data directories of one user', '/tmp/envbench-test-1', '/tmp/envbench-test-2', false],
  ])('%s', (_name, one, other, same) => {
    expect(instanceKey(one)).toMatch(/^[0-9a-f]{8}$/);
    expect(instanceKey(one) === instanceKey(other)).toBe(same);
  });
});
