import { describe, expect, it } from 'vitest';
import { keepaliveSchedule } from './keepalive.ts';
import { eventById, eventsOf } from './schedule.ts';

const times = (s: ReturnType<typeof keepaliveSchedule>) => s.events.map((e) => [e.id, e.at_s]);

describe('keepaliveSchedule (tcp_keepalive_timer)', () => {
  it('IDLE=5 INTVL=3 CNT=3: probes at 5, 8, 11 and the RST at 14 (notes, test-idle)', () => {
    const s = keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 0 }, '6.18.44-fc-v669');
    expect(times(s)).toEqual([
      ['probe-1', 5],
      ['probe-2', 8],
      ['probe-3', 11],
      ['abort', 14],
    ]);
    expect(s.error).toBe('ETIMEDOUT');
    expect(eventById(s, 'probe-2').label).toBe('keepalive probe 2');
    expect(eventById(s, 'abort').label).toBe('RST: keepalive gives up');
  });

  it('chains each timer on the previous event with wheel windows (HZ=250)', () => {
    const s = keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 0 }, '6.1.0-27-amd64');
    const p1 = eventById(s, 'probe-1');
    expect(p1).toMatchObject({ after: null, delay_s: 5, early_s: 0.004, late_s: 0.256 + 0.004 }); // granule + one jiffy: armed outside a timer callback (tick-phase.ts)
    expect(eventById(s, 'probe-2')).toMatchObject({ after: 'probe-1', delay_s: 3, late_s: 0.256 });
    expect(eventById(s, 'abort')).toMatchObject({ after: 'probe-3', delay_s: 3 });
    expect(p1.cite).toMatch(/tcp_keepalive_timer/);
  });

  it('user timeout 3 s: dies at 8 s, the first firing after it with a probe out', () => {
    const s = keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 3000 }, '4.19.121-linuxkit');
    expect(times(s)).toEqual([
      ['probe-1', 5],
      ['abort', 8],
    ]);
  });

  it('user timeout 10 s: dies at 11 s, KEEPCNT not reached', () => {
    const s = keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 10000 }, '6.18.44-fc-v669');
    expect(times(s)).toEqual([
      ['probe-1', 5],
      ['probe-2', 8],
      ['abort', 11],
    ]);
  });

  it('user timeout 30 s: KEEPCNT is ignored, probing goes on past 3 probes', () => {
    const s = keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 30000 }, '6.18.44-fc-v669');
    expect(eventsOf(s, 'probe').map((e) => e.at_s)).toEqual([5, 8, 11, 14, 17, 20, 23, 26, 29]);
    expect(eventById(s, 'abort').at_s).toBe(32);
  });

  it('IDLE=1 INTVL=11 user timeout 5 s: no clamp to the user timeout, abort at 12 s', () => {
    // At 1 s the timer finds elapsed >= keepidle but no probe out, so it probes and
    // re-arms for keepintvl (11 s). Nothing re-arms it sooner in any version read,
    // so the abort comes at 12 s, 7 s after the user timeout.
    for (const k of ['4.19.121-linuxkit', '6.1.0-27-amd64', '6.18.44-fc-v669']) {
      const s = keepaliveSchedule({ keepidle_s: 1, keepintvl_s: 11, keepcnt: 9, user_timeout_ms: 5000 }, k);
      expect(times(s)).toEqual([
        ['probe-1', 1],
        ['abort', 12],
      ]);
      expect(eventById(s, 'abort')).toMatchObject({ after: 'probe-1', delay_s: 11, late_s: 0.256 });
    }
  });

  it('user timeout equal to a firing time aborts at that firing (elapsed >= user_timeout)', () => {
    const s = keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 8000 }, '6.1.0');
    expect(eventById(s, 'abort').at_s).toBe(8);
  });

  it('a user timeout just past a firing may be reached there through timer lateness', () => {
    // 8.1 s: nominally the 8 s firing is short of it (abort at 11), but the 5 s and 3 s
    // timers may each be up to 256 ms late, so the 8 s firing may already see 8.1 s.
    const s = keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 8100 }, '6.1.0');
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 11, earliest_at_s: 8 });
    const exact = keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 10000 }, '6.1.0');
    expect(eventById(exact, 'abort').earliest_at_s).toBeUndefined();
  });

  it('the netstat notes: IDLE=30 INTVL=10 CNT=4 → probes 30..60, drop at 70', () => {
    const s = keepaliveSchedule({ keepidle_s: 30, keepintvl_s: 10, keepcnt: 4, user_timeout_ms: 0 }, '6.1.0');
    expect(times(s)).toEqual([
      ['probe-1', 30],
      ['probe-2', 40],
      ['probe-3', 50],
      ['probe-4', 60],
      ['abort', 70],
    ]);
    expect(eventById(s, 'probe-1').late_s).toBeCloseTo(2.048 + 0.004, 9); // 7500 jiffies: level 3, plus the first-arm jiffy (tick-phase.ts)
  });

  it('rejects nonsense', () => {
    expect(() => keepaliveSchedule({ keepidle_s: 0, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 0 }, '6.1')).toThrow();
    expect(() => keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 0 }, 'nope')).toThrow();
  });
});

describe('keepaliveSchedule: phase-aligned re-arming', () => {
  it('probes 2.. and the abort are re-armed in the previous firing: exactly 72 ms late for a 3 s interval', () => {
    const s = keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 0 }, '6.18.44');
    expect(s.events[0]!.aligned).toBeUndefined(); // armed by tcp_finish_connect: phase unknown
    for (const e of s.events.slice(1)) expect(e.aligned!.late_s).toBeCloseTo(0.072, 9);
  });
});

