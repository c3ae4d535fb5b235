import { describe, expect, it } from 'vitest';
import { alignedFiring, fireWindow, granuleJiffies, levelStart, maxChainLateness_s, secondsToJiffies, wheelLevel } from './timer-wheel.ts';

describe('timer wheel levels (KERNEL-NOTES.md table, HZ=250)', () => {
  it('has the LVL_START boundaries of the notes', () => {
    expect([1, 2, 3, 4, 5].map(levelStart)).toEqual([63, 504, 4032, 32256, 258048]);
  });

  it('rounds by the level granule on each side of every boundary', () => {
    expect(granuleJiffies(1)).toBe(1);
    expect(granuleJiffies(62)).toBe(1);
    expect(granuleJiffies(63)).toBe(8);
    expect(granuleJiffies(503)).toBe(8);
    expect(granuleJiffies(504)).toBe(64);
    expect(granuleJiffies(4031)).toBe(64);
    expect(granuleJiffies(4032)).toBe(512);
    expect(granuleJiffies(32255)).toBe(512);
    expect(granuleJiffies(32256)).toBe(4096);
    expect(granuleJiffies(258047)).toBe(4096);
    expect(granuleJiffies(258048)).toBe(32768);
  });

  it('stops at the last level (LVL_DEPTH 9 for HZ>100, 8 for HZ=100)', () => {
    expect(wheelLevel(1e12, 250)).toBe(8);
    expect(wheelLevel(1e12, 100)).toBe(7);
  });
});

describe('fireWindow', () => {
  it('gives the windows the notes quote at HZ=250', () => {
    expect(fireWindow(0.2)).toEqual({ early_s: 0.004, late_s: 0.004 }); // 50 jiffies
    expect(fireWindow(0.252)).toEqual({ early_s: 0.004, late_s: 0.032 }); // 63 jiffies
    expect(fireWindow(1)).toEqual({ early_s: 0.004, late_s: 0.032 });
    expect(fireWindow(3)).toEqual({ early_s: 0.004, late_s: 0.256 });
    expect(fireWindow(5)).toEqual({ early_s: 0.004, late_s: 0.256 });
    expect(fireWindow(64)).toEqual({ early_s: 0.004, late_s: 2.048 });
    expect(fireWindow(120)).toEqual({ early_s: 0.004, late_s: 2.048 });
    expect(fireWindow(130)).toEqual({ early_s: 0.004, late_s: 16.384 });
  });

  it('scales with HZ', () => {
    // HZ=1000: 3 s = 3000 jiffies, level 2 (504..4031), granule 64 ms.
    expect(fireWindow(3, 1000)).toEqual({ early_s: 0.001, late_s: 0.064 });
    // HZ=100: 0.2 s = 20 jiffies, level 0, granule one 10 ms jiffy.
    expect(fireWindow(0.2, 100)).toEqual({ early_s: 0.01, late_s: 0.01 });
  });

  it('converts like msecs_to_jiffies (round up)', () => {
    expect(secondsToJiffies(0.2)).toBe(50);
    expect(secondsToJiffies(0.201)).toBe(51);
    expect(secondsToJiffies(0.001, 1000)).toBe(1);
  });
});

describe('maxChainLateness_s', () => {
  it('adds the granules of a chain of timers', () => {
    // 5 s (256 ms granule) then two 3 s timers (256 ms each).
    expect(maxChainLateness_s([5, 3, 3])).toBeCloseTo(0.768, 9);
    // six RTO_MAX timers at HZ=250: 6 x 2.048 s
    expect(maxChainLateness_s([120, 120, 120, 120, 120, 120])).toBeCloseTo(12.288, 9);
    expect(maxChainLateness_s([])).toBe(0);
  });
});

describe('alignedFiring: a timer re-armed from the callback of an equally coarse one', () => {
  it('3 s keepalive interval after a 5 s idle: 750 jiffies land in the 768 bucket, 72 ms late', () => {
    const a = alignedFiring(3, 5);
    expect(a!.late_s).toBeCloseTo(0.072, 9);
    expect(a!.jitter_s).toBeCloseTo(0.008, 9);
  });

  it('1 s after 1 s: 250 jiffies, granule 8 → 256, 24 ms late', () => {
    expect(alignedFiring(1, 1)!.late_s).toBeCloseTo(0.024, 9);
  });

  it('an exact multiple of the granule is a whole granule late (calc_index adds one)', () => {
    expect(alignedFiring(0.256, 0.256)!.late_s).toBeCloseTo(0.032, 9); // 64 jiffies, granule 8
  });

  it("reproduces KERNEL-NOTES' measured RTO chain: 6.528 s → 6.656 s, 13.056 s → 13.312 s", () => {
    // icsk_rto 204 ms = 51 jiffies, doubled: 1632 and 3264 jiffies, both in level 2.
    expect(6.528 + alignedFiring(6.528, 3.264)!.late_s).toBeCloseTo(6.656, 9);
    expect(13.056 + alignedFiring(13.056, 6.528)!.late_s).toBeCloseTo(13.312, 9);
  });

  it('is unknown when the previous timer had a finer granule', () => {
    expect(alignedFiring(3, 1)).toBeUndefined(); // granule 64 armed from a granule-8 firing
  });
});
