import { describe, it, expect } from 'vitest';
import { wilsonInterval } from './proportion-ci';

// Expected values: Wilson's formula evaluated independently in Python (statistics.NormalDist
// for z = 1.959963984540054); 0/10 and 5/100 also match published tables (0-0.2775, 0.0215-0.1118).
describe('wilsonInterval', () => {
  it.each([
    { events: 0, trials: 10, low: 0, high: 0.27753279986288915 },
    { events: 5, trials: 100, low: 0.02154367915436798, high: 0.11175046923191911 },
    { events: 10, trials: 200, low: 0.02738264560076393, high: 0.08957814813877599 },
    { events: 9, trials: 200, low: 0.023852543001492997, high: 0.08329670400181957 },
    { events: 200, trials: 200, low: 0.9811546736227335, high: 1 },
  ])('$events of $trials', ({ events, trials, low, high }) => {
    const ci = wilsonInterval(events, trials);
    expect(ci.low).toBeCloseTo(low, 12);
    expect(ci.high).toBeCloseTo(high, 12);
    expect(ci.level).toBe(0.95);
  });

  it('is narrower at a lower level and always contains the observed rate', () => {
    for (const [events, trials] of [[0, 5], [3, 40], [17, 200], [40, 40]] as const) {
      const wide = wilsonInterval(events, trials, 0.99);
      const narrow = wilsonInterval(events, trials, 0.9);
      expect(narrow.low).toBeGreaterThanOrEqual(wide.low);
      expect(narrow.high).toBeLessThanOrEqual(wide.high);
      expect(narrow.low).toBeLessThanOrEqual(events / trials);
      expect(narrow.high).toBeGreaterThanOrEqual(events / trials);
    }
  });

  it.each([
    [1, 0, 0.95, /trials/],
    [-1, 10, 0.95, /events/],
    [11, 10, 0.95, /events/],
    [1.5, 10, 0.95, /events/],
    [1, 10, 1, /level/],
  ])('refuses %s of %s at %s', (events, trials, level, message) => {
    expect(() => wilsonInterval(events, trials, level)).toThrow(message);
  });
});
