import { describe, expect, it } from 'vitest';
import { rtoSchedule, tcpModelTimeout } from './rto.ts';
import { eventById } from './schedule.ts';

describe('tcpModelTimeout (tcp_model_timeout)', () => {
  it('pins the notes: retries2=15 → 924.6 s, retries2=5 → 12.6 s', () => {
    expect(tcpModelTimeout(15)).toBe(924.6);
    expect(tcpModelTimeout(5)).toBe(12.6);
  });

  it('switches to RTO_MAX steps above ilog2(RTO_MAX / rto_base)', () => {
    expect(tcpModelTimeout(9)).toBe(204.6); // thresh = ilog2(600) = 9: still exponential
    expect(tcpModelTimeout(10)).toBe(324.6); // 204.6 + 120
    // SYN states use rto_base = TCP_TIMEOUT_INIT (1 s): thresh = ilog2(120) = 6
    expect(tcpModelTimeout(6, 1)).toBe(127);
    expect(tcpModelTimeout(8, 1)).toBe(367);
    expect(tcpModelTimeout(2, 1)).toBe(7);
  });
});

describe('rtoSchedule', () => {
  const at = (s: ReturnType<typeof rtoSchedule>, id: string) => eventById(s, id).at_s;

  it('retries2=15 from a 200 ms RTO: death between 924.6 and 1044.6 s (the notes range)', () => {
    const s = rtoSchedule({ rto_s: 0.2, tcp_retries2: 15, user_timeout_ms: 0, tlp: false }, '6.1.0-27-amd64');
    expect(at(s, 'rto-1')).toBe(0.2);
    expect(at(s, 'rto-2')).toBe(0.6);
    expect(at(s, 'rto-10')).toBe(204.6);
    expect(at(s, 'rto-11')).toBe(324.6); // RTO capped at 120 s
    expect(at(s, 'rto-16')).toBe(924.6);
    const death = eventById(s, 'abort');
    // retrans_stamp = 0.2 s, so 924.6 - 0.2 = 924.4 < 924.6 nominally; one more RTO.
    expect(death).toMatchObject({ at_s: 1044.6, after: 'rto-16', delay_s: 120, late_s: 2.048 });
    // …but 15 x up-to-granule lateness easily passes 0.2 s: it may die at the 16th RTO firing.
    expect(death.earliest_at_s).toBe(924.6);
    expect(s.error).toBe('ETIMEDOUT');
  });

  it('the 6.18 loopback chain: TLP, then the first RTO one RTO after it, then doubling', () => {
    const s = rtoSchedule({ rto_s: 0.204, tcp_retries2: 15, user_timeout_ms: 0, tlp: true }, '6.18.44-fc-v669');
    // PTO = min(1 jiffy + 200 ms, RTO) = 204 ms; measured 206 ms.
    expect(eventById(s, 'tlp')).toMatchObject({ at_s: 0.204, after: null, late_s: 0.004 });
    expect(eventById(s, 'rto-1')).toMatchObject({ at_s: 0.408, after: 'tlp', delay_s: 0.204 });
    expect(eventById(s, 'rto-2')).toMatchObject({ delay_s: 0.408, late_s: 0.032 });
    expect(eventById(s, 'rto-3').delay_s).toBe(0.816);
    expect(eventById(s, 'rto-5').delay_s).toBe(3.264);
    // stamp 0.408; 0.204*1022 = 208.488, + 6 x 120 = 928.488 >= 924.6 at rto firing 16
    expect(at(s, 'abort')).toBe(928.896); // 0.408 + 928.488
    expect(eventById(s, 'abort').after).toBe('rto-15');
    expect(eventById(s, 'abort').earliest_at_s).toBeUndefined();
  });

  it('retries2=5: 12.6 s bound', () => {
    const s = rtoSchedule({ rto_s: 0.2, tcp_retries2: 5, user_timeout_ms: 0, tlp: false }, '6.1.0');
    expect(at(s, 'abort')).toBe(25.4);
    expect(eventById(s, 'abort').earliest_at_s).toBe(12.6);
  });

  it('TCP_USER_TIMEOUT 10 s: the RTO is clamped and death comes 10 s after the first retransmission', () => {
    const s = rtoSchedule({ rto_s: 0.2, tcp_retries2: 15, user_timeout_ms: 10000, tlp: true }, '6.18.44-fc-v669');
    expect(s.events.map((e) => [e.id, e.at_s])).toEqual([
      ['tlp', 0.2],
      ['rto-1', 0.4],
      ['rto-2', 0.8],
      ['rto-3', 1.6],
      ['rto-4', 3.2],
      ['rto-5', 6.4],
      ['abort', 10.4],
    ]);
    expect(eventById(s, 'abort').delay_s).toBe(4); // min(6.4 s RTO, 4 s remaining)
  });

  it('before tcp_clamp_rto_to_user_timeout (4.19) the user timeout waits for the next RTO', () => {
    const s = rtoSchedule({ rto_s: 0.2, tcp_retries2: 15, user_timeout_ms: 10000, tlp: true }, '4.14.200');
    expect(at(s, 'abort')).toBe(12.8);
  });
});
