// A count: how many events fit, exactly as many as expected.
import type { TimelineEvent } from '../events.ts';
import type { CountSpec, Expectation } from './expectation.ts';
import { matchIndices } from './match.ts';

export function judgeCount(s: CountSpec, events: readonly TimelineEvent[]): Expectation {
  const counted = matchIndices(s.observe, events);
  const observed = counted.length;
  const ok = observed === s.expected;
  return { name: s.name, expected_s: null, observed_s: null, tolerance_s: null, ok, expected: s.expected, observed, matcher: s.observe, counted };
}
