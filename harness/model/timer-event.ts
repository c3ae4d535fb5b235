// One builder for every predicted event, and one window rule (tick-phase.ts armWindow):
//
// - a kernel timer armed outside a timer callback (a syscall, an incoming packet:
//   `after` is the anchor) gets firstArmWindow(): the wheel granule plus one jiffy;
// - a timer re-armed in a timer callback gets fireWindow(), and, when the timer
//   whose callback armed it was at least as coarse, the exact lateness of
//   alignedFiring() (timer-wheel.ts);
// - a scripted moment or an immediate reaction to a packet is no timer: no window.
//
// Every event also carries the jiffy of its kernel (`jiffy_s`, 1/HZ), which the
// verdict adds for a firing seen on another CPU (verdict/tolerance.ts windowFor).

import { armWindow } from './tick-phase.ts';
import type { PredictedEvent } from './schedule.ts';
import { alignedFiring } from './timer-wheel.ts';

interface EventBase {
  id: string;
  label: string;
  /** Nominal seconds since the anchor. */
  at_s: number;
  /** The event the timer was armed at (the anchor: null). */
  after: string | null;
  /** Seconds from `after` (the anchor when null) to this event. */
  delay_s: number;
  cite: string;
  /** CONFIG_HZ of the kernel. */
  hz: number;
  earliest_at_s?: number;
}

export interface TimerEventSpec extends EventBase {
  /**
   * Armed outside a timer callback (process or softirq context). Default: `after`
   * is the anchor. A timer re-armed in a callback but measured from the anchor
   * (a clamp aimed at an anchor-relative bound) says false.
   */
  firstArm?: boolean;
  /** The delay whose wheel granule bounds the lateness, when it is not `delay_s`. */
  windowDelay_s?: number;
  /**
   * The delay of the timer in whose callback this one was re-armed: the lateness is
   * then exact where that timer was at least as coarse (alignedFiring). Omit when
   * not re-armed from a timer callback, or when the phase is not known.
   */
  previousDelay_s?: number;
}

/** A kernel timer firing, with the window the one rule gives it. */
export function timerEvent(s: TimerEventSpec): PredictedEvent {
  const firstArm = s.firstArm ?? s.after === null;
  const armed = s.windowDelay_s ?? s.delay_s;
  const aligned = !firstArm && s.previousDelay_s !== undefined ? alignedFiring(armed, s.previousDelay_s, s.hz) : undefined;
  return { ...common(s), ...armWindow(armed, firstArm, s.hz), ...(aligned ? { aligned } : {}) };
}

/**
 * A scripted moment (a write at 8 s) or an immediate reaction to a packet: no timer,
 * no window. `hz` may be left out where no kernel is known (a script's ideal pair).
 */
export function momentEvent(s: Omit<EventBase, 'hz'> & { hz?: number }): PredictedEvent {
  return { ...common(s), early_s: 0, late_s: 0 };
}

/** What every event has, whatever its window. */
function common(s: Omit<EventBase, 'hz'> & { hz?: number }): Omit<PredictedEvent, 'early_s' | 'late_s'> {
  return {
    id: s.id,
    label: s.label,
    at_s: s.at_s,
    after: s.after,
    delay_s: s.delay_s,
    ...(s.earliest_at_s !== undefined ? { earliest_at_s: s.earliest_at_s } : {}),
    ...(s.hz !== undefined ? { jiffy_s: 1 / s.hz } : {}),
    cite: s.cite,
  };
}
