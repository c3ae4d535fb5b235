import { describe, expect, it } from 'vitest';
import { samplingMoments } from './sample-moments.ts';

describe('samplingMoments', () => {
  it('keeps the nominal times when nothing can be late', () => {
    expect(samplingMoments([{ id: 'a', at_s: 1, after: null, late_s: 0 }])).toEqual([1]);
  });

  it('covers the lateness a chain of timers can build up (the netstat notes\' 30 s keepalive)', () => {
    const m = samplingMoments([
      { id: 'probe-1', at_s: 30, after: null, late_s: 2.048 },
      { id: 'probe-2', at_s: 40, after: 'probe-1', late_s: 0.256 },
    ]);
    expect(m).toEqual([30, 31, 32, 32.048, 40, 41, 42, 42.304]);
  });
});
