import { describe, expect, it } from 'vitest';
import { DEFAULT_HZ, KERNEL_CHANGES, TCP_RTO_MAX_S, TCP_RTO_MIN_S, TCP_TIMEOUT_INIT_S, changesFor, factsFor } from './kernel-facts.ts';

describe('kernel constants', () => {
  it('match include/net/tcp.h', () => {
    expect([TCP_RTO_MIN_S, TCP_RTO_MAX_S, TCP_TIMEOUT_INIT_S, DEFAULT_HZ]).toEqual([0.2, 120, 1, 250]);
  });
});

describe('factsFor', () => {
  it('4.19.121 (the notes kernel): regression window, user timeout in SYN-SENT, no linear SYNs', () => {
    const f = factsFor('4.19.121-linuxkit');
    expect(f).toMatchObject({
      nonCascadingWheel: true,
      rtoClampedToUserTimeout: true,
      synSentHonoursUserTimeout: true,
      synSentRtoBaseRegression: true,
      zeroWindowUserTimeout: false,
      zeroWindowProbeClamp: false,
      synLinearTimeouts: false,
      rtoMaxSettable: false,
    });
  });

  it('4.19 before the .77 backport has neither the SYN-SENT user timeout nor its regression', () => {
    expect(factsFor('4.19.76')).toMatchObject({ synSentHonoursUserTimeout: false, synSentRtoBaseRegression: false });
  });

  it('5.2: before a41e8a88b06e', () => {
    expect(factsFor('5.2.0')).toMatchObject({ synSentHonoursUserTimeout: false, synSentRtoBaseRegression: false });
  });

  it('5.10: backports by patch level', () => {
    expect(factsFor('5.10.12').zeroWindowProbeClamp).toBe(false);
    expect(factsFor('5.10.13').zeroWindowProbeClamp).toBe(true);
    expect(factsFor('5.10.0').zeroWindowUserTimeout).toBe(true);
  });

  it('6.1 (Debian bookworm) and 6.18 (the lab host)', () => {
    expect(factsFor('6.1.0-27-amd64')).toMatchObject({
      synSentHonoursUserTimeout: true,
      synSentRtoBaseRegression: false,
      zeroWindowProbeClamp: true,
      synLinearTimeouts: false,
      rtoMaxSettable: false,
    });
    expect(factsFor('6.18.44-fc-v669')).toMatchObject({ synLinearTimeouts: true, rtoMaxSettable: true, synSentRtoBaseRegression: false });
    expect(factsFor('6.18.44-fc-v669').version).toEqual({ major: 6, minor: 18, patch: 44 });
  });

  it('4.4 predates the non-cascading wheel', () => {
    expect(factsFor('4.4.0').nonCascadingWheel).toBe(false);
  });

  it('every table entry names a commit and says where it was read', () => {
    for (const c of KERNEL_CHANGES) {
      expect(c.commit).toMatch(/[0-9a-f]{12}/);
      expect(c.read.length).toBeGreaterThan(10);
    }
    expect(changesFor('6.1.0').map((c) => c.key)).not.toContain('synLinearTimeouts');
  });
});
