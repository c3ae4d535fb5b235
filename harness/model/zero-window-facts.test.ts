import { describe, expect, it } from 'vitest';
import { DEFAULT_SYSCTLS, KERNEL_CHANGES, TCP_TIMEOUT_MIN_JIFFIES, TCP_TIMEWAIT_LEN_S, factsFor } from './kernel-facts.ts';
import * as model from './index.ts';

describe('version facts for the persist timer and friends', () => {
  it('the notes kernel 4.19.121: off-by-one fixed (4.19.89), user timeout by the head skb, no clamp', () => {
    expect(factsFor('4.19.121-linuxkit')).toMatchObject({
      probe0AbortOffByOneFixed: true,
      probe0UserTimeoutModelled: false,
      probe0UserTimeoutStamp: false,
      zeroWindowProbeClamp: false,
      rtoMinSysctl: false,
    });
    expect(factsFor('4.19.88').probe0AbortOffByOneFixed).toBe(false);
    expect(factsFor('4.14.159').probe0AbortOffByOneFixed).toBe(true);
    expect(factsFor('4.20.0').probe0AbortOffByOneFixed).toBe(true);
  });

  it('5.1 to the fix: the modelled user timeout (9721e709fa68), fixed in 5.4.93, 5.10.12, 5.11', () => {
    expect(factsFor('5.1.0')).toMatchObject({ probe0UserTimeoutModelled: true, probe0UserTimeoutStamp: false });
    expect(factsFor('5.4.92')).toMatchObject({ probe0UserTimeoutModelled: true, probe0UserTimeoutStamp: false });
    expect(factsFor('5.4.93')).toMatchObject({ probe0UserTimeoutModelled: false, probe0UserTimeoutStamp: true, zeroWindowProbeClamp: false });
    expect(factsFor('5.4.96')).toMatchObject({ probe0UserTimeoutStamp: true, zeroWindowProbeClamp: true });
    expect(factsFor('5.10.11')).toMatchObject({ probe0UserTimeoutModelled: true, probe0UserTimeoutStamp: false });
    expect(factsFor('5.10.12')).toMatchObject({ probe0UserTimeoutModelled: false, probe0UserTimeoutStamp: true });
    expect(factsFor('6.1.0')).toMatchObject({ probe0UserTimeoutModelled: false, probe0UserTimeoutStamp: true, zeroWindowProbeClamp: true });
  });

  it('tcp_rto_min_us from 6.11', () => {
    expect(factsFor('6.10.0').rtoMinSysctl).toBe(false);
    expect(factsFor('6.18.44').rtoMinSysctl).toBe(true);
  });

  it('constants and defaults', () => {
    expect([TCP_TIMEWAIT_LEN_S, TCP_TIMEOUT_MIN_JIFFIES, DEFAULT_SYSCTLS.tcp_orphan_retries, DEFAULT_SYSCTLS.tcp_fin_timeout]).toEqual([60, 2, 0, 60]);
    const keys = KERNEL_CHANGES.map((c) => c.key);
    for (const k of ['probe0AbortOffByOneFixed', 'probe0UserTimeoutModelled', 'probe0UserTimeoutStamp', 'rtoMinSysctl']) {
      expect(keys.filter((x) => x === k)).toHaveLength(1);
    }
  });

  it('index.ts re-exports the new schedule functions and helpers', () => {
    for (const name of [
      'persistSchedule',
      'finWait2Schedule',
      'deferAcceptSchedule',
      'secsToRetrans',
      'retransToSecs',
      'initialRto',
      'tcpOrphanRetries',
      'orphanProbeVerdict',
      'orphanRetransmitRetries',
    ] as const) {
      expect(typeof model[name]).toBe('function');
    }
  });
});
