import { describe, expect, it } from 'vitest';
import { handshakeRto, LOOPBACK_SRTT_S, loopbackRtoAfterDelayedAck, seenBehindEgressDelay } from './loopback.ts';
import { initialRto } from './rto-estimate.ts';

describe('loopback RTO', () => {
  it('is 200 ms rounded up to the next jiffy: 51 jiffies at HZ=250 (measured 204 ms on 6.18)', () => {
    expect(initialRto({ srtt_s: LOOPBACK_SRTT_S }, 250)).toBe(0.204);
    expect(initialRto({ srtt_s: LOOPBACK_SRTT_S }, 1000)).toBe(0.201);
  });

  it('does not depend on the exact loopback RTT below one jiffy', () => {
    for (const m of [5e-6, 20e-6, 80e-6, 1e-3]) expect(initialRto({ srtt_s: m }, 250)).toBe(0.204);
  });
});

describe('handshakeRto', () => {
  it("is in jiffies of the kernel's HZ: 201 ms at HZ=1000 where HZ=250 gives 204 ms", () => {
    expect(handshakeRto({ release: '6.18.44', hz: 1000 })).toEqual({ rto_s: 0.201, srtt_s: LOOPBACK_SRTT_S });
    expect(handshakeRto({ release: '6.18.44', hz: 250 }).rto_s).toBe(0.204);
    expect(handshakeRto({ release: '6.18.44', hz: 100 }).rto_s).toBe(0.21);
    // A bare release: HZ=250 assumed (kernel-ref.ts).
    expect(handshakeRto('6.1').rto_s).toBe(0.204);
    // A TCG guest's 13.5 ms handshake: 213.5 ms, rounded up to 214 ms at HZ=1000, 216 ms at 250.
    expect(handshakeRto({ release: '6.1', hz: 1000 }, 0.0135)).toEqual({ rto_s: 0.214, srtt_s: 0.0135 });
    expect(handshakeRto({ release: '6.1', hz: 250 }, 0.0135).rto_s).toBe(0.216);
  });
});

describe('loopbackRtoAfterDelayedAck', () => {
  it('208 ms at HZ=250: the 6.18 zero-window runs (tcpi_rto 208000) and the notes\' 4.19 probe backoff', () => {
    expect(loopbackRtoAfterDelayedAck('6.18.44')).toBe(0.208);
    expect(loopbackRtoAfterDelayedAck({ release: '6.18.44', hz: 250 })).toBe(0.208);
  });

  it("206 ms at HZ=1000: the delayed ACK is 41 ms there (TCP_ATO_MIN + one 1 ms jiffy), and the RTO whole 1 ms jiffies", () => {
    expect(loopbackRtoAfterDelayedAck({ release: '6.18.44', hz: 1000 })).toBe(0.206);
  });

  it('stays 52 jiffies for any delayed-ACK sample between 32 and 64 ms (srtt 4-8 ms)', () => {
    for (const m of [0.033, 0.04, 0.044, 0.063]) expect(initialRto({ srtt_s: m / 8, rttvar_s: m / 4 }, 250)).toBe(0.208);
  });
});

describe('seenBehindEgressDelay', () => {
  const s = {
    anchor: 'the write',
    notes: [],
    events: [
      { id: 'rto-1', label: 'RTO 1', at_s: 2.2, after: null, delay_s: 2.2, early_s: 0.004, late_s: 0.032, cite: '' },
      { id: 'abort', label: 'ETIMEDOUT', at_s: 4.6, after: 'rto-1', delay_s: 2.4, early_s: 0.004, late_s: 0.256, cite: '', earliest_at_s: 4.5 },
    ],
  };

  it('moves only the events not seen as captured packets, by the qdisc delay', () => {
    const out = seenBehindEgressDelay(s, 0.2, ['abort']);
    expect(out.events[0]).toEqual(s.events[0]);
    const abort = out.events[1]!;
    expect(abort.at_s).toBeCloseTo(4.4, 9);
    expect(abort.delay_s).toBeCloseTo(2.2, 9);
    expect(abort.earliest_at_s).toBeCloseTo(4.3, 9);
  });

  it('changes nothing without a delay', () => {
    expect(seenBehindEgressDelay(s, 0, ['abort'])).toBe(s);
  });
});
