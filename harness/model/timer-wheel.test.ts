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

// kernel/time/timer.c (v5.x-v6.x), ported line by line for the test:
//   calc_index(): expires = (expires >> LVL_SHIFT(lvl)) + 1; *bucket_expiry = expires << LVL_SHIFT(lvl);
//   calc_wheel_index(): the level from delta = expires - clk against LVL_START(1..8)
//   (the LVL_START(8) test only `if LVL_DEPTH > 8`), past WHEEL_TIMEOUT_CUTOFF
//   (LVL_START(LVL_DEPTH)) clamped to clk + WHEEL_TIMEOUT_MAX in the last level.
// Division instead of >> keeps it exact past 2^31.
function kernelBucketExpiry(expires: number, clk: number, hz: number): number {
  const LVL_DEPTH = hz > 100 ? 9 : 8;
  const shift = (lvl: number) => 2 ** (lvl * 3);
  const start = (n: number) => 63 * 2 ** ((n - 1) * 3);
  const calc = (e: number, lvl: number) => (Math.floor(e / shift(lvl)) + 1) * shift(lvl);
  const delta = expires - clk;
  for (let lvl = 1; lvl <= 8; lvl++) {
    if (lvl === 8 && !(LVL_DEPTH > 8)) break;
    if (delta < start(lvl)) return calc(expires, lvl - 1);
  }
  const cutoff = start(LVL_DEPTH);
  const max = cutoff - shift(LVL_DEPTH - 1);
  return calc(delta >= cutoff ? clk + max : expires, LVL_DEPTH - 1);
}

describe('the wheel at every x86 HZ, against kernel/time/timer.c calc_wheel_index()', () => {
  for (const hz of [100, 250, 300, 1000]) {
    it(`HZ=${hz}: LVL_DEPTH ${hz > 100 ? 9 : 8}, and each delay fires 1..granule jiffies late, whatever the arming jiffy`, () => {
      expect(wheelLevel(1e12, hz)).toBe(hz > 100 ? 8 : 7);
      // Every level boundary, both sides, from a few arming jiffies (clk phases).
      const delays = [1, 2, 62, 63, 64, 503, 504, 4031, 4032, 32255, 32256, 258047, 258048, 2064383, 2064384, 16515071, 16515072];
      for (const d of delays) {
        const g = granuleJiffies(d, hz);
        for (const clk of [0, 1, 7, 63, 1000, 123457, 4294967295]) {
          const late = kernelBucketExpiry(clk + d, clk, hz) - (clk + d);
          expect(late).toBeGreaterThanOrEqual(1);
          expect(late).toBeLessThanOrEqual(g);
        }
        // …and the full granule is reached at some phase (the model's window is not too wide).
        let worst = 0;
        for (let i = 0; i < g; i++) worst = Math.max(worst, kernelBucketExpiry(i + d, i, hz) - (i + d));
        expect(worst).toBe(g);
      }
    });

    it(`HZ=${hz}: fireWindow() and alignedFiring() in that kernel's jiffies`, () => {
      const jiffy = 1 / hz;
      // The TCP delays of the experiments: RTO_MIN, 1 s (TCP_TIMEOUT_INIT), 3 s, 75 s, 120 s (RTO_MAX).
      for (const s of [0.2, 1, 3, 75, 120]) {
        const d = secondsToJiffies(s, hz);
        expect(d).toBe(Math.round(s * hz));
        expect(fireWindow(s, hz)).toEqual({ early_s: jiffy, late_s: granuleJiffies(d, hz) * jiffy });
        // Re-armed from a callback at a bucket expiry J of an equally coarse timer: exact.
        const g = granuleJiffies(d, hz);
        const J = 5 * g * 8; // a multiple of this granule
        const a = alignedFiring(s, s, hz)!;
        expect(a.late_s).toBeCloseTo((kernelBucketExpiry(J + d, J, hz) - (J + d)) * jiffy, 12);
      }
    });
  }

  it('puts the same seconds in different levels at different HZ', () => {
    // 3 s: 300 jiffies at HZ=100 (granule 8 = 80 ms), 750 at 250 (64 = 256 ms),
    // 900 at 300 (64 = 213 ms), 3000 at 1000 (64 = 64 ms).
    expect([100, 250, 300, 1000].map((hz) => fireWindow(3, hz).late_s)).toEqual([0.08, 0.256, 64 / 300, 0.064]);
  });
});
