import { describe, expect, it } from 'vitest';
import { answeredProbePeriod, conntrackFate, conntrackHalfOpenSchedule, type ConntrackHalfOpenParams } from './conntrack.ts';
import { keepaliveSchedule } from './keepalive.ts';
import { eventById, eventsOf } from './schedule.ts';

const K = { release: '6.18.44-fc-v1045', hz: 250 };
const real: ConntrackHalfOpenParams = { keepidle_s: 30, keepintvl_s: 10, keepcnt: 3, ct_established_s: 60, write_at_s: 135 };
const fast: ConntrackHalfOpenParams = { keepidle_s: 1, keepintvl_s: 1, keepcnt: 2, ct_established_s: 2, write_at_s: 4.5 };

describe('conntrackFate (nf_ct_refresh_acct on every in-window packet; nf_ct_is_expired in ____nf_conntrack_find)', () => {
  it('keepalive shorter than the established timeout keeps the entry; longer lets it expire before the first probe', () => {
    expect(conntrackFate(real, 250)).toBe('kept-alive');
    expect(conntrackFate({ ...real, keepidle_s: 90 }, 250)).toBe('dies');
    expect(conntrackFate(fast, 250)).toBe('kept-alive');
    expect(conntrackFate({ ...fast, keepidle_s: 3 }, 250)).toBe('dies');
  });

  it('refuses a first probe within its timer lateness of the timeout (the phase decides)', () => {
    // 60 s at HZ=250: granule 2.048 s (+1 jiffy, armed in tcp_finish_connect()).
    expect(() => conntrackFate({ ...real, keepidle_s: 59 }, 250)).toThrow(/within the first probe's timer lateness/);
    expect(() => conntrackFate({ ...real, keepidle_s: 60 }, 250)).toThrow(/within the first probe's timer lateness/);
    expect(conntrackFate({ ...real, keepidle_s: 57 }, 250)).toBe('kept-alive');
  });

  it('refuses a first probe in time followed by answered probes too far apart (not modelled)', () => {
    expect(() => conntrackFate({ ...real, keepintvl_s: 75 }, 250)).toThrow(/survives one probe and dies later/);
  });

  it('answered probes come TCP_KEEPIDLE apart, or TCP_KEEPINTVL when that is longer (tcp_keepalive_timer elapsed test)', () => {
    expect(answeredProbePeriod({ keepidle_s: 30, keepintvl_s: 10 })).toBe(30);
    expect(answeredProbePeriod({ keepidle_s: 1, keepintvl_s: 4 })).toBe(4);
  });
});

describe('conntrackHalfOpenSchedule', () => {
  it('kept alive (real length): answered probes at 30, 60, 90, 120 s, each ACKed, then the write at 135 s', () => {
    const s = conntrackHalfOpenSchedule(real, K);
    expect(eventsOf(s, 'probe').map((e) => e.at_s)).toEqual([30, 60, 90, 120]);
    expect(eventsOf(s, 'answer').map((e) => [e.after, e.delay_s, e.late_s])).toEqual([
      ['probe-1', 0, 0],
      ['probe-2', 0, 0],
      ['probe-3', 0, 0],
      ['probe-4', 0, 0],
    ]);
    expect(eventById(s, 'write')).toMatchObject({ at_s: 135, after: null });
    expect(s.error).toBeUndefined();
    // Probe 2 comes from the re-armed (keepidle - keepintvl) = 20 s timer: its 2.048 s granule bounds the lateness.
    expect(eventById(s, 'probe-2')).toMatchObject({ after: 'probe-1', delay_s: 30, late_s: 2.048 });
    expect(eventById(s, 'probe-1').cite).toMatch(/tcp_keepalive_timer/);
    expect(eventById(s, 'write').cite).toMatch(/nf_ct_refresh_acct/);
  });

  it('kept alive (fast): KEEPINTVL = KEEPIDLE re-arms in the probe callback, aligned to the wheel', () => {
    const s = conntrackHalfOpenSchedule(fast, K);
    expect(eventsOf(s, 'probe').map((e) => e.at_s)).toEqual([1, 2, 3, 4]);
    // 1 s = 250 jiffies, granule 8: 256 jiffies after the previous probe, every time (alignedFiring).
    expect(eventById(s, 'probe-2').aligned?.late_s).toBeCloseTo(0.024, 9);
  });

  it('dies: the first probe finds the entry expired, so every probe is unanswered: test-idle\'s schedule', () => {
    const longer = { ...real, keepidle_s: 90 };
    const s = conntrackHalfOpenSchedule(longer, K);
    const idle = keepaliveSchedule({ keepidle_s: 90, keepintvl_s: 10, keepcnt: 3, user_timeout_ms: 0 }, K);
    expect(s.events).toEqual(idle.events);
    expect(s.events.map((e) => [e.id, e.at_s])).toEqual([
      ['probe-1', 90],
      ['probe-2', 100],
      ['probe-3', 110],
      ['abort', 120],
    ]);
    expect(s.error).toBe('ETIMEDOUT');
    expect(s.notes.join(' ')).toMatch(/tcp_loose=0.*INVALID/);
  });

  it('refuses a write within a probe\'s window', () => {
    // Probe 4 is due at 120 s, up to 3 granules (2.048 s each) + the first arm's late.
    expect(() => conntrackHalfOpenSchedule({ ...real, write_at_s: 121 }, K)).toThrow(/too close to the write/);
    expect(() => conntrackHalfOpenSchedule({ ...fast, write_at_s: 4 }, K)).toThrow(/too close to the write/);
  });

  it('rejects nonsense', () => {
    expect(() => conntrackHalfOpenSchedule({ ...real, ct_established_s: 0 }, K)).toThrow(/bad parameters/);
  });
});
