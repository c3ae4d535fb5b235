// What an experiment expects (the specs), and what the judge found (result.json's
// `expectations[]`). judge.ts judges them; judge-timing.ts, judge-count.ts and
// judge-outcome.ts each judge one kind.
import type { TimelineEvent } from '../events.ts';
import type { Matcher } from './match.ts';
import { type Lag, TIMER_WAKEUP } from './tolerance.ts';

export interface TimingSpec {
  kind: 'timing';
  name: string;
  /** id of the predicted event (model/schedule.ts). */
  predicted: string;
  observe: Matcher;
  /** Extra lateness when the observation is made in userspace, with its reason. */
  lag?: Lag;
}

export interface CountSpec {
  kind: 'count';
  name: string;
  expected: number;
  observe: Matcher;
}

/** A call's outcome (an errno name, a byte count, 'EOF'), whenever it happened. */
export interface OutcomeSpec {
  kind: 'outcome';
  name: string;
  /** Which call: side, call, nth… — deliberately without the result. */
  observe: Matcher;
  expected: string | number;
}

export type ExpectationSpec = TimingSpec | CountSpec | OutcomeSpec;

export const timing = (name: string, predicted: string, observe: Matcher, lag?: Lag): TimingSpec => ({ kind: 'timing', name, predicted, observe, lag });
/**
 * A scripted moment is counted from a moment the runner saw (connect() returning, a
 * connection established): the runner goes on once it gets the CPU after the kernel's
 * packet, and its setTimeout then wakes up late by another such wait: two runner
 * wakeups under load, each TIMER_WAKEUP (an error's epoll wakeup, APP_WAKEUP, is
 * measured far tighter, but a moment's chain is not one). Measured by the soak (18
 * fast passes, netns and docker, 2 cores, 6.18, other work on the machine): the worst
 * was a write 20 s after connect() 53.2 ms late (test-accept-defer:send-at-20s), 1.8 ms
 * inside its window; under two nice-0 CPU hogs, netstat-keepalive-send's write came
 * 26.6 ms late at worst (16 runs).
 */
export const RUNNER_MOMENT: Lag = { s: 2 * TIMER_WAKEUP.s, why: 'counted from a moment userspace saw (one wakeup after its packet), then the runner\'s setTimeout wakeup' };

/**
 * A packet the runner sends at a scripted moment (e.g. "the client writes at 8 s"):
 * the model's window for the moment, plus the runner's two wakeups (RUNNER_MOMENT).
 * The packet still witnesses the event, so the kernel's reactions are judged against it.
 */
export const scripted = (name: string, predicted: string, observe: Matcher): TimingSpec => timing(name, predicted, observe, RUNNER_MOMENT);
export const count = (name: string, expected: number, observe: Matcher): CountSpec => ({ kind: 'count', name, expected, observe });
export const outcome = (name: string, observe: Matcher, expected: string | number): OutcomeSpec => ({ kind: 'outcome', name, observe, expected });

/** The observation an expectation was judged on, as it stands in the run's timeline. */
export interface Matched {
  /** Index into the run's events (result.json `events[]`). */
  index: number;
  kind: TimelineEvent['kind'];
  /** That event's own time: for a state, when the ss sample showing it was taken (observed_s is the bracket's end). */
  t: number;
  /**
   * A state seen by ss happened somewhere in [since, observed_s] (the sample before
   * and the one showing it); a timing holds when that bracket meets its window.
   */
  since?: number;
}

/** One judged expectation: the `expectations[]` entry of result.json. */
export interface Expectation {
  name: string;
  expected_s: number | null;
  observed_s: number | null;
  /** The larger side of the window: how late (or early) the observation may be. */
  tolerance_s: number | null;
  ok: boolean;
  note?: string;
  /** [earliest, latest] accepted observation time. */
  window_s?: [number, number];
  /** The model's nominal time since the anchor (the figure the notes quote: 5, 8, 11, 14 s). */
  at_s?: number;
  /** That nominal time on the scenario clock (anchor_s + at_s). */
  nominal_s?: number;
  /** observed_s - expected_s */
  error_s?: number;
  predicted?: string;
  cite?: string;
  expected?: number | string;
  observed?: number | string | null;
  /** What the judge looked for (the spec's matcher). */
  matcher?: Matcher;
  /**
   * What it found: the packet or call (a timing or an outcome); for a state seen by
   * ss, the sample showing it (entered: the first such sample, left: the last).
   */
  matched?: Matched;
  /** A count: the index in the run's events of every event it counted. */
  counted?: number[];
}

export interface Judgement {
  anchor_s: number | null;
  expectations: Expectation[];
}

export const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The Matched record of events[index]. */
export function matchedAt(events: readonly TimelineEvent[], index: number): Matched {
  const e = events[index]!;
  return { index, kind: e.kind, t: e.t };
}
