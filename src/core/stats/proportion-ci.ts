// Confidence interval of a proportion (a rate of events out of trials).

import { normalInvCdf } from './normal-distribution';

export interface ProportionCi {
  low: number;
  high: number;
  level: number;
}

/**
 * Wilson score interval (Wilson 1927). Chosen over the textbook p ± z·sqrt(p(1-p)/n)
 * because that one collapses to [0, 0] at zero events and leaves [0, 1] at small counts,
 * exactly where a false-positive rate near 5% lives; Wilson keeps close to its nominal
 * coverage there (Brown, Cai & DasGupta 2001).
 */
export function wilsonInterval(events: number, trials: number, level = 0.95): ProportionCi {
  if (!(Number.isInteger(trials) && trials > 0)) throw new RangeError(`trials must be a positive whole number, got ${trials}`);
  if (!(Number.isInteger(events) && events >= 0 && events <= trials)) {
    throw new RangeError(`events must be a whole number in [0, ${trials}], got ${events}`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  // Not simple-statistics' probit: its inverse-erf approximation gives 1.9572 for 1.9600.
  const z = normalInvCdf(1 - (1 - level) / 2);
  const p = events / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const halfWidth = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
  return { low: Math.max(0, centre - halfWidth), high: Math.min(1, centre + halfWidth), level };
}
