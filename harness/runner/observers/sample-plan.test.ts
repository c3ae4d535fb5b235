import { describe, expect, it } from 'vitest';
import { DENSE_S, nextSampleDelay, SPARSE_S, VERY_SPARSE_S } from './sample-plan.ts';

describe('nextSampleDelay', () => {
  const predicted = [5, 8, 11, 14];

  it('samples densely around a predicted event', () => {
    expect(nextSampleDelay(4.5, predicted)).toBe(DENSE_S);
    expect(nextSampleDelay(5.9, predicted)).toBe(DENSE_S);
  });

  it('samples sparsely between events but wakes before the next dense window', () => {
    expect(nextSampleDelay(1, predicted)).toBe(SPARSE_S);
    expect(nextSampleDelay(6.5, predicted)).toBeCloseTo(0.5, 9);
  });

  it('samples very sparsely in long waits', () => {
    expect(nextSampleDelay(100, [900])).toBe(VERY_SPARSE_S);
  });

  it('keeps sampling every second past the last prediction, where a wrong model would show', () => {
    expect(nextSampleDelay(20, predicted)).toBe(SPARSE_S);
  });
});
