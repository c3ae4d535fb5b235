import { describe, expect, it } from 'vitest';
import { persistSchedule } from './persist.ts';
import { eventById, eventsOf } from './schedule.ts';

const probes = (s: ReturnType<typeof persistSchedule>) => eventsOf(s, 'zwp').map((e) => e.at_s);

// The notes' test-zero on 4.19: the window closed 0.248 s after the SYN, then probes at
// 0.458, 0.874, 1.71, 3.38, 6.70, 13.8, 27.1, 53.8, 107.5 s: delays 0.21, 0.416, 0.838,
// 1.664, 3.328, …, i.e. icsk_rto = 0.208 s (52 jiffies at HZ=250).
const ZERO = { rto_s: 0.208, tcp_retries2: 15, user_timeout_ms: 0 };

describe('persistSchedule: zero-window probes nobody answers (test-zero)', () => {
  it('4.19.121: doubling from icsk_rto, capped at 120 s; ETIMEDOUT after the 15th probe', () => {
    const s = persistSchedule(ZERO, '4.19.121-linuxkit');
    expect(probes(s)).toEqual([
      0.208, 0.624, 1.456, 3.12, 6.448, 13.104, 26.416, 53.04, 106.288, 212.784, 332.784, 452.784, 572.784, 692.784, 812.784,
    ]);
    expect(eventById(s, 'zwp-1')).toMatchObject({ after: null, delay_s: 0.208, label: 'zero-window probe 1' });
    expect(eventById(s, 'zwp-2').delay_s).toBe(0.416);
    expect(eventById(s, 'zwp-10').delay_s).toBe(106.496);
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 932.784, after: 'zwp-15', delay_s: 120, late_s: 2.048 });
    expect(s.error).toBe('ETIMEDOUT');
  });

  it('the 120 s intervals are re-armed from an equally coarse firing: exact lateness', () => {
    const s = persistSchedule(ZERO, '6.1.0-27-amd64');
    const a = eventById(s, 'zwp-12').aligned!;
    expect(a.late_s).toBeCloseTo(0.832, 9); // 30000 jiffies, granule 512: 59 x 512 - 30000 = 208 jiffies
    expect(a.jitter_s).toBe(0.008);
    expect(eventById(s, 'zwp-2').aligned).toBeUndefined(); // armed from a finer firing
  });

  it('before 3976535af0cb (4.19.88): one more probe before the abort', () => {
    const s = persistSchedule(ZERO, '4.19.88');
    expect(probes(s)).toHaveLength(16);
    expect(eventById(s, 'abort').at_s).toBe(1052.784);
  });

  it('6.18 behaves like 4.19 without a user timeout', () => {
    const s = persistSchedule(ZERO, '6.18.44-fc-v669');
    expect(probes(s)).toHaveLength(15);
    expect(eventById(s, 'abort').at_s).toBe(932.784);
  });

  it('4.19.121 with TCP_USER_TIMEOUT 60 s: death at the first firing past it, 106.288 s (notes: 107.5 s from the SYN)', () => {
    const s = persistSchedule({ ...ZERO, user_timeout_ms: 60_000 }, '4.19.121-linuxkit');
    expect(probes(s)).toHaveLength(8);
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 106.288, after: 'zwp-8', delay_s: 53.248 });
    expect(eventById(s, 'abort').earliest_at_s).toBeUndefined();
    expect(s.error).toBe('ETIMEDOUT');
  });

  it('6.1 and 6.18 clamp the probe timer to the user timeout (344db93ae3ee): death at first probe + 60 s', () => {
    for (const k of ['6.1.0-27-amd64', '6.18.44-fc-v669', '5.10.13', '5.4.96']) {
      const s = persistSchedule({ ...ZERO, user_timeout_ms: 60_000 }, k);
      expect(probes(s)).toHaveLength(8);
      // Timed from the first probe (icsk_probes_tstamp), not from the 8th: the clamped delay
      // (7.168 s nominally) absorbs the lateness of the probes in between.
      expect(eventById(s, 'abort')).toMatchObject({ at_s: 60.208, after: 'zwp-1', delay_s: 60, early_s: 0.004, late_s: 0.256 });
    }
  });

  it('5.10.12: icsk_probes_tstamp but no clamp yet: the next firing at or past 60 s', () => {
    expect(eventById(persistSchedule({ ...ZERO, user_timeout_ms: 60_000 }, '5.10.12'), 'abort').at_s).toBe(106.288);
  });

  it('a short user timeout: the clamp floor and the unclamped first probe', () => {
    const s = persistSchedule({ ...ZERO, user_timeout_ms: 1000 }, '6.1.0');
    expect(probes(s)).toEqual([0.208, 0.624]);
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 1.208, after: 'zwp-1', delay_s: 1, late_s: 0.032 }); // clamped to 0.584 s: granule 8
  });
});

describe('persistSchedule: a receiver that answers with a zero window', () => {
  const PACING = { ...ZERO, peer_answers: true };

  it('a live socket probes for ever (RFC 1122): no death within the horizon', () => {
    const s = persistSchedule({ ...PACING, horizon_s: 1000 }, '6.1.0');
    expect(probes(s)).toHaveLength(16); // 812.784 + 120 = 932.784 <= 1000
    expect(s.events.find((e) => e.id === 'abort')).toBeUndefined();
    expect(s.error).toBeUndefined();
  });

  it('the user timeout: 4.19 and 6.x still fire; 5.1 to 5.10.11 never fire (9721e709fa68 regression)', () => {
    const ut = { ...PACING, user_timeout_ms: 60_000, horizon_s: 400 };
    expect(eventById(persistSchedule(ut, '4.19.121'), 'abort').at_s).toBe(106.288);
    expect(eventById(persistSchedule(ut, '6.1.0'), 'abort').at_s).toBe(60.208);
    const broken = persistSchedule(ut, '5.4.50');
    expect(broken.events.find((e) => e.id === 'abort')).toBeUndefined();
    expect(broken.notes.join('\n')).toMatch(/never fires/);
  });

  it('5.4.50 with unanswered probes: the modelled time (511 x 0.208 s) passes 60 s at the 9th firing', () => {
    expect(eventById(persistSchedule({ ...ZERO, user_timeout_ms: 60_000 }, '5.4.50'), 'abort').at_s).toBe(106.288);
  });
});

describe('persistSchedule: orphans (test-pacing: the client closes with its buffer full)', () => {
  it('answered probes, tcp_orphan_retries 0: dies silently at the 11th firing, 332.784 s (notes: ~5.5 min, no FIN/RST)', () => {
    const s = persistSchedule({ ...ZERO, peer_answers: true, orphan: true }, '4.19.121-linuxkit');
    expect(probes(s)).toHaveLength(10);
    const death = eventById(s, 'abort');
    expect(death).toMatchObject({ at_s: 332.784, after: 'zwp-10', delay_s: 120 });
    expect(death.label).toMatch(/RTO_MAX/);
    expect(s.error).toBeUndefined();
    // Same on current kernels.
    expect(eventById(persistSchedule({ ...ZERO, peer_answers: true, orphan: true }, '6.18.44'), 'abort').at_s).toBe(332.784);
  });

  it('unanswered probes: 8 probes while alive, then gone at the 9th firing', () => {
    const s = persistSchedule({ ...ZERO, orphan: true }, '6.1.0');
    expect(probes(s)).toHaveLength(8);
    expect(eventById(s, 'abort').at_s).toBe(106.288);
    expect(s.error).toBeUndefined();
  });

  it('tcp_orphan_retries 3 with unanswered probes: 3 probes', () => {
    const s = persistSchedule({ ...ZERO, orphan: true, tcp_orphan_retries: 3 }, '6.1.0');
    expect(probes(s)).toEqual([0.208, 0.624, 1.456]);
    expect(eventById(s, 'abort').at_s).toBe(3.12);
  });

  it('closed later: a live socket until then', () => {
    const s = persistSchedule({ ...ZERO, orphan: true, orphan_at_s: 60 }, '6.1.0');
    expect(probes(s)).toHaveLength(8); // 8 probes out by 53.04 s; the 106.288 s firing sees the orphan
    expect(eventById(s, 'abort').at_s).toBe(106.288);
  });

  it('tcp_retries2 5 caps icsk_backoff, so an answered orphan never reaches RTO_MAX and never dies', () => {
    const s = persistSchedule({ ...ZERO, tcp_retries2: 5, peer_answers: true, orphan: true, horizon_s: 600 }, '6.1.0');
    expect(s.events.find((e) => e.id === 'abort')).toBeUndefined();
    expect(eventById(s, 'zwp-6').delay_s).toBe(6.656);
    expect(eventById(s, 'zwp-7').delay_s).toBe(6.656);
    expect(probes(s)).toHaveLength(94);
  });
});

describe('persistSchedule: TCP_RTO_MAX_MS (6.15+)', () => {
  it('a 10 s RTO_MAX caps the probe interval on 6.18 and is ignored on 6.1', () => {
    const s = persistSchedule({ ...ZERO, rto_max_s: 10 }, '6.18.44');
    expect(eventById(s, 'zwp-7')).toMatchObject({ at_s: 23.104, delay_s: 10 });
    expect(eventById(s, 'abort').at_s).toBe(113.104);
    expect(eventById(persistSchedule({ ...ZERO, rto_max_s: 10 }, '6.1.0'), 'abort').at_s).toBe(932.784);
  });

  it('rejects nonsense', () => {
    expect(() => persistSchedule({ ...ZERO, rto_s: 0 }, '6.1.0')).toThrow(/bad parameters/);
    expect(() => persistSchedule({ ...ZERO, rto_max_s: 0.5 }, '6.18.0')).toThrow(/1\.\.120/);
  });
});

describe('persistSchedule: answers on loopback arrive within the probe\'s jiffy', () => {
  it('the timer re-armed by the answer is as aligned as a callback re-arm', () => {
    const base = { rto_s: 0.208, tcp_retries2: 15, user_timeout_ms: 0, peer_answers: true, horizon_s: 10 };
    expect(eventById(persistSchedule(base, '6.18.44'), 'zwp-3').aligned).toBeUndefined();
    const a = eventById(persistSchedule({ ...base, answers_within_jiffy: true }, '6.18.44'), 'zwp-3').aligned!;
    expect(0.832 + a.late_s).toBeCloseTo(0.864, 9); // measured on 6.18 (test-pacing)
  });
});

