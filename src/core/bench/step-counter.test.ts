import { describe, expect, it } from 'vitest';
import { StepCounter } from './step-counter';

describe('step counter', () => {
  it('without a plan, takes later scenarios at the run\'s overall pace', () => {
    const counter = new StepCounter([2, 2], 1);
    expect(counter.etaMs(0, 'a')).toBeNull();
    counter.step('a', 100);
    expect(counter.etaMs(0, 'a')).toBe(100 + 2 * 100);
  });

  it('with a plan, takes later scenarios at their planned pace, scaled by how the run keeps to it', () => {
    // a is planned at 100 ms a step and takes 200: b's planned 1000 ms steps are expected at 2000.
    const counter = new StepCounter([2, 3], 2, [100, 1000], ['a', 'b']);
    counter.step('a', 200);
    expect(counter.completedSteps).toBe(1);
    expect(counter.totalSteps).toBe(10);
    expect(counter.etaMs(0, 'a')).toBe(3 * 200 + 6 * 1000 * 2);
  });
});
