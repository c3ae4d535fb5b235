// How an expectation finds its observation in the timeline.
import type { Direction, PacketClass, PacketEvent, SyscallEvent, TimelineEvent, TimerEvent } from '../events.ts';

export type Matcher =
  /**
   * win: only segments advertising exactly this window (raw field), e.g. 0 for a zero window;
   * len: only segments with exactly this much payload.
   * before: only packets captured before that (packet or syscall) observation, in counts
   * too (e.g. the last zero-window ACK before the first window probe: { win: 0, before: …,
   * nth: -1 }); after: only packets captured after it (e.g. the ACK of a FIN); a negative
   * nth counts from the end.
   */
  | { kind: 'packet'; dir?: Direction; class?: PacketClass; flags?: string; nth?: number; win?: number; len?: number; before?: Matcher; after?: Matcher }
  | { kind: 'syscall'; side?: 'client' | 'server'; call?: string; error?: string; result?: string | number; nth?: number }
  /**
   * A socket state seen by the ss sampler: when it first appears, or when it is gone.
   * recv_q narrows it to samples with that Recv-Q (LISTEN: the accept queue length).
   * timer/count/probes narrow it to samples showing that timer: ss `timer:(NAME,…,COUNT)`,
   * netstat `NAME (…/RETRANS/PROBES)` (probes: netstat's third field, which ss cannot show
   * next to `on`). source picks the sampler: 'ss' (default) or 'netstat' (names states
   * its own way: ESTABLISHED, FIN_WAIT2 …).
   */
  | {
      kind: 'state';
      side?: 'client' | 'server';
      state: string;
      edge: 'enter' | 'leave';
      recv_q?: number;
      timer?: string;
      count?: number;
      probes?: number;
      source?: 'ss' | 'netstat';
    };

export const packet = (m: Omit<Extract<Matcher, { kind: 'packet' }>, 'kind'>): Matcher => ({ kind: 'packet', ...m });
export const syscall = (m: Omit<Extract<Matcher, { kind: 'syscall' }>, 'kind'>): Matcher => ({ kind: 'syscall', ...m });
export const state = (m: Omit<Extract<Matcher, { kind: 'state' }>, 'kind'>): Matcher => ({ kind: 'state', ...m });

/**
 * Where an observation lies in time. A sampled one (ss) is only known to lie
 * between the last sample that did not show it and the first that did.
 */
export interface Observation {
  t: number;
  /** The earliest moment it could have happened (sampled observations only). */
  since?: number;
}

function fits(m: Matcher, e: TimelineEvent): boolean {
  if (m.kind === 'packet') {
    if (e.kind !== 'packet') return false;
    const p = e as PacketEvent;
    return (
      (m.dir === undefined || p.dir === m.dir) &&
      (m.class === undefined || p.class === m.class) &&
      (m.flags === undefined || p.flags === m.flags) &&
      (m.win === undefined || p.win === m.win) &&
      (m.len === undefined || p.len === m.len)
    );
  }
  if (m.kind === 'syscall') {
    if (e.kind !== 'syscall') return false;
    const s = e as SyscallEvent;
    return (
      (m.side === undefined || s.side === m.side) &&
      (m.call === undefined || s.call === m.call) &&
      (m.error === undefined || s.error === m.error) &&
      (m.result === undefined || s.result === m.result)
    );
  }
  if (e.kind !== 'timer') return false;
  const t = e as TimerEvent;
  return (
    (m.side === undefined || t.side === m.side) &&
    t.state === m.state &&
    (m.recv_q === undefined || t.recv_q === m.recv_q) &&
    (t.source ?? 'ss') === (m.source ?? 'ss') &&
    (m.timer === undefined || t.timer === m.timer) &&
    (m.count === undefined || t.count === m.count) &&
    (m.probes === undefined || t.probes === m.probes)
  );
}

/** Events that fit (packets and syscalls; for state matchers, the samples showing the state). */
export function matchAll(m: Matcher, events: readonly TimelineEvent[]): TimelineEvent[] {
  return matchIndices(m, events).map((i) => events[i]!);
}

/** Where in `events` the events that fit are (matchAll, as indices into the timeline). */
export function matchIndices(m: Matcher, events: readonly TimelineEvent[]): number[] {
  let fitting = events.flatMap((e, i) => (fits(m, e) ? [i] : []));
  if (m.kind !== 'packet') return fitting;
  // A packet or syscall limit needs no ss sample times.
  if (m.before) {
    const limit = observe(m.before, events);
    fitting = limit ? fitting.filter((i) => events[i]!.t < limit.t) : [];
  }
  if (m.after) {
    const limit = observe(m.after, events);
    fitting = limit ? fitting.filter((i) => events[i]!.t > limit.t) : [];
  }
  return fitting;
}

/** Where an observation lies in time (locate(), without saying which event shows it). */
export function observe(...args: Parameters<typeof locate>): Observation | undefined {
  const found = locate(...args);
  if (!found) return undefined;
  return found.since === undefined ? { t: found.t } : { t: found.t, since: found.since };
}

/** An observation and the event that shows it: its index in the timeline. */
export interface Located extends Observation {
  /** The packet or syscall; for a state, the ss sample showing it (enter: the first, leave: the last). */
  index: number;
}

/**
 * The observation a matcher points at: the nth (0-based) fitting packet or
 * syscall, or a state's first/last appearance bracketed by the ss sample times.
 * sampleEnds maps a sample's start to when its ss run ended: the kernel was read
 * somewhere in between, so a state first shown by a sample may have appeared up to
 * that sample's end (an ss run took 6-90 ms here, median 10 ms, over 102 samples on 6.18).
 */
export function locate(
  m: Matcher,
  events: readonly TimelineEvent[],
  sampleTimes: readonly number[] = [],
  sampleEnds: ReadonlyMap<number, number> = new Map(),
): Located | undefined {
  const fitting = matchIndices(m, events);
  if (m.kind !== 'state') {
    const index = fitting.at(m.nth ?? 0);
    return index === undefined ? undefined : { t: events[index]!.t, index };
  }
  const shown = new Set(fitting.map((i) => events[i]!.t));
  const sampled = m.source === 'netstat' ? netstatSampleTimes(events) : sampleTimes;
  const times = [...new Set([...sampled, ...shown])].sort((a, b) => a - b);
  const ends = m.source === 'netstat' ? netstatSampleEnds(events) : sampleEnds;
  const endOf = (t: number) => ends.get(t) ?? t;
  if (m.edge === 'enter') {
    const i = times.findIndex((t) => shown.has(t));
    // Already there at the first sample: it appeared after the scenario started (t=0).
    return i < 0 ? undefined : { t: endOf(times[i]!), since: i > 0 ? times[i - 1]! : Math.min(0, times[i]!), index: fitting[0]! };
  }
  const last = times.findLastIndex((t) => shown.has(t));
  if (last < 0 || last === times.length - 1) return undefined; // never seen, or still there at the end
  return { t: endOf(times[last + 1]!), since: times[last]!, index: fitting.at(-1)! };
}

/**
 * When netstat sampled, as far as brackets need it: every netstat row carries its own
 * sample time and its neighbours' (observe/netstat-log.ts), so the samples next to any
 * row are known even when they listed no socket at all.
 */
/** Sample start → when that netstat run ended, from the rows' own annotations. */
function netstatSampleEnds(events: readonly TimelineEvent[]): Map<number, number> {
  const ends = new Map<number, number>();
  for (const e of events) {
    if (e.kind !== 'timer' || (e as TimerEvent).source !== 'netstat') continue;
    const n = e as TimerEvent;
    if (n.sample_end_t !== undefined) ends.set(n.t, n.sample_end_t);
    if (n.sample_next_t !== undefined && n.sample_next_end_t !== undefined) ends.set(n.sample_next_t, n.sample_next_end_t);
  }
  return ends;
}

function netstatSampleTimes(events: readonly TimelineEvent[]): number[] {
  const times: number[] = [];
  for (const e of events) {
    if (e.kind !== 'timer' || (e as TimerEvent).source !== 'netstat') continue;
    const n = e as TimerEvent;
    times.push(n.t, ...(n.sample_prev_t !== undefined ? [n.sample_prev_t] : []), ...(n.sample_next_t !== undefined ? [n.sample_next_t] : []));
  }
  return times;
}

export function describeMatcher(m: Matcher): string {
  const parts = Object.entries(m)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? describeMatcher(v as Matcher) : String(v)}`);
  return `${m.kind}(${parts.join(', ')})`;
}
