import { describe, expect, it } from 'vitest';
import { formatCount } from './units';

describe('formatCount', () => {
  it.each([
    [0, '0.0'],
    [7.46, '7.5'],
    [950, '950'],
    [999.4, '999'],
    [999.6, '1.0k'],
    [12_345, '12.3k'],
    [999_960, '1.0M'],
    [4_100_000, '4.1M'],
    [NaN, '-'],
  ])('%d -> %s', (value, text) => {
    expect(formatCount(value)).toBe(text);
  });
});
