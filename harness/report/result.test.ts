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

  it('takes the HZ the model used and its source, and a run folder from before they were recorded', () => {
    const old = syntheticIdleRun();
    expect('hz' in old || 'hz_source' in old).toBe(false);
    expect(resultSchema.safeParse(old).success).toBe(true);
    const parsed = resultSchema.safeParse({ ...old, hz: 1000, hz_source: 'config' });
    expect(parsed.success && [parsed.data.hz, parsed.data.hz_source]).toEqual([1000, 'config']);
    expect(resultSchema.safeParse({ ...old, hz: 1000, hz_source: 'guessed' }).success).toBe(false);
    expect(resultSchema.safeParse({ ...old, hz: '1000' }).success).toBe(false);
  });
});
