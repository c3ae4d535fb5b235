// A count: how many events fit, exactly as many as expected (or up to a reasoned few fewer).
import type { TimelineEvent } from '../events.ts';
import type { CountSpec, Expectation } from './expectation.ts';
import { matchIndices } from './match.ts';

export function judgeCount(s: CountSpec, events: readonly TimelineEvent[]): Expectation {
  const counted = matchIndices(s.observe, events);
  const observed = counted.length;
  const fewest = s.expected - (s.fewer?.n ?? 0);
  const ok = observed <= s.expected && observed >= fewest;
  const note = s.fewer && ok && observed < s.expected ? { note: `${s.expected - observed} fewer: ${s.fewer.why}` } : {};
  return { name: s.name, expected_s: null, observed_s: null, tolerance_s: null, ok, expected: s.expected, observed, ...note, matcher: s.observe, counted };
}
