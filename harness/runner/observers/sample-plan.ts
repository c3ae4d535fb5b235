// When to sample `ss`: densely near the moments the model predicts, sparsely in
// long waits, so a 15-minute run costs a few hundred spawns, not thousands, and
// parallel runs do not starve each other.

/** Within this distance of a predicted event, sample every DENSE_S. */
export const NEAR_S = 1.0;
export const DENSE_S = 0.1;
/** Between events, sample at least this often… */
export const SPARSE_S = 1.0;
/** …unless the next event is further than LONG_WAIT_S away. */
export const LONG_WAIT_S = 30;
export const VERY_SPARSE_S = 5.0;

export function nextSampleDelay(t: number, predicted: readonly number[]): number {
  const ahead = predicted.filter((p) => p >= t - NEAR_S);
  if (ahead.some((p) => Math.abs(p - t) <= NEAR_S)) return DENSE_S;
  const next = Math.min(...ahead);
  const gap = next - t;
  // Wake up just before the dense window of the next event.
  // Past the last prediction the run only goes on if the model was wrong: keep looking.
  if (!Number.isFinite(gap)) return SPARSE_S;
  const budget = Math.max(DENSE_S, gap - NEAR_S);
  const cap = gap > LONG_WAIT_S ? VERY_SPARSE_S : SPARSE_S;
  return Math.min(cap, budget);
}
