import { describe, expect, it } from 'vitest';
import { keepaliveSchedule } from './keepalive.ts';
import { eventById, predictedEnd } from './schedule.ts';

// The figures themselves (14 s keepalive death, the 924.6 s tcp_retries2=15 bound)
// are pinned in keepalive.test.ts and rto.test.ts.
describe('schedule helpers', () => {
  const s = keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 0 }, '6.1.0');

  it('predictedEnd covers the last event and its lateness', () => {
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 14, late_s: 0.256 });
    expect(predictedEnd(s)).toBe(14.256);
  });

  it('eventById names an event the model did not predict', () => {
    expect(eventById(s, 'probe-3').at_s).toBe(11);
    expect(() => eventById(s, 'probe-4')).toThrow("the model predicted no event 'probe-4'");
  });
});
