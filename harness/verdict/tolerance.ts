// Tolerances, packetdrill-style: the larger of an absolute floor and a share of
// the interval — except that the share is not a flat 12.5 %: it is the timer
// wheel's granule for that interval (model/timer-wheel.ts), which is what the
// 12.5 % approximates. Every figure here says where it comes from.
import type { PredictedEvent } from '../model/schedule.ts';

/**
 * packetdrill's default --tolerance_usecs (4 ms): no window is narrower. It is a
 * floor for the capture and the scheduler, not a jiffy: it happens to equal one
 * jiffy at HZ=250, but it is 4 jiffies at HZ=1000 and less than one at HZ=100,
 * where the model's own windows (whole jiffies, model/timer-wheel.ts) are wider.
 */
export const ABSOLUTE_FLOOR_S = 0.004;

export interface Lag {
  s: number;
  why: string;
}

/**
 * An error the kernel reports is seen by Node only when epoll wakes the event
 * loop and libuv calls read(); the runner then stamps it with its own clock.
 * Measured by the soak (soak/margins.ts WAKEUP_CLASS: the lag from the RST in the
 * capture to the runner's stamp of the error): 20 fast catalogue passes on netns and
 * docker at --parallel 4 plus the 6.1 guest's fast matrix, 2 cores, 6.18, other
 * work on the machine: n=103, median 1.06 ms, p99 5.0 ms, p99.9 8.7 ms (the max).
 * Allowed: that p99.9, rounded up to 10 ms. It was 25 ms while ss/netstat were
 * spawned from the runner (runner/observers/shell-session.ts says why that stalled it).
 */
export const APP_WAKEUP: Lag = { s: 0.010, why: 'epoll wakeup + libuv read + runner timestamp (userspace sees the error after the kernel acts)' };

/**
 * A write() is stamped when the call returns, after the kernel has sent its segment
 * (tcp_sendmsg pushes it inside the call on an idle connection). Measured in the
 * soak's recorded test-dead runs (21 runs, netns and docker): the stamp came 0.13 to
 * 0.58 ms after the segment's capture time. Allowed: APP_WAKEUP's bound, since a
 * loaded runner can lose the CPU between the kernel's return and its stamp just as
 * it can before an epoll wakeup. Used only when no capture shows the segment
 * (ExperimentDef.anchorCall, --observers minimal).
 */
export const SEND_RETURN: Lag = { s: APP_WAKEUP.s, why: 'write() is stamped after it returns, once the kernel has sent the segment' };

/**
 * A call the runner makes when one of its timers fires (a script's sleep, a scripted
 * moment, a write loop's interval): Node's setTimeout wakes up late, by the timer's
 * own slack and by however long the runner waits for a CPU. Not an epoll wakeup, and
 * much wider under load. Measured by the soak (18 fast catalogue passes, netns and
 * docker, --parallel 4, 2 cores, 6.18, with other work on the machine): a packet a
 * script sends after a sleep came up to 13.5 ms after its moment (socket-semantics:
 * rst-write); p99 of scripted data packets 8.0 ms. The 25 ms allowed is one CFS
 * slice of budget on top of that (~3–24 ms on 2 cores).
 */
export const TIMER_WAKEUP: Lag = { s: 0.025, why: "the runner's setTimeout wakes up late, then makes its call (a scripted moment)" };

export interface Window {
  early_s: number;
  late_s: number;
}

/** How far before/after its expected time an observation of `e` may fall. */
export function windowFor(e: Pick<PredictedEvent, 'early_s' | 'late_s'> & { after?: string | null; jiffy_s?: number }, lag?: Lag): Window {
  // A timer re-armed from an earlier firing may be expired on another CPU (see CROSS_CPU_TICK_S):
  // one jiffy of the event's own kernel (model/timer-event.ts sets jiffy_s from its HZ). A first
  // arm (after = the anchor) already carries that jiffy in the model (model/tick-phase.ts).
  const crossCpu = e.after ? (e.jiffy_s ?? CROSS_CPU_TICK_S) : 0;
  return {
    early_s: Math.max(ABSOLUTE_FLOOR_S, e.early_s),
    late_s: Math.max(ABSOLUTE_FLOOR_S, e.late_s) + crossCpu + TIMER_CALLBACK_LATENCY_S + (lag?.s ?? 0),
  };
}

/**
 * One jiffy at HZ=250, for events that do not say their kernel's jiffy (`jiffy_s`,
 * set by model/timer-event.ts from the kernel's HZ).
 *
 * Two firings seen in the capture may have run on two CPUs whose ticks are up to
 * one jiffy apart: only tick_do_timer_cpu advances jiffies (tick-sched.c, v6.18),
 * and a timer that is not pinned may be expired by another CPU than the one that
 * armed it (get_nohz_timer_target before 6.9, the timer_migration.c hierarchy
 * since). model/tick-phase.ts gives first arms this jiffy; re-armed timers whose
 * lateness is not exact (timer-wheel.ts alignedFiring) need it too. Measured on
 * 6.18, 2 vCPUs: the second RTO (102 jiffies, granule 8) came 36.0 ms after the
 * first, twice in 98 fast runs — 9 jiffies, one past calc_index()'s 8.
 */
export const CROSS_CPU_TICK_S = 0.004;

/**
 * A timer fires at a tick, but its packet is captured only after the tick interrupt,
 * the timer softirq and the transmit path have run, and the previous packet it is
 * measured from was delayed the same way by a different amount. Whole-jiffy model
 * windows therefore need this much on the late side: measured on 6.18 (2 vCPUs), a
 * firing at the far edge of its granule came 34 us past it (test-read-noack, an RTO
 * 110 jiffies after the previous one), and re-armed timers spread by up to 0.5 ms.
 */
export const TIMER_CALLBACK_LATENCY_S = 0.001;
