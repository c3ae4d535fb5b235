// An outcome: the errno (or result) the call really got, whenever it happened.
import type { TimelineEvent } from '../events.ts';
import { type Expectation, matchedAt, type OutcomeSpec, r6 } from './expectation.ts';
import { describeMatcher, matchIndices } from './match.ts';

export function judgeOutcome(s: OutcomeSpec, events: readonly TimelineEvent[]): Expectation {
  const index = matchIndices(s.observe, events)[s.observe.kind === 'state' ? 0 : (s.observe.nth ?? 0)];
  const e = index === undefined ? undefined : events[index]!;
  const got = e?.kind === 'syscall' ? (e.error ?? e.result ?? null) : null;
  return {
    name: s.name,
    expected_s: null,
    observed_s: e ? r6(e.t) : null,
    tolerance_s: null,
    ok: got === s.expected,
    expected: s.expected,
    observed: got,
    matcher: s.observe,
    ...(index === undefined ? { note: `not observed: no ${describeMatcher(s.observe)}` } : { matched: matchedAt(events, index) }),
  };
}
