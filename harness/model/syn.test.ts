import { describe, expect, it } from 'vitest';
import { eventById, eventsOf, type EventSeries } from './schedule.ts';
import { synRecvSchedule, synSentSchedule } from './syn.ts';

const retrans = (s: ReturnType<typeof synSentSchedule>, series: EventSeries = 'syn-retrans') => eventsOf(s, series).map((e) => e.at_s);

describe('synSentSchedule', () => {
  it('before 6.5: SYNs at 1, 3, 7, 15, 31, 63 and ETIMEDOUT at 127 s', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6 }, '6.1.0-27-amd64');
    expect(retrans(s)).toEqual([1, 3, 7, 15, 31, 63]);
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 127, after: 'syn-retrans-6', delay_s: 64 });
    expect(eventById(s, 'abort').earliest_at_s).toBeUndefined();
    expect(s.error).toBe('ETIMEDOUT');
  });

  it('6.5+: four linear backoffs, SYNs at 1,2,3,4,5,7,11,19,35,67 and failure at 131 s', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6 }, '6.18.44-fc-v669');
    expect(retrans(s)).toEqual([1, 2, 3, 4, 5, 7, 11, 19, 35, 67]);
    expect(eventById(s, 'abort').at_s).toBe(131);
    expect(s.notes.join('\n')).toMatch(/retry limit 10/);
  });

  it('6.5+ with tcp_syn_linear_timeouts=0 behaves like 6.1', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6, tcp_syn_linear_timeouts: 0 }, '6.6.0');
    expect(retrans(s)).toEqual([1, 3, 7, 15, 31, 63]);
    expect(eventById(s, 'abort').at_s).toBe(127);
  });

  it('6.5+ with TCP_SYNCNT=2: the time bound (7 s), not the count (6), ends it', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6, syncnt: 2 }, '6.18.44-fc-v669');
    expect(retrans(s)).toEqual([1, 2, 3, 4, 5]);
    expect(eventById(s, 'abort').at_s).toBe(7);
  });

  it('TCP_SYNCNT=3 before 6.5: SYNs at 1, 3, 7 and failure at 15 s', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6, syncnt: 3 }, '5.10.0');
    expect(retrans(s)).toEqual([1, 3, 7]);
    expect(eventById(s, 'abort').at_s).toBe(15);
  });

  it('4.19.121 (rto_base regression): gives up after 4 retries at 31 s (notes saw 31.6 s)', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6 }, '4.19.121-linuxkit');
    expect(retrans(s)).toEqual([1, 3, 7, 15]);
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 31, delay_s: 16, late_s: 0.256 });
  });

  it('user timeout 5 s: connect fails at 5 s, not at the 7 s retry', () => {
    for (const k of ['6.1.0-27-amd64', '4.19.121-linuxkit']) {
      const s = synSentSchedule({ tcp_syn_retries: 6, user_timeout_ms: 5000 }, k);
      expect(retrans(s)).toEqual([1, 3]);
      // Clamped to the user timeout: timed from the first SYN, late by one 2 s timer's granule at most.
      expect(eventById(s, 'abort')).toMatchObject({ at_s: 5, after: null, delay_s: 5, late_s: 0.032 });
    }
    const linear = synSentSchedule({ tcp_syn_retries: 6, user_timeout_ms: 5000 }, '6.18.44-fc-v669');
    expect(retrans(linear)).toEqual([1, 2, 3, 4]);
    expect(eventById(linear, 'abort').at_s).toBe(5);
  });

  it('a user timeout between two retries: the clamped RTO ends connect() at the user timeout, from the first SYN', () => {
    // Measured on 6.18: the failure came 2.535 s after the first SYN, while the
    // 2 s retry was itself 55 ms late; the clamp does not carry that lateness.
    const s = synSentSchedule({ tcp_syn_retries: 2, user_timeout_ms: 2500 }, '6.18.44-fc-v669');
    expect(retrans(s)).toEqual([1, 2]);
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 2.5, after: null, delay_s: 2.5, early_s: 0.004, late_s: 0.032 });
    // Without a user timeout the RTO chain stays relative to the previous firing.
    expect(eventById(synSentSchedule({ tcp_syn_retries: 2 }, '6.18.44-fc-v669'), 'abort')).toMatchObject({ after: 'syn-retrans-5', delay_s: 2 });
  });

  it('with a user timeout the notes say it bounds connect(), and which of count and time ended it', () => {
    // 6.18, tcp_syn_retries 1 + 4 linear: SYNs at 1-5 s, the count ends it at 7 s, long before 30 s.
    const byCount = synSentSchedule({ tcp_syn_retries: 1, user_timeout_ms: 30_000 }, '6.18.44-fc-v1045');
    expect(eventById(byCount, 'abort').at_s).toBe(7);
    expect(byCount.notes).toContain('TCP_USER_TIMEOUT 30000 ms bounds connect() in place of the time bound (a41e8a88b06e)');
    expect(byCount.notes).toContain('gives up after 5 retransmissions (count)');
    expect(byCount.notes.join('\n')).not.toMatch(/ends connect\(\)|time bound \d/);
    // 6.1, tcp_syn_retries 6: the 5 s user timeout ends it before the count.
    const byTime = synSentSchedule({ tcp_syn_retries: 6, user_timeout_ms: 5000 }, '6.1');
    expect(eventById(byTime, 'abort').at_s).toBe(5);
    expect(byTime.notes).toContain('gives up after 2 retransmissions (time bound 5 s: TCP_USER_TIMEOUT)');
  });

  it('before a41e8a88 (5.2): a burst of SYNs one jiffy apart at 5 s, then ETIMEDOUT', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6, user_timeout_ms: 5000 }, '5.2.0');
    expect(retrans(s)).toEqual([1, 3, 5, 5.004, 5.008, 5.012]);
    expect(eventById(s, 'abort').at_s).toBe(5.016);
  });
});

describe('timer-wheel alignment of re-armed SYN timers (6.18 measurements)', () => {
  it('SYN-SENT: each retry armed from an equally coarse firing has an exact lateness', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6 }, '6.18.44-fc-v669');
    const late = (id: string) => eventById(s, id).aligned?.late_s;
    expect(late('syn-retrans-1')).toBeUndefined(); // armed by connect(), phase unknown
    expect(late('syn-retrans-2')).toBeCloseTo(0.024, 9); // 1 s after a 1 s firing (measured +24 ms)
    expect(late('syn-retrans-6')).toBeCloseTo(0.016, 9); // 2 s after 1 s, both granule 8 (measured +16 ms)
    expect(late('syn-retrans-7')).toBeUndefined(); // 4 s (granule 64) after a granule-8 firing
    expect(late('syn-retrans-8')).toBeCloseTo(0.192, 9); // measured +192 ms
    expect(late('syn-retrans-9')).toBeCloseTo(0.128, 9); // measured +128 ms
    expect(late('syn-retrans-10')).toBeUndefined(); // 32 s (granule 512) after granule 64
    expect(late('abort')).toBeCloseTo(1.536, 9); // 64 s after 32 s (measured +1.537 s at connect())
  });

  it('SYN-RECV: the request timer too; the clamped user-timeout abort is not aligned', () => {
    const r = synRecvSchedule({ tcp_synack_retries: 5 }, '6.18.44-fc-v669');
    expect(eventById(r, 'synack-retrans-2').aligned?.late_s).toBeCloseTo(0.016, 9);
    expect(eventById(r, 'synack-retrans-4').aligned?.late_s).toBeCloseTo(0.192, 9); // 8 s: measured +192 ms
    expect(eventById(r, 'synack-retrans-5').aligned?.late_s).toBeCloseTo(0.128, 9); // 16 s: measured +128 ms
    expect(eventById(synSentSchedule({ tcp_syn_retries: 2, user_timeout_ms: 2500 }, '6.18.44-fc-v669'), 'abort').aligned).toBeUndefined();
  });
});

describe('synRecvSchedule', () => {
  it('SYN-ACK retransmits at 1, 3, 7, 15, 31 and the request is dropped at 63 s', () => {
    const s = synRecvSchedule({ tcp_synack_retries: 5 }, '4.19.121-linuxkit');
    expect(retrans(s, 'synack-retrans')).toEqual([1, 3, 7, 15, 31]);
    expect(eventById(s, 'drop')).toMatchObject({ at_s: 63, after: 'synack-retrans-5', delay_s: 32 });
    expect(s.error).toBeUndefined();
    expect(s.notes.join('\n')).toMatch(/TCP_USER_TIMEOUT has no effect/);
  });

  it('the listener TCP_SYNCNT overrides tcp_synack_retries; the backoff caps at RTO_MAX', () => {
    expect(eventById(synRecvSchedule({ tcp_synack_retries: 5, listener_syncnt: 2 }, '6.1'), 'drop').at_s).toBe(7);
    const long = synRecvSchedule({ tcp_synack_retries: 9 }, '6.1');
    expect(retrans(long, 'synack-retrans')).toEqual([1, 3, 7, 15, 31, 63, 127, 247, 367]);
    expect(eventById(long, 'drop').at_s).toBe(487);
  });
});
