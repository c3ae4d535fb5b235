import { describe, expect, it } from 'vitest';
import { deferAcceptSchedule, retransToSecs, secsToRetrans } from './defer-accept.ts';
import { eventById, eventsOf } from './schedule.ts';

describe('secsToRetrans / retransToSecs (net/ipv4/tcp.c)', () => {
  it('TCP_DEFER_ACCEPT seconds become SYN-ACK timeouts: 10 s → 4 (1+2+4+8 = 15 s)', () => {
    expect([0, 1, 2, 3, 4, 10, 15, 16, 31, 32].map((s) => secsToRetrans(s))).toEqual([0, 1, 2, 2, 3, 4, 4, 5, 5, 6]);
    expect(retransToSecs(4)).toBe(15);
    expect(retransToSecs(0)).toBe(0);
    expect(retransToSecs(9)).toBe(1 + 2 + 4 + 8 + 16 + 32 + 64 + 120 + 120);
  });
});

describe('deferAcceptSchedule', () => {
  it('data at 8 s (notes, 4.19): SYN-RECV until the data, no SYN-ACK retransmission, acceptable at 8 s', () => {
    for (const k of ['4.19.121-linuxkit', '6.18.44-fc-v669']) {
      const s = deferAcceptSchedule({ defer_accept_s: 10, tcp_synack_retries: 5, data_at_s: 8 }, k);
      expect(s.events.map((e) => [e.id, e.at_s])).toEqual([
        ['reqsk-timer-1', 1],
        ['reqsk-timer-2', 3],
        ['reqsk-timer-3', 7],
        ['accept', 8],
      ]);
      expect(eventById(s, 'reqsk-timer-3')).toMatchObject({ after: 'reqsk-timer-2', delay_s: 4, late_s: 0.256 });
      expect(eventById(s, 'accept')).toMatchObject({ after: null, delay_s: 8, early_s: 0, late_s: 0 });
      expect(eventsOf(s, 'synack-retrans').length > 0).toBe(false);
    }
  });

  it('data at 20 s (notes, 4.19): one SYN-ACK at the 15 s slot, ESTABLISHED without data, 5 s more until the data', () => {
    for (const k of ['4.19.121-linuxkit', '6.1.0-27-amd64', '6.18.44-fc-v669']) {
      const s = deferAcceptSchedule({ defer_accept_s: 10, tcp_synack_retries: 5, data_at_s: 20 }, k);
      expect(s.events.map((e) => [e.id, e.at_s])).toEqual([
        ['reqsk-timer-1', 1],
        ['reqsk-timer-2', 3],
        ['reqsk-timer-3', 7],
        ['synack-retrans-1', 15],
        ['accept', 15],
        ['data', 20],
      ]);
      expect(eventById(s, 'synack-retrans-1')).toMatchObject({ after: 'reqsk-timer-3', delay_s: 8, late_s: 0.256 });
      // 2000 jiffies armed from a 1000-jiffy firing (both granule 64): 32 x 64 - 2000 = 48 jiffies late.
      expect(eventById(s, 'synack-retrans-1').aligned?.late_s).toBeCloseTo(0.192, 9);
      expect(eventById(s, 'reqsk-timer-3').aligned).toBeUndefined(); // granule 64 armed from a granule-8 firing
      expect(eventById(s, 'reqsk-timer-1').aligned).toBeUndefined(); // armed when the SYN arrived
      expect(eventById(s, 'accept')).toMatchObject({ after: 'synack-retrans-1', delay_s: 0 });
      // The data is scripted from the start (20 s), not 5 s after a late timer firing.
      expect(eventById(s, 'data')).toMatchObject({ after: null, delay_s: 20 });
    }
  });

  it('a client that does not answer the retransmitted SYN-ACK: SYN-ACKs at 15 and 31 s, silent drop at 63 s', () => {
    const s = deferAcceptSchedule({ defer_accept_s: 10, tcp_synack_retries: 5, data_at_s: null, client_answers_synack: false }, '6.1.0');
    expect(s.events.map((e) => [e.id, e.at_s])).toEqual([
      ['reqsk-timer-1', 1],
      ['reqsk-timer-2', 3],
      ['reqsk-timer-3', 7],
      ['synack-retrans-1', 15],
      ['synack-retrans-2', 31],
      ['drop', 63],
    ]);
  });

  it('a long deferral outlives tcp_synack_retries: expire needs num_timeout >= rskq_defer_accept too', () => {
    // 100 s → 7 (127 s): silent until the 7th firing (127 s), not dropped at the 6th (63 s).
    const s = deferAcceptSchedule({ defer_accept_s: 100, tcp_synack_retries: 5, data_at_s: null, client_answers_synack: false }, '6.1.0');
    expect(s.events.filter((e) => e.id.startsWith('reqsk-timer-')).map((e) => e.at_s)).toEqual([1, 3, 7, 15, 31, 63]);
    expect(eventsOf(s, 'synack-retrans').map((e) => e.at_s)).toEqual([127]);
    expect(eventById(s, 'drop')).toMatchObject({ at_s: 247, delay_s: 120 });
  });

  it('short deferrals (the fast variant): 2 s → SYN-ACK at 3 s; 1 s → at 1 s; 0 → no deferring', () => {
    const two = deferAcceptSchedule({ defer_accept_s: 2, tcp_synack_retries: 5, data_at_s: 5 }, '6.1.0');
    expect(two.events.map((e) => [e.id, e.at_s])).toEqual([
      ['reqsk-timer-1', 1],
      ['synack-retrans-1', 3],
      ['accept', 3],
      ['data', 5],
    ]);
    expect(eventById(deferAcceptSchedule({ defer_accept_s: 1, tcp_synack_retries: 5, data_at_s: null }, '6.1.0'), 'accept').at_s).toBe(1);
    const none = deferAcceptSchedule({ defer_accept_s: 0, tcp_synack_retries: 5, data_at_s: 8 }, '6.1.0');
    expect(none.events.map((e) => [e.id, e.at_s])).toEqual([
      ['accept', 0],
      ['data', 8],
    ]);
  });
});
