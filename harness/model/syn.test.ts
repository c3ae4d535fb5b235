import { describe, expect, it } from 'vitest';
import { eventById } from './schedule.ts';
import { synRecvSchedule, synSentSchedule } from './syn.ts';

const retrans = (s: ReturnType<typeof synSentSchedule>, prefix: string) =>
  s.events.filter((e) => e.id.startsWith(prefix)).map((e) => e.at_s);

describe('synSentSchedule', () => {
  it('before 6.5: SYNs at 1, 3, 7, 15, 31, 63 and ETIMEDOUT at 127 s', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6 }, '6.1.0-27-amd64');
    expect(retrans(s, 'syn-retrans-')).toEqual([1, 3, 7, 15, 31, 63]);
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 127, after: 'syn-retrans-6', delay_s: 64 });
    expect(eventById(s, 'abort').earliest_at_s).toBeUndefined();
    expect(s.error).toBe('ETIMEDOUT');
  });

  it('6.5+: four linear backoffs, SYNs at 1,2,3,4,5,7,11,19,35,67 and failure at 131 s', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6 }, '6.18.44-fc-v669');
    expect(retrans(s, 'syn-retrans-')).toEqual([1, 2, 3, 4, 5, 7, 11, 19, 35, 67]);
    expect(eventById(s, 'abort').at_s).toBe(131);
    expect(s.notes.join('\n')).toMatch(/retry limit 10/);
  });

  it('6.5+ with tcp_syn_linear_timeouts=0 behaves like 6.1', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6, tcp_syn_linear_timeouts: 0 }, '6.6.0');
    expect(retrans(s, 'syn-retrans-')).toEqual([1, 3, 7, 15, 31, 63]);
    expect(eventById(s, 'abort').at_s).toBe(127);
  });

  it('6.5+ with TCP_SYNCNT=2: the time bound (7 s), not the count (6), ends it', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6, syncnt: 2 }, '6.18.44-fc-v669');
    expect(retrans(s, 'syn-retrans-')).toEqual([1, 2, 3, 4, 5]);
    expect(eventById(s, 'abort').at_s).toBe(7);
  });

  it('TCP_SYNCNT=3 before 6.5: SYNs at 1, 3, 7 and failure at 15 s', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6, syncnt: 3 }, '5.10.0');
    expect(retrans(s, 'syn-retrans-')).toEqual([1, 3, 7]);
    expect(eventById(s, 'abort').at_s).toBe(15);
  });

  it('4.19.121 (rto_base regression): gives up after 4 retries at 31 s (notes saw 31.6 s)', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6 }, '4.19.121-linuxkit');
    expect(retrans(s, 'syn-retrans-')).toEqual([1, 3, 7, 15]);
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 31, delay_s: 16, late_s: 0.256 });
  });

  it('user timeout 5 s: connect fails at 5 s, not at the 7 s retry', () => {
    for (const k of ['6.1.0-27-amd64', '4.19.121-linuxkit']) {
      const s = synSentSchedule({ tcp_syn_retries: 6, user_timeout_ms: 5000 }, k);
      expect(retrans(s, 'syn-retrans-')).toEqual([1, 3]);
      expect(eventById(s, 'abort')).toMatchObject({ at_s: 5, delay_s: 2 });
    }
    const linear = synSentSchedule({ tcp_syn_retries: 6, user_timeout_ms: 5000 }, '6.18.44-fc-v669');
    expect(retrans(linear, 'syn-retrans-')).toEqual([1, 2, 3, 4]);
    expect(eventById(linear, 'abort').at_s).toBe(5);
  });

  it('before a41e8a88 (5.2): a burst of SYNs one jiffy apart at 5 s, then ETIMEDOUT', () => {
    const s = synSentSchedule({ tcp_syn_retries: 6, user_timeout_ms: 5000 }, '5.2.0');
    expect(retrans(s, 'syn-retrans-')).toEqual([1, 3, 5, 5.004, 5.008, 5.012]);
    expect(eventById(s, 'abort').at_s).toBe(5.016);
  });
});

describe('synRecvSchedule', () => {
  it('SYN-ACK retransmits at 1, 3, 7, 15, 31 and the request is dropped at 63 s', () => {
    const s = synRecvSchedule({ tcp_synack_retries: 5 }, '4.19.121-linuxkit');
    expect(retrans(s, 'synack-retrans-')).toEqual([1, 3, 7, 15, 31]);
    expect(eventById(s, 'drop')).toMatchObject({ at_s: 63, after: 'synack-retrans-5', delay_s: 32 });
    expect(s.error).toBeUndefined();
    expect(s.notes.join('\n')).toMatch(/TCP_USER_TIMEOUT has no effect/);
  });

  it('the listener TCP_SYNCNT overrides tcp_synack_retries; the backoff caps at RTO_MAX', () => {
    expect(eventById(synRecvSchedule({ tcp_synack_retries: 5, listener_syncnt: 2 }, '6.1'), 'drop').at_s).toBe(7);
    const long = synRecvSchedule({ tcp_synack_retries: 9 }, '6.1');
    expect(retrans(long, 'synack-retrans-')).toEqual([1, 3, 7, 15, 31, 63, 127, 247, 367]);
    expect(eventById(long, 'drop').at_s).toBe(487);
  });
});
