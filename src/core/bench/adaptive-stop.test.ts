import { describe, expect, it } from 'vitest';
import { budgetReason, capReason, convergedReason, DEFAULT_ADAPTIVE, relativeHalfWidth } from './adaptive-stop';

describe('adaptive sampling', () => {
  it('has no CI half-width below the sample size a 95% CI of the median needs', () => {
    expect(relativeHalfWidth([100, 101, 102, 103, 104])).toBeNull();
    expect(relativeHalfWidth([100, 101, 102, 103, 104, 105])).not.toBeNull();
  });

  it('stops a tight sample and keeps sampling a loose one', () => {
    const tight = [100, 100.5, 101, 99.5, 100.2, 99.8, 100.1];
    expect(convergedReason(tight, 0.02)).toMatch(/^converged: the 95% CI half-width of the median is \d\.\d% of it after 7 samples \(target 2\.0%\)$/);
    const loose = [100, 140, 90, 130, 80, 120, 110];
    expect(convergedReason(loose, 0.02)).toBeNull();
    expect(convergedReason(tight.slice(0, 5), 0.02)).toBeNull();
  });

  it('says which cap stopped it and how far from the target it was', () => {
    const loose = [100, 140, 90, 130, 80, 120, 110];
    expect(capReason(loose, { samples: 30 }, DEFAULT_ADAPTIVE)).toMatch(/^stopped at the cap of 30 samples after 7 samples: CI half-width \d+\.\d% \(target 2\.0%\)$/);
    expect(capReason(loose, { samples: 7 }, DEFAULT_ADAPTIVE)).toMatch(/^stopped at the samples its plan gave it after 7 samples: CI half-width/);
    expect(budgetReason([100], DEFAULT_ADAPTIVE)).toBe("stopped at the run's time budget of 15m00s after 1 samples: CI half-width no CI yet (target 2.0%)");
  });
});
