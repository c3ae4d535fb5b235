// The non-cascading timer wheel (kernel/time/timer.c, since 4.8), which every TCP
// timer (a timer_list, not an hrtimer) runs on.
//
// Read: kernel/time/timer.c, calc_index() and calc_wheel_index(), as in v5.x-v6.x
// (the form `expires = (expires >> LVL_SHIFT(lvl)) + 1`; 4.8-5.x wrote the same
// rounding as `(expires + LVL_GRAN(lvl)) >> LVL_SHIFT(lvl)`, Thomas Gleixner's later
// cleanup only rewrote it).
//
//   LVL_CLK_SHIFT = 3, LVL_BITS = 6, LVL_SIZE = 64
//   LVL_SHIFT(n) = n * LVL_CLK_SHIFT, LVL_GRAN(n) = 1 << LVL_SHIFT(n)
//   LVL_START(n) = (LVL_SIZE - 1) << ((n - 1) * LVL_CLK_SHIFT)
//   LVL_DEPTH = 9 when HZ > 100, else 8
//
// calc_wheel_index() picks the level from delta = expires - base->clk (the timer's
// delay) and calc_index() rounds the expiry UP to the next multiple of that level's
// granule: bucket_expiry = ((expires >> shift) + 1) << shift, i.e. in
// (expires, expires + granule]. So a timer fires 1..granule jiffies after its
// nominal expiry, never before it.

export const LVL_CLK_SHIFT = 3;
export const LVL_BITS = 6;
export const LVL_SIZE = 1 << LVL_BITS;

/** LVL_DEPTH in kernel/time/timer.c: 9 levels when HZ > 100, 8 otherwise. */
export function levelDepth(hz: number): number {
  return hz > 100 ? 9 : 8;
}

/** LVL_START(n): the smallest delay (jiffies) that lands in level n (n >= 1). */
export function levelStart(level: number): number {
  return (LVL_SIZE - 1) * 2 ** ((level - 1) * LVL_CLK_SHIFT);
}

/** LVL_GRAN(n) in jiffies. */
export function levelGranule(level: number): number {
  return 2 ** (level * LVL_CLK_SHIFT);
}

/** Which level calc_wheel_index() puts a timer with this delay in. */
export function wheelLevel(delayJiffies: number, hz = 250): number {
  const depth = levelDepth(hz);
  for (let lvl = 1; lvl < depth; lvl++) {
    if (delayJiffies < levelStart(lvl)) return lvl - 1;
  }
  // Beyond the last LVL_START the kernel clamps to WHEEL_TIMEOUT_MAX in the last level.
  return depth - 1;
}

/** The rounding granule (jiffies) for a timer of this delay: mirrors calc_wheel_index(). */
export function granuleJiffies(delayJiffies: number, hz = 250): number {
  return levelGranule(wheelLevel(delayJiffies, hz));
}

/**
 * Seconds to jiffies the way TCP arms its timers: msecs_to_jiffies() rounds up.
 * The small epsilon keeps 0.2 s * 250 = 50 from becoming 51 through float error.
 */
export function secondsToJiffies(s: number, hz = 250): number {
  return Math.ceil(s * hz - 1e-9);
}

export interface FireWindow {
  /** How much earlier than the nominal delay the firing may be observed. */
  early_s: number;
  /** How much later than the nominal delay it may fire: one wheel granule. */
  late_s: number;
}

/**
 * The window around `delay_s` in which a timer armed at some moment fires, measured
 * from that moment. Mirrors calc_index()/calc_wheel_index(), kernel/time/timer.c
 * (4.8+, read as of v6.x).
 *
 * late: calc_index() moves the expiry to the next granule boundary, up to one
 * granule after the nominal expiry.
 * early: the schedule contract (schedule.ts) allows one jiffy for the phase of
 * the arming moment inside its jiffy, because TCP measures its reference times
 * (rcv_tstamp, retrans_stamp) in whole jiffies. The kernel's +1 rounding means
 * that, in the source, a timer never fires before the nominal delay after its
 * reference jiffy, so this one jiffy is a conservative allowance.
 */
export function fireWindow(delay_s: number, hz = 250): FireWindow {
  const jiffy = 1 / hz;
  const granule = granuleJiffies(secondsToJiffies(delay_s, hz), hz);
  return { early_s: jiffy, late_s: granule * jiffy };
}

/**
 * The most a chain of timers can add to the elapsed time, each armed when the
 * previous one fired: the sum of their granules. Every firing is late by 1 jiffy to
 * one granule (calc_index(), kernel/time/timer.c, v6.x), and the lateness carries
 * into the next arming, so the real elapsed time is never below the nominal sum and
 * at most this much above it.
 */
export function maxChainLateness_s(delays_s: readonly number[], hz = 250): number {
  return delays_s.reduce((sum, d) => sum + fireWindow(d, hz).late_s, 0);
}

export interface AlignedFiring {
  /** Exactly how late the timer fires after its nominal delay. */
  late_s: number;
  /** Tick jitter allowed around that: one jiffy for each of the two firings. */
  jitter_s: number;
}

/**
 * The lateness of a timer re-armed from the callback of another wheel timer whose
 * granule is at least as coarse as its own (e.g. keepalive probe N+1 armed when
 * probe N fired). That callback runs at the bucket expiry J of the previous timer,
 * a multiple of its granule and so of this one's; calc_index() then puts the new
 * expiry J + d in bucket ((J + d) >> shift) + 1) << shift, which is exactly
 * (floor(d / g) + 1) * g - d jiffies late, whatever J was. Mirrors calc_index(),
 * kernel/time/timer.c (4.8+, read as of v6.x). Measured on 6.18 (HZ=250): a 3 s
 * keepalive interval (750 jiffies, granule 64) fires 768 jiffies = 3.072 s after
 * the previous probe, every time.
 *
 * Returns undefined when the previous timer's granule is finer: then the phase of
 * the arming jiffy within this granule is unknown and only fireWindow() applies.
 */
export function alignedFiring(delay_s: number, previousDelay_s: number, hz = 250): AlignedFiring | undefined {
  const d = secondsToJiffies(delay_s, hz);
  const g = granuleJiffies(d, hz);
  if (granuleJiffies(secondsToJiffies(previousDelay_s, hz), hz) < g) return undefined;
  const jiffy = 1 / hz;
  const lateJiffies = (Math.floor(d / g) + 1) * g - d;
  // The kernel's delay is whole jiffies (msecs_to_jiffies rounds up); count that too.
  return { late_s: lateJiffies * jiffy + (d * jiffy - delay_s), jitter_s: 2 * jiffy };
}
