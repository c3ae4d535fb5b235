import { describe, expect, it } from 'vitest';
import { keepaliveSchedule } from '../model/keepalive.ts';
import { ABSOLUTE_FLOOR_S, CROSS_CPU_TICK_S, TIMER_CALLBACK_LATENCY_S, windowFor } from './tolerance.ts';

describe('windowFor: the cross-CPU jiffy is the kernel\'s own', () => {
  const p = { keepidle_s: 5, keepintvl_s: 3, keepcnt: 2, user_timeout_ms: 0 };

  it('adds one jiffy of the event\'s HZ to a re-armed timer, none to a first arm', () => {
    const probe2 = (hz: number) => keepaliveSchedule(p, { release: '6.1', hz }).events.find((e) => e.id === 'probe-2')!;
    expect(windowFor(probe2(1000)).late_s).toBeCloseTo(0.064 + 0.001 + TIMER_CALLBACK_LATENCY_S, 9);
    expect(windowFor(probe2(250)).late_s).toBeCloseTo(0.256 + 0.004 + TIMER_CALLBACK_LATENCY_S, 9);
    expect(windowFor(probe2(100)).late_s).toBeCloseTo(0.08 + 0.01 + TIMER_CALLBACK_LATENCY_S, 9);
    const probe1 = keepaliveSchedule(p, { release: '6.1', hz: 1000 }).events.find((e) => e.id === 'probe-1')!;
    expect(windowFor(probe1).late_s).toBeCloseTo(probe1.late_s + TIMER_CALLBACK_LATENCY_S, 9);
  });

  it('assumes HZ=250 for an event that does not say, and keeps packetdrill\'s 4 ms floor at every HZ', () => {
    expect(windowFor({ early_s: 0, late_s: 0, after: 'x' }).late_s).toBeCloseTo(ABSOLUTE_FLOOR_S + CROSS_CPU_TICK_S + TIMER_CALLBACK_LATENCY_S, 9);
    expect(windowFor({ early_s: 0.001, late_s: 0.001, after: 'x', jiffy_s: 0.001 })).toEqual({
      early_s: ABSOLUTE_FLOOR_S,
      late_s: ABSOLUTE_FLOOR_S + 0.001 + TIMER_CALLBACK_LATENCY_S,
    });
  });
});
