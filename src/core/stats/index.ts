// Public surface of the statistics module: pure functions, no I/O.

export { compareFamilyToBaseline, type FamilyComparison } from './baseline-family';
export { descriptiveStats, P95_DEFINITION, type Descriptive } from './descriptive';
export { mannWhitneyUTest, minSamplesToDetect, type MannWhitneyMethod, type MannWhitneyResult } from './mann-whitney';
export { medianCi, medianCiOrders, minSamplesForMedianCi, type MedianCi, type MedianCiOrders } from './median-ci';
export { HOLM, holmAdjust } from './holm';
export { findOutliers, modifiedZScores, OUTLIER_THRESHOLD } from './outliers';
export {
  compareToBaseline,
  hasEnoughSamplesForVerdict,
  MIN_SAMPLES_FOR_CONFIDENCE,
  MIN_SAMPLES_FOR_VERDICT,
  summarize,
  type BaselineComparison,
} from './summarize';
