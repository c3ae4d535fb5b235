// How an expectation finds its observation in the timeline.
import type { Direction, PacketClass, PacketEvent, SyscallEvent, TimelineEvent } from '../events.ts';

export type Matcher =
  | { kind: 'packet'; dir?: Direction; class?: PacketClass; flags?: string; nth?: number }
  | { kind: 'syscall'; side?: 'client' | 'server'; call?: string; error?: string; nth?: number };

export const packet = (m: Omit<Extract<Matcher, { kind: 'packet' }>, 'kind'>): Matcher => ({ kind: 'packet', ...m });
export const syscall = (m: Omit<Extract<Matcher, { kind: 'syscall' }>, 'kind'>): Matcher => ({ kind: 'syscall', ...m });

function fits(m: Matcher, e: TimelineEvent): boolean {
  if (m.kind === 'packet') {
    if (e.kind !== 'packet') return false;
    const p = e as PacketEvent;
    return (m.dir === undefined || p.dir === m.dir) && (m.class === undefined || p.class === m.class) && (m.flags === undefined || p.flags === m.flags);
  }
  if (e.kind !== 'syscall') return false;
  const s = e as SyscallEvent;
  return (m.side === undefined || s.side === m.side) && (m.call === undefined || s.call === m.call) && (m.error === undefined || s.error === m.error);
}

export function matchAll(m: Matcher, events: readonly TimelineEvent[]): TimelineEvent[] {
  return events.filter((e) => fits(m, e));
}

/** The nth (0-based, default 0) event that fits. */
export function matchOne(m: Matcher, events: readonly TimelineEvent[]): TimelineEvent | undefined {
  return matchAll(m, events)[m.nth ?? 0];
}

export function describeMatcher(m: Matcher): string {
  const parts = Object.entries(m)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k}=${String(v)}`);
  return `${m.kind}(${parts.join(', ')})`;
}
