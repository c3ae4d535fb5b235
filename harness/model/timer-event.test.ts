import { describe, expect, it } from 'vitest';
import { keepaliveSchedule } from './keepalive.ts';
import { rtoSchedule } from './rto.ts';
import { synSentSchedule } from './syn.ts';
import { firstArmWindow } from './tick-phase.ts';
import { momentEvent, timerEvent } from './timer-event.ts';
import { alignedFiring, fireWindow } from './timer-wheel.ts';

const base = { id: 'x', label: 'x', at_s: 3, delay_s: 3, cite: 'c' };

describe('timerEvent: the one window rule', () => {
  it('gives a timer armed at the anchor the first-arm jiffy, and never an aligned lateness', () => {
    const e = timerEvent({ ...base, after: null, previousDelay_s: 3, hz: 250 });
    expect({ early_s: e.early_s, late_s: e.late_s }).toEqual(firstArmWindow(3, 250));
    expect(e.aligned).toBeUndefined();
    expect(e.jiffy_s).toBe(0.004);
  });

  it('gives a timer re-armed in a callback the wheel window, exact after an equally coarse timer', () => {
    const e = timerEvent({ ...base, after: 'p', previousDelay_s: 3, hz: 250 });
    expect({ early_s: e.early_s, late_s: e.late_s }).toEqual(fireWindow(3, 250));
    expect(e.aligned).toEqual(alignedFiring(3, 3, 250));
    // After a finer timer the phase is unknown: the window alone.
    expect(timerEvent({ ...base, after: 'p', previousDelay_s: 0.2, hz: 250 }).aligned).toBeUndefined();
    expect(timerEvent({ ...base, after: 'p', hz: 250 }).aligned).toBeUndefined();
  });

  it('lets a clamp measured from the anchor but armed in a callback say so', () => {
    const e = timerEvent({ ...base, at_s: 5, delay_s: 5, after: null, firstArm: false, windowDelay_s: 2, hz: 250 });
    expect({ early_s: e.early_s, late_s: e.late_s }).toEqual(fireWindow(2, 250));
  });

  it('sizes everything in the jiffies of the kernel it is given', () => {
    const e = timerEvent({ ...base, after: 'p', hz: 1000 });
    expect(e).toMatchObject({ early_s: 0.001, late_s: 0.064, jiffy_s: 0.001 });
  });
});

describe('momentEvent', () => {
  it('has no window, and a jiffy only when the kernel is known', () => {
    expect(momentEvent({ ...base, after: null, hz: 1000 })).toMatchObject({ early_s: 0, late_s: 0, jiffy_s: 0.001 });
    expect(momentEvent({ ...base, after: null }).jiffy_s).toBeUndefined();
  });
});

describe('every schedule takes its HZ from the kernel it is given', () => {
  const ka = { keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 0 };

  it('keepalive: an HZ=1000 kernel has other windows than an HZ=250 one (a bare release is HZ=250)', () => {
    const at250 = keepaliveSchedule(ka, '6.1');
    const at1000 = keepaliveSchedule(ka, { release: '6.1', hz: 1000 });
    expect(keepaliveSchedule(ka, { release: '6.1', hz: 250 })).toEqual(at250);
    const p1 = (s: typeof at250) => s.events.find((e) => e.id === 'probe-1')!;
    const p2 = (s: typeof at250) => s.events.find((e) => e.id === 'probe-2')!;
    // 5 s: 1250 jiffies (level 2, granule 64 = 256 ms) at 250; 5000 (level 3, 512 = 512 ms) at 1000; + the first-arm jiffy.
    expect(p1(at250).late_s).toBeCloseTo(0.26, 9);
    expect(p1(at1000).late_s).toBeCloseTo(0.513, 9);
    // 3 s re-armed after 3 s: 750 jiffies in the 768 bucket (72 ms) at 250; 3000 in 3008 (8 ms) at 1000.
    expect(p2(at250).aligned!.late_s).toBeCloseTo(0.072, 9);
    expect(p2(at1000).aligned!.late_s).toBeCloseTo(0.008, 9);
    expect(p2(at1000).aligned!.jitter_s).toBeCloseTo(0.002, 9);
    expect(p2(at1000).jiffy_s).toBe(0.001);
  });

  it('RTO: the loss probe and the backoff windows follow HZ', () => {
    const p = { rto_s: 0.204, tcp_retries2: 5, user_timeout_ms: 0, tlp: true };
    const at250 = rtoSchedule(p, '6.1');
    const at1000 = rtoSchedule(p, { release: '6.1', hz: 1000 });
    const tlp = (s: typeof at250) => s.events.find((e) => e.id === 'tlp')!;
    // PTO 2*srtt + 200 ms: 51 jiffies (204 ms) at 250, 201 jiffies (201 ms) at 1000.
    expect(tlp(at250).at_s).toBeCloseTo(0.204, 9);
    expect(tlp(at1000).at_s).toBeCloseTo(0.201, 9);
    expect(tlp(at250).late_s).toBeCloseTo(0.008, 9); // granule 1 jiffy + first-arm jiffy
    expect(tlp(at1000).late_s).toBeCloseTo(0.009, 9); // 201 jiffies: level 1, granule 8, + 1
    expect(at1000.events.map((e) => e.id)).not.toEqual([]);
  });

  it('SYN-SENT: the same count, windows in the kernel\'s jiffies', () => {
    const p = { tcp_syn_retries: 2 };
    const at100 = synSentSchedule(p, { release: '6.1', hz: 100 });
    const at250 = synSentSchedule(p, '6.1');
    expect(at100.events.map((e) => e.id)).toEqual(at250.events.map((e) => e.id));
    // 1 s: 100 jiffies (level 1, granule 8 = 80 ms) at 100; 250 (level 1, 8 = 32 ms) at 250.
    expect(at100.events[0]!.late_s).toBeCloseTo(0.09, 9);
    expect(at250.events[0]!.late_s).toBeCloseTo(0.036, 9);
  });
});
