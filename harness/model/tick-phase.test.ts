import { describe, expect, it } from 'vitest';
import { firstArmWindow } from './tick-phase.ts';
import { fireWindow } from './timer-wheel.ts';

describe('firstArmWindow: a timer armed from process or softirq context', () => {
  it('allows the measured 6.18 loss-probe delays (204.77 … 210.23 ms for a 204 ms PTO)', () => {
    const w = firstArmWindow(0.204);
    for (const ms of [204.77, 206.97, 207.53, 209.14, 210.23]) {
      expect(ms / 1000).toBeGreaterThanOrEqual(0.204 - w.early_s);
      expect(ms / 1000).toBeLessThanOrEqual(0.204 + w.late_s);
    }
    // calc_index() alone (bucket = expiry + 1 jiffy) would reject the last two.
    expect(0.21023).toBeGreaterThan(0.204 + fireWindow(0.204).late_s);
  });

  it('adds exactly one jiffy to the wheel granule', () => {
    expect(firstArmWindow(0.204).late_s).toBeCloseTo(0.008, 9);
    expect(firstArmWindow(3).late_s).toBeCloseTo(0.26, 9); // granule 64 + 1 jiffy
    expect(firstArmWindow(0.204, 1000).late_s).toBeCloseTo(fireWindow(0.204, 1000).late_s + 0.001, 9);
  });
});
