// `npm run predict -- <family> [--set name=value …] [--kernel X.Y.Z] [--hz N]`
export { DEFAULT_COMPARE, parseHz, predict, type Prediction } from './predict.ts';
export { formatFamilies, formatPrediction, formatTime } from './format.ts';
export { FAMILIES, FAMILY_DEFS, type Family } from './families.ts';
export type { KernelComparison, FactDifference } from './compare.ts';
