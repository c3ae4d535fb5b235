import { describe, expect, it } from 'vitest';
import { keepaliveSchedule } from './keepalive.ts';
import { synRecvSchedule } from './syn.ts';
import { eventById, eventsOf, predictedEnd } from './schedule.ts';

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

  it('eventsOf lists one numbered series in order, and nothing of another', () => {
    expect(eventsOf(s, 'probe').map((e) => e.id)).toEqual(['probe-1', 'probe-2', 'probe-3']);
    expect(eventsOf(s.events.slice(1), 'probe').map((e) => e.id)).toEqual(['probe-2', 'probe-3']);
    expect(eventsOf(s, 'rto')).toEqual([]);
  });

  it("eventsOf keeps 'syn-retrans' and 'synack-retrans' apart, and finds a lone 'drop'", () => {
    const r = synRecvSchedule({ tcp_synack_retries: 2 }, '6.1.0');
    expect(eventsOf(r, 'synack-retrans').map((e) => e.id)).toEqual(['synack-retrans-1', 'synack-retrans-2']);
    expect(eventsOf(r, 'syn-retrans')).toEqual([]);
    expect(eventsOf(r, 'drop').map((e) => e.id)).toEqual(['drop']);
  });
});
