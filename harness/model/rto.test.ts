import { describe, expect, it } from 'vitest';
import { rtoSchedule, tcpModelTimeout } from './rto.ts';
import { eventById, eventsOf } from './schedule.ts';

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

  it('retries2=15 from a 200 ms RTO: the wheel lateness (~9.7 s by then) makes the 16th firing the death', () => {
    const s = rtoSchedule({ rto_s: 0.2, tcp_retries2: 15, user_timeout_ms: 0, tlp: false }, '6.1.0-27-amd64');
    expect(at(s, 'rto-1')).toBe(0.2);
    expect(at(s, 'rto-2')).toBe(0.6);
    expect(at(s, 'rto-10')).toBe(204.6);
    expect(at(s, 'rto-11')).toBe(324.6); // RTO capped at 120 s
    expect(at(s, 'rto-15')).toBe(804.6);
    const death = eventById(s, 'abort');
    // Nominally 924.6 - 0.2 = 924.4 < 924.6 s since retrans_stamp, one RTO short; but the
    // 14 firings before it are at least 2419 jiffies (9.676 s) late, so it cannot survive.
    expect(death).toMatchObject({ at_s: 924.6, after: 'rto-15', delay_s: 120, late_s: 2.048 });
    expect(death.earliest_at_s).toBeUndefined();
    expect(death.aligned!.late_s).toBeCloseTo(0.832, 9); // 30000 jiffies in the 30208 bucket
    expect(s.error).toBe('ETIMEDOUT');
  });

  it('the 6.18 loopback chain: TLP, then the first RTO one RTO after it, then doubling in whole jiffies', () => {
    const s = rtoSchedule({ rto_s: 0.204, tcp_retries2: 15, user_timeout_ms: 0, tlp: true }, '6.18.44-fc-v669');
    // PTO = min(1 jiffy + 200 ms, RTO) = 204 ms; measured 204.8-210.2 ms: armed by the send,
    // so one jiffy more on the late side than the wheel granule (tick-phase.ts).
    expect(eventById(s, 'tlp')).toMatchObject({ at_s: 0.204, after: null, late_s: 0.008 });
    expect(eventById(s, 'tlp').aligned).toBeUndefined();
    // Re-armed from the TLP callback, 51 jiffies in level 0: exactly one jiffy late (measured 208 ms).
    expect(eventById(s, 'rto-1')).toMatchObject({ at_s: 0.408, after: 'tlp', delay_s: 0.204 });
    expect(eventById(s, 'rto-1').aligned!.late_s).toBeCloseTo(0.004, 9);
    expect(eventById(s, 'rto-2')).toMatchObject({ delay_s: 0.408, late_s: 0.032 });
    expect(eventById(s, 'rto-2').aligned).toBeUndefined(); // granule 8 armed from a granule-1 firing
    expect(eventById(s, 'rto-3').delay_s).toBe(0.816);
    expect(eventById(s, 'rto-5').delay_s).toBe(3.264);
    // The chain measured on 6.18 (docs/timer-model.md): 6.528 → 6.656 s and 13.056 → 13.312 s.
    expect(eventById(s, 'rto-6').delay_s + eventById(s, 'rto-6').aligned!.late_s).toBeCloseTo(6.656, 9);
    expect(eventById(s, 'rto-7').delay_s + eventById(s, 'rto-7').aligned!.late_s).toBeCloseTo(13.312, 9);
    expect(eventById(s, 'rto-5').aligned).toBeUndefined(); // granule 64 armed from granule 8
    expect(eventById(s, 'rto-8').aligned).toBeUndefined(); // granule 512 armed from granule 64
    // stamp 0.408; 15 retransmissions, then death one 120 s RTO later (notes: the 16th RTO).
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 928.896, after: 'rto-15' });
    expect(eventById(s, 'abort').earliest_at_s).toBeUndefined();
  });

  it('small tcp_retries2: the bound is crossed at one firing, whatever the unaligned lateness', () => {
    const r3 = rtoSchedule({ rto_s: 0.204, tcp_retries2: 3, user_timeout_ms: 0, tlp: true }, '6.18.44-fc-v669');
    // bound 3.0 s: firing 4 is 2.908-2.936 s after the stamp, firing 5 at least 6.176 s.
    expect(r3.events.map((e) => e.id)).toEqual(['tlp', 'rto-1', 'rto-2', 'rto-3', 'rto-4', 'abort']);
    expect(eventById(r3, 'abort')).toMatchObject({ at_s: 6.528, after: 'rto-4', delay_s: 3.264, late_s: 0.256 });
    expect(eventById(r3, 'abort').earliest_at_s).toBeUndefined();
    // bound 6.2 s: firing 5 is 6.176-6.456 s after the stamp, straddling it.
    const r4 = rtoSchedule({ rto_s: 0.204, tcp_retries2: 4, user_timeout_ms: 0, tlp: true }, '6.18.44-fc-v669');
    expect(eventById(r4, 'abort')).toMatchObject({ at_s: 13.056, after: 'rto-5', earliest_at_s: 6.528 });
  });

  it('retries2=5: 12.6 s bound, crossed at the 6th firing once lateness is counted', () => {
    const s = rtoSchedule({ rto_s: 0.2, tcp_retries2: 5, user_timeout_ms: 0, tlp: false }, '6.1.0');
    // Nominally 12.4 s since the stamp at firing 6; at least 82 jiffies (0.328 s) late.
    expect(eventById(s, 'abort')).toMatchObject({ at_s: 12.6, after: 'rto-5' });
    expect(eventById(s, 'abort').earliest_at_s).toBeUndefined();
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
    // Measured from the stamp (rto-1), within one granule of the 12.8 s RTO it replaces.
    expect(eventById(s, 'abort')).toMatchObject({ after: 'rto-1', delay_s: 10, early_s: 0.004, late_s: 0.256 });
  });

  it('test-dead2 fast form: a 5 s user timeout ignores tcp_retries2=2 (which alone would end at 3.264 s)', () => {
    const ut = rtoSchedule({ rto_s: 0.204, tcp_retries2: 2, user_timeout_ms: 5000, tlp: true }, '6.18.44-fc-v669');
    expect(eventById(ut, 'abort')).toMatchObject({ at_s: 5.408, after: 'rto-1', delay_s: 5 });
    expect(eventsOf(ut, 'rto')).toHaveLength(4);
    const r2 = rtoSchedule({ rto_s: 0.204, tcp_retries2: 2, user_timeout_ms: 0, tlp: true }, '6.18.44-fc-v669');
    expect(eventById(r2, 'abort').at_s).toBe(3.264);
  });

  it('a loss probe with several segments out waits only a 2 ms floor after 2*srtt (1c2709cfff1d, 6.6)', () => {
    const s = rtoSchedule({ rto_s: 0.204, tcp_retries2: 3, user_timeout_ms: 0, tlp: true, packets_out: 6 }, '6.18.44');
    expect(eventById(s, 'tlp').delay_s).toBe(0.004); // usecs_to_jiffies(2*srtt + 2000 us) = 1 jiffy; measured 6.4 ms (bucket + 1)
    const old = rtoSchedule({ rto_s: 0.204, tcp_retries2: 3, user_timeout_ms: 0, tlp: true, packets_out: 6 }, '6.1.0');
    expect(eventById(old, 'tlp').delay_s).toBe(0.012); // 1 jiffy + TCP_TIMEOUT_MIN (2 jiffies)
    // One packet out: the same 51 jiffies either way.
    expect(eventById(rtoSchedule({ rto_s: 0.204, tcp_retries2: 3, user_timeout_ms: 0, tlp: true }, '6.1.0'), 'tlp').delay_s).toBe(0.204);
  });

  it('before tcp_clamp_rto_to_user_timeout (4.19) the user timeout waits for the next RTO', () => {
    const s = rtoSchedule({ rto_s: 0.2, tcp_retries2: 15, user_timeout_ms: 10000, tlp: true }, '4.14.200');
    expect(at(s, 'abort')).toBe(12.8);
  });
});
