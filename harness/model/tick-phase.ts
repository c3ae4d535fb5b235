// The first timer of a chain, armed outside a timer callback (a write(), an
// incoming ACK), can fire one jiffy later than calc_index() alone allows.
//
// Read: kernel/time/tick-sched.c tick_sched_do_timer() (v6.18): only the CPU that
// holds the do_timer duty (tick_do_timer_cpu) advances jiffies, in its own tick
// (tick_do_update_jiffies64()); kernel/time/timer.c run_local_timers() /
// __run_timers() (v6.x): a timer runs in the tick of the CPU it is queued on, once
// `jiffies` there has reached its bucket. When those two ticks are not in phase
// (vCPUs of a VM such as this project's Firecracker hosts, or NOHZ CPUs waking at
// different moments), the jiffies value read when the timer is armed and the tick at
// which it fires are measured against different clocks: seen from the capture, the
// timer may fire up to one jiffy after the bucket boundary calc_index() gives.
//
// Timers re-armed from the callback of the previous one are not affected: both the
// arming and the firing happen in ticks of the same CPU, so the offset cancels
// (timer-wheel.ts alignedFiring, judged to the jiffy on 6.18).
//
// Measured on 6.18 (HZ=250, 2 vCPUs), the tail loss probe of a write() (PTO 51
// jiffies, level 0): 204.77, 206.97, 207.53 ms (52 jiffies minus the arming phase, as
// calc_index() predicts) and 209.14, 210.23 ms (53 jiffies minus the phase).

import { fireWindow, type FireWindow } from './timer-wheel.ts';

/** fireWindow() for a timer armed outside a timer callback: one more jiffy on the late side. */
export function firstArmWindow(delay_s: number, hz = 250): FireWindow {
  const w = fireWindow(delay_s, hz);
  return { early_s: w.early_s, late_s: w.late_s + 1 / hz };
}

/** The window of a timer: firstArmWindow() when armed outside a timer callback (`after` is the anchor), else fireWindow(). */
export function armWindow(delay_s: number, armedByAnchor: boolean, hz = 250): FireWindow {
  return armedByAnchor ? firstArmWindow(delay_s, hz) : fireWindow(delay_s, hz);
}
