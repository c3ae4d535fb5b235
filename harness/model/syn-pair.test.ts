import { describe, expect, it } from 'vitest';
import { eventById, eventsOf, type EventSeries } from './schedule.ts';
import { fireWindow } from './timer-wheel.ts';
import { synPairSchedule, synRecvCountAt } from './syn-pair.ts';

const at = (s: ReturnType<typeof synPairSchedule>, series: EventSeries) => eventsOf(s, series).map((e) => e.at_s);

describe('synPairSchedule (client keeps its SYN-SENT socket, every SYN-ACK is lost)', () => {
  it('4.19.121: the notes\' ss line at 15.43 s — SYN-SENT count 4, SYN-RECV count 8 — and both time out', () => {
    const s = synPairSchedule({ tcp_syn_retries: 6, tcp_synack_retries: 5 }, '4.19.121-linuxkit');
    expect(at(s, 'syn-retrans')).toEqual([1, 3, 7, 15]);
    expect(synRecvCountAt(s, 15.5)).toBe(8);
    // Each tie: the timer's SYN-ACK, then the one answering the SYN.
    expect(s.events.filter((e) => e.at_s === 15).map((e) => e.id)).toEqual(['syn-retrans-4', 'synack-retrans-7', 'synack-retrans-8']);
    expect(eventById(s, 'synack-retrans-7')).toMatchObject({ after: 'synack-retrans-6', delay_s: 8 });
    expect(eventById(s, 'synack-retrans-8')).toMatchObject({ after: 'syn-retrans-4', delay_s: 0, late_s: 0 });
    expect(eventById(s, 'abort').at_s).toBe(31);
    expect(eventById(s, 'drop-1')).toMatchObject({ at_s: 63, delay_s: 32 });
    expect(at(s, 'synack-new')).toEqual([]);
  });

  it('6.18: linear SYNs push the request timer; the request expires at 67 s, the 67 s SYN makes a new one (dropped at 130 s); connect() fails at 131 s', () => {
    const s = synPairSchedule({ tcp_syn_retries: 6, tcp_synack_retries: 5 }, '6.18.44-fc-v669');
    expect(at(s, 'syn-retrans')).toEqual([1, 2, 3, 4, 5, 7, 11, 19, 35, 67]);
    expect(at(s, 'synack-retrans')).toEqual([1, 1, 2, 3, 4, 5, 7, 7, 11, 11, 19, 19, 35, 35, 68, 70, 74, 82, 98]);
    expect(eventById(s, 'drop-1')).toMatchObject({ at_s: 67, after: 'synack-retrans-14', delay_s: 32 });
    expect(eventById(s, 'synack-new-2')).toMatchObject({ at_s: 67, after: 'syn-retrans-10', delay_s: 0 });
    expect(eventById(s, 'drop-2')).toMatchObject({ at_s: 130, delay_s: 32 });
    expect(eventById(s, 'abort').at_s).toBe(131);
    expect(s.error).toBe('ETIMEDOUT');
  });

  it('the request timer the anchor SYN arms gets the first-arm jiffy, like the client\'s first SYN timer (tick-phase.ts)', () => {
    const s = synPairSchedule({ tcp_syn_retries: 1, tcp_synack_retries: 2 }, '6.18.44-fc-v669');
    const first = eventsOf(s, 'synack-retrans').find((e) => e.after === null)!;
    expect(first).toMatchObject({ at_s: 1, delay_s: 1 });
    // 1 s = 250 jiffies: level 1, granule 8 jiffies (32 ms), plus the arming jiffy (4 ms).
    expect(first.late_s).toBeCloseTo(0.036, 9);
    expect(first.late_s).toBe(eventById(s, 'syn-retrans-1').late_s);
    // Timers re-armed in a tick (here from a SYN the client's timer sent) do not get it.
    expect(eventById(s, 'drop-1').late_s).toBe(fireWindow(4).late_s);
  });

  it('a SYN between two request timer firings only pushes the timer (no num_timeout step)', () => {
    // Fast form: client SYNs at 1, 2 and failure at 3 s; tcp_synack_retries 2.
    const s = synPairSchedule({ tcp_syn_retries: 1, tcp_synack_retries: 2 }, '6.18.44-fc-v669');
    expect(at(s, 'syn-retrans')).toEqual([1, 2]);
    expect(eventById(s, 'abort').at_s).toBe(3);
    expect(at(s, 'synack-retrans')).toEqual([1, 1, 2, 4]);
    expect(eventById(s, 'synack-retrans-4')).toMatchObject({ after: 'synack-retrans-3', delay_s: 2 });
    expect(eventById(s, 'drop-1')).toMatchObject({ at_s: 8, delay_s: 4 });
  });
});
