import { describe, expect, it } from 'vitest';
import { loadFacts, loadWarning, runLoad } from './machine-load';

describe('loadWarning', () => {
  it.each([
    ['idle machine', 2, [0.3, 0.5, 0.6], [1.2, 0.8, 0.7], null],
    ['exactly the core count is not above it', 2, [2, 2, 2], [2, 2, 2], null],
    ['loaded at the start', 2, [3.5, 2, 1], [1.9, 2, 1], /3\.50 at the start, above this machine's 2 cores; other work shared the CPU/],
    ['loaded at the end', 4, [1, 1, 1], [6.25, 3, 2], /6\.25 at the end, .*includes EnvBench's own commands/],
    ['loaded at both', 1, [1.5, 1, 1], [2, 1, 1], /1\.50 at the start and 2\.00 at the end/],
    ['end not recorded (the run was killed)', 2, [0.1, 0.1, 0.1], null, null],
  ] as const)('%s', (_name, cpus, start, end, expected) => {
    const warning = loadWarning(cpus, start ? [...start] : null, end ? [...end] : null);
    if (expected === null) expect(warning).toBeNull();
    else expect(warning).toMatch(expected);
  });
});

describe('runLoad', () => {
  it('reads back what loadFacts stored, rounded to hundredths', () => {
    const facts = { ...loadFacts('start', [0.123, 4.5, 6]), ...loadFacts('end', [3.999, 1, 1]) };
    expect(runLoad(facts, 2)).toEqual({ cpuCount: 2, start: [0.12, 4.5, 6], end: [4, 1, 1], warning: expect.stringMatching(/4\.00 at the end/) });
  });

  it('is absent for a run that recorded no load (older runs, imports)', () => {
    expect(runLoad({}, 2)).toBeUndefined();
    expect(runLoad(undefined, 2)).toBeUndefined();
  });
});
