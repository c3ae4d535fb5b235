// How an expectation finds its observation in the timeline.
import type { Direction, PacketClass, PacketEvent, SyscallEvent, TimelineEvent, TimerEvent } from '../events.ts';

export type Matcher =
  | { kind: 'packet'; dir?: Direction; class?: PacketClass; flags?: string; nth?: number }
  | { kind: 'syscall'; side?: 'client' | 'server'; call?: string; error?: string; result?: string | number; nth?: number }
  /** A socket state seen by the ss sampler: when it first appears, or when it is gone. */
  | { kind: 'state'; side?: 'client' | 'server'; state: string; edge: 'enter' | 'leave' };

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
    return (m.dir === undefined || p.dir === m.dir) && (m.class === undefined || p.class === m.class) && (m.flags === undefined || p.flags === m.flags);
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
  return (m.side === undefined || t.side === m.side) && t.state === m.state;
}

/** Events that fit (packets and syscalls; for state matchers, the samples showing the state). */
export function matchAll(m: Matcher, events: readonly TimelineEvent[]): TimelineEvent[] {
  return events.filter((e) => fits(m, e));
}

/**
 * The observation a matcher points at: the nth (0-based) fitting packet or
 * syscall, or a state's first/last appearance bracketed by the ss sample times.
 */
export function observe(m: Matcher, events: readonly TimelineEvent[], sampleTimes: readonly number[] = []): Observation | undefined {
  if (m.kind !== 'state') {
    const e = matchAll(m, events)[m.nth ?? 0];
    return e && { t: e.t };
  }
  const shown = new Set(matchAll(m, events).map((e) => e.t));
  const times = [...new Set([...sampleTimes, ...shown])].sort((a, b) => a - b);
  if (m.edge === 'enter') {
    const i = times.findIndex((t) => shown.has(t));
    return i < 0 ? undefined : { t: times[i]!, since: i > 0 ? times[i - 1]! : times[i]! };
  }
  const last = times.findLastIndex((t) => shown.has(t));
  if (last < 0 || last === times.length - 1) return undefined; // never seen, or still there at the end
  return { t: times[last + 1]!, since: times[last]! };
}

export function describeMatcher(m: Matcher): string {
  const parts = Object.entries(m)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k}=${String(v)}`);
  return `${m.kind}(${parts.join(', ')})`;
}
