import { describe, expect, it } from 'vitest';
import { orphanProbeVerdict, orphanRetransmitRetries, tcpOrphanRetries } from './orphan.ts';

describe('tcpOrphanRetries (tcp_orphan_retries)', () => {
  it('0 means 8 while alive, 0 once the RTO has reached RTO_MAX', () => {
    expect(tcpOrphanRetries(0, true)).toBe(8);
    expect(tcpOrphanRetries(0, false)).toBe(0);
  });

  it('a set sysctl is used as is; an ICMP soft error zeroes it once not alive', () => {
    expect(tcpOrphanRetries(3, true)).toBe(3);
    expect(tcpOrphanRetries(3, false)).toBe(3);
    expect(tcpOrphanRetries(3, false, true)).toBe(0);
    expect(tcpOrphanRetries(3, true, true)).toBe(3);
  });
});

describe('orphanProbeVerdict (tcp_probe_timer SOCK_DEAD branch)', () => {
  const base = { rtoJiffies: 52, rtoMaxJiffies: 30_000 };

  it('alive while min(icsk_rto << icsk_backoff, RTO_MAX) < RTO_MAX: 8 unanswered probes', () => {
    expect(orphanProbeVerdict({ ...base, backoff: 7, probesOut: 7 })).toEqual({ abort: false, maxProbes: 8, alive: true });
    expect(orphanProbeVerdict({ ...base, backoff: 8, probesOut: 8 })).toEqual({ abort: true, maxProbes: 8, alive: true, reason: 'probes' });
    expect(orphanProbeVerdict({ ...base, backoff: 8, probesOut: 8 }, true).abort).toBe(false); // `>` before 3976535af0cb
  });

  it('52 << 9 = 26624 < 30000 is alive; 52 << 10 reaches RTO_MAX: abort even with answered probes', () => {
    expect(orphanProbeVerdict({ ...base, backoff: 9, probesOut: 0 }).abort).toBe(false);
    expect(orphanProbeVerdict({ ...base, backoff: 10, probesOut: 0 })).toEqual({ abort: true, maxProbes: 0, alive: false, reason: 'rto-max' });
  });

  it('a set tcp_orphan_retries above the backoff keeps a dead-RTO orphan probing', () => {
    expect(orphanProbeVerdict({ ...base, backoff: 10, probesOut: 0, tcpOrphanRetries: 12 }).abort).toBe(false);
    expect(orphanProbeVerdict({ ...base, backoff: 12, probesOut: 0, tcpOrphanRetries: 12 }).abort).toBe(true);
  });
});

describe('orphanRetransmitRetries (tcp_write_timeout SOCK_DEAD branch)', () => {
  it('8 while icsk_rto < RTO_MAX, 0 at RTO_MAX; a smaller RTO_MAX (6.15+) moves the edge', () => {
    expect(orphanRetransmitRetries(0.2)).toBe(8);
    expect(orphanRetransmitRetries(120)).toBe(0);
    expect(orphanRetransmitRetries(10, 0, 10)).toBe(0);
    expect(orphanRetransmitRetries(9.9, 0, 10)).toBe(8);
    expect(orphanRetransmitRetries(0.2, 4)).toBe(4);
  });
});
