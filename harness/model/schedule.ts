// What the model predicts: a chain of timer firings measured from an anchor event.
//
// Each predicted event is a kernel timer that was armed when an earlier event
// happened (`after`), with a delay (`delay_s`). The timer wheel rounds the expiry
// up, so the event fires within [delay_s - early_s, delay_s + late_s] of the moment
// the timer was armed (see timer-wheel.ts). `at_s` is the nominal time from the
// anchor, the figure the notes quote ("probes at 5, 8, 11 s").

export interface PredictedEvent {
  /** Stable key used by experiments to match observations, e.g. 'probe-1', 'abort'. */
  id: string;
  /** What a person reads, e.g. "keepalive probe 2". */
  label: string;
  /** Nominal seconds since the anchor. */
  at_s: number;
  /** id of the event at which this timer was armed; null = the anchor. */
  after: string | null;
  /** The timer's delay as armed: at_s - at_s(after). */
  delay_s: number;
  /** How early it may fire: sub-jiffy phase of the arming moment (one jiffy). */
  early_s: number;
  /** How late it may fire: the timer-wheel granule for delay_s. */
  late_s: number;
  /** The kernel function (and version) whose logic produced this event. */
  cite: string;
  /**
   * Optional. When the kernel decides at this event by comparing an elapsed time
   * with a bound (tcp_retries2, TCP_USER_TIMEOUT, syn retries), and the timer-wheel
   * lateness accumulated along the chain could push an EARLIER firing of the same
   * timer past that bound, this is the nominal time (from the anchor) of the
   * earliest firing at which the event may happen instead. The event then falls
   * in [earliest_at_s - early_s, at_s + late_s].
   */
  earliest_at_s?: number;
  /**
   * Optional. Set when this timer is re-armed from the callback of a wheel timer
   * at least as coarse (timer-wheel.ts alignedFiring): measured from the observed
   * arming event, it then fires exactly `late_s` after its delay, give or take
   * `jitter_s`. Only meaningful when the arming event (`after`) was observed.
   */
  aligned?: { late_s: number; jitter_s: number };
  /**
   * Optional. One jiffy (1/HZ) of the kernel the event was predicted for, which the
   * verdict adds for a firing seen on another CPU (verdict/tolerance.ts windowFor).
   * Set by timer-event.ts when it knows the kernel's HZ; absent, the verdict assumes HZ=250.
   */
  jiffy_s?: number;
}

export interface Schedule {
  /** What `at_s` is measured from, in words, e.g. "client receives the SYN-ACK". */
  anchor: string;
  events: PredictedEvent[];
  /** The errno the application sees when the socket dies, if it dies. */
  error?: string;
  /** Kernel-version facts that shaped this schedule, in words. */
  notes: string[];
}

export function eventById(schedule: Schedule, id: string): PredictedEvent {
  const e = schedule.events.find((x) => x.id === id);
  if (!e) throw new Error(`the model predicted no event '${id}'`);
  return e;
}

/** The last predicted event: the end of the experiment as far as the model knows. */
export function predictedEnd(schedule: Schedule): number {
  return schedule.events.reduce((m, e) => Math.max(m, e.at_s + e.late_s), 0);
}

/**
 * The numbered series of events the model predicts, by the id stem their ids share
 * (`${series}-${n}`, counted from 1 in the order they happen):
 * - 'probe': keepalive probes (keepalive.ts)
 * - 'rto': RTO retransmissions of data (rto.ts)
 * - 'zwp': zero-window probes (persist.ts)
 * - 'syn-retrans': SYN retransmissions in SYN-SENT (syn.ts, syn-pair.ts)
 * - 'synack-retrans': SYN-ACK retransmissions of a request socket (syn.ts, syn-pair.ts, defer-accept.ts)
 * - 'synack-new': SYN-ACKs of a request created anew by a retransmitted SYN (syn-pair.ts)
 * - 'drop': a request socket dropped silently — 'drop' alone when there is one request
 *   (syn.ts, defer-accept.ts), 'drop-R' for request R (syn-pair.ts)
 * - 'answer': the peer's ACK of keepalive probe N, answer-N (conntrack.ts)
 */
export type EventSeries = 'probe' | 'rto' | 'zwp' | 'syn-retrans' | 'synack-retrans' | 'synack-new' | 'drop' | 'answer';

/** The events of one series, in schedule order: eventsOf(model, 'probe') → probe-1, probe-2 … */
export function eventsOf(events: Schedule | readonly PredictedEvent[], series: EventSeries): PredictedEvent[] {
  const list = 'events' in events ? events.events : events;
  return list.filter((e) => e.id === series || e.id.startsWith(`${series}-`));
}
