// Judging a run: each expectation compares one observation with the model, each
// kind in its own module (judge-timing.ts, judge-count.ts, judge-outcome.ts), and
// each result says what it matched (an index into the run's events).
import type { TimelineEvent } from '../events.ts';
import type { Schedule } from '../model/schedule.ts';
import type { ExpectationSpec, Judgement } from './expectation.ts';
import { r6 } from './expectation.ts';
import { judgeCount } from './judge-count.ts';
import { judgeOutcome } from './judge-outcome.ts';
import { find, timingJudge } from './judge-timing.ts';
import { describeMatcher, type Matcher } from './match.ts';

export { count, outcome, RUNNER_MOMENT, scripted, timing } from './expectation.ts';
export type { CountSpec, Expectation, ExpectationSpec, Judgement, Matched, OutcomeSpec, TimingSpec } from './expectation.ts';

export function judge(
  schedule: Schedule,
  anchor: Matcher,
  specs: readonly ExpectationSpec[],
  events: readonly TimelineEvent[],
  /** When ss sampled (state observations lie between two samples). */
  sampleTimes: readonly number[] = [],
  /** When each ss sample (by its start time) finished: see match.ts observe(). */
  sampleEnds: ReadonlyMap<number, number> = new Map(),
  /** The anchor is a call seen up to this long after the anchor's moment (ExperimentDef.anchorCall). */
  anchorLag_s = 0,
): Judgement {
  const observed = { events, sampleTimes, sampleEnds };
  const anchorEvent = find(anchor, observed);
  if (!anchorEvent) {
    return {
      anchor_s: null,
      expectations: specs.map((s) => ({
        name: s.name,
        expected_s: null,
        observed_s: null,
        tolerance_s: null,
        ok: false,
        note: `the anchor (${schedule.anchor}: ${describeMatcher(anchor)}) was never observed`,
      })),
    };
  }
  const timing = timingJudge(schedule, anchorEvent.t, specs, observed, anchorLag_s);
  const expectations = specs.map((s) => (s.kind === 'outcome' ? judgeOutcome(s, events) : s.kind === 'count' ? judgeCount(s, events) : timing(s)));
  return { anchor_s: r6(anchorEvent.t), expectations };
}
