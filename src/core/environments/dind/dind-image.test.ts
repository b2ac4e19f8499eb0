import { describe, expect, it } from 'vitest';
import { withheldCapabilities } from './dind-image';

describe('withheldCapabilities', () => {
  it.each([
    ['every capability present', 'CapBnd:\t000001ffffffffff\n', []],
    ['CAP_SYS_RESOURCE withheld (bit 24)', 'Name:\tnode\nCapBnd:\t000001fffeffffff\n', ['SYS_RESOURCE']],
    ['SYS_ADMIN and SYS_MODULE withheld', `CapBnd:\t${(0x1ffffffffffn & ~(1n << 21n) & ~(1n << 16n)).toString(16)}\n`, ['SYS_MODULE', 'SYS_ADMIN']],
    ['no CapBnd line', 'Name:\tx\n', []],
  ])('%s', (_name, status, expected) => {
    expect(withheldCapabilities(status)).toEqual(expected);
  });
});
