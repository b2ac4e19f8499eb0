import { describe, it, expect } from 'vitest';
import type { AaCheckResult } from '../core/stats/aa-check';
import { formatAaCheck, type AaCheckReport } from './aa-check-report';

function check(falsePositives: number, comparisons: number, ci: [number, number], rateVersusAlpha: AaCheckResult['rateVersusAlpha']): AaCheckResult {
  return { comparisons, falsePositives, rate: falsePositives / comparisons, ci: { low: ci[0], high: ci[1], level: 0.95 }, alpha: 0.05, attainableSize: 0.0433, rateVersusAlpha };
}

const report = (resampled: AaCheckResult, interleaved: AaCheckResult, distinctValues = 4000, loadAverage = 0.5): AaCheckReport => ({
  command: '/bin/true',
  poolSize: 4000,
  distinctValues,
  n: 10,
  seed: 1,
  load: { average: loadAverage, cpus: 2 },
  resampled,
  interleaved,
});

const lineOf = (text: string, prefix: string): string => text.split('\n').find((l) => l.startsWith(prefix)) ?? '';

describe('formatAaCheck', () => {
  it('states the method and prints both checks with their intervals', () => {
    const text = formatAaCheck(report(check(43, 1000, [0.032, 0.057], 'consistent'), check(10, 200, [0.027, 0.09], 'consistent')));
    expect(text).toContain('4000 samples of `/bin/true` measured once');
    expect(text).toContain('two disjoint random sets of 10 drawn from that pool (seeded, seed 1)');
    expect(text).toMatch(/resampled from the pool\s+1000\s+43\s+4\.3%\s+3\.2% – 5\.7%/);
    expect(text).toMatch(/interleaved, measured order\s+200\s+10\s+5\.0%\s+2\.7% – 9\.0%/);
    expect(lineOf(text, '- resampled:')).toBe('- resampled: consistent with the nominal 5.0%.');
  });

  it.each([
    { name: 'below 5% but within what the discrete test can reach', ci: [0.023, 0.045] as [number, number], distinct: 4000, expected: /below the nominal 5\.0%, as expected: U is discrete.*at most 4\.3%/ },
    { name: 'below even that, with ties', ci: [0.001, 0.02] as [number, number], distinct: 3000, expected: /BELOW even the 4\.3%.*1000 of 4000 samples repeat a value \(timer resolution\)/ },
    { name: 'below even that, with few ties', ci: [0.001, 0.02] as [number, number], distinct: 3976, expected: /BELOW even the 4\.3%.*too few to explain it \(24 of 4000\); .*most likely chance/ },
  ])('says plainly why a rate is below 5%: $name', ({ ci, distinct, expected }) => {
    const text = formatAaCheck(report(check(10, 1000, ci, 'below'), check(10, 200, [0.027, 0.09], 'consistent'), distinct));
    expect(lineOf(text, '- resampled:')).toMatch(expected);
  });

  it('explains a low interleaved rate by shared drift', () => {
    const text = formatAaCheck(report(check(43, 1000, [0.032, 0.057], 'consistent'), check(3, 200, [0.005, 0.043], 'below'), 3976));
    expect(lineOf(text, '- interleaved:')).toMatch(/BELOW even the 4\.3%.*share the machine's drift.*conservative/);
  });

  it('says plainly when a rate is above 5%, and what that points at', () => {
    const text = formatAaCheck(report(check(120, 1000, [0.1, 0.14], 'above'), check(40, 200, [0.15, 0.26], 'above')));
    expect(lineOf(text, '- resampled:')).toMatch(/ABOVE the nominal 5\.0%.*points at the test/);
    expect(lineOf(text, '- interleaved:')).toMatch(/ABOVE the nominal 5\.0%.*not interchangeable.*CPU contention.*quieter machine/);
    expect(lineOf(text, '- interleaved:')).not.toContain('was busy');
    const busy = formatAaCheck(report(check(43, 1000, [0.032, 0.057], 'consistent'), check(26, 200, [0.09, 0.184], 'above'), 4000, 5.71));
    expect(lineOf(busy, '- interleaved:')).toContain('the machine was busy, load 5.7 on 2 CPUs');
    expect(busy).toContain('load average 5.7 on 2 CPUs at the end.');
  });

  it('warns that few pairs give a wide interval', () => {
    const text = formatAaCheck(report(check(43, 1000, [0.032, 0.057], 'consistent'), check(2, 20, [0.028, 0.301], 'consistent')));
    expect(lineOf(text, '- interleaved:')).toBe('- interleaved: consistent with the nominal 5.0% (only 20 pairs: a wide interval).');
  });
});
