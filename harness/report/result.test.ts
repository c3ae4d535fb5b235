import { describe, expect, it } from 'vitest';
import { resultSchema } from './result.ts';
import { syntheticIdleRun } from './synthetic-runs.ts';

describe('resultSchema', () => {
  it('holds what an expectation matched to the event at that index of events', () => {
    const r = syntheticIdleRun();
    expect(resultSchema.safeParse(r).success).toBe(true);
    const shifted = syntheticIdleRun();
    shifted.expectations[0]!.matched!.index += 1;
    expect(resultSchema.safeParse(shifted).success).toBe(false);
  });
});
