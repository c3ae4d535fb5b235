// Judging a run: each expectation compares one observation with the model.
//
// Timings are judged the way the kernel produces them: a timer is armed when an
// earlier event happens, so an event is expected `delay_s` after the *observed*
// moment of the event that armed it (packetdrill's relative times). Lateness then
// does not pile up along a chain, and each window is the timer wheel's own.
import type { TimelineEvent } from '../events.ts';
import type { Schedule } from '../model/schedule.ts';
import { describeMatcher, type Matcher, matchAll, observe } from './match.ts';
import { type Lag, windowFor } from './tolerance.ts';

export interface TimingSpec {
  kind: 'timing';
  name: string;
  /** id of the predicted event (model/schedule.ts). */
  predicted: string;
  observe: Matcher;
  /** Extra lateness when the observation is made in userspace, with its reason. */
  lag?: Lag;
  /**
   * The scenario chose this moment (e.g. "the client writes at 8 s"): the packet
   * must not come early, but how late the runner's timer woke up is the runner's
   * scheduling, not the kernel's, so lateness is reported, not judged. The packet
   * still witnesses the event, so the kernel's reactions are judged against it.
   */
  scripted?: boolean;
}

export interface CountSpec {
  kind: 'count';
  name: string;
  expected: number;
  observe: Matcher;
  /** Up to this many fewer are also right, for the reason given (e.g. a kernel deferral). */
  fewer?: { n: number; why: string };
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
/** A packet the scenario sends at a scripted moment (see TimingSpec.scripted). */
export const scripted = (name: string, predicted: string, observe: Matcher): TimingSpec => ({ kind: 'timing', name, predicted, observe, scripted: true });
export const count = (name: string, expected: number, observe: Matcher, fewer?: CountSpec['fewer']): CountSpec => ({
  kind: 'count',
  name,
  expected,
  observe,
  ...(fewer ? { fewer } : {}),
});
export const outcome = (name: string, observe: Matcher, expected: string | number): OutcomeSpec => ({ kind: 'outcome', name, observe, expected });

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
}

export interface Judgement {
  anchor_s: number | null;
  expectations: Expectation[];
}

interface Estimate {
  t: number;
  early: number;
  late: number;
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function judge(
  schedule: Schedule,
  anchor: Matcher,
  specs: readonly ExpectationSpec[],
  events: readonly TimelineEvent[],
  /** When ss sampled (state observations lie between two samples). */
  sampleTimes: readonly number[] = [],
  /** When each ss sample (by its start time) finished: see match.ts observe(). */
  sampleEnds: ReadonlyMap<number, number> = new Map(),
): Judgement {
  const anchorEvent = observe(anchor, events, sampleTimes, sampleEnds);
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

  // The kernel-side witness of each predicted event: its packet, when one is expected.
  const witness = new Map<string, number>();
  for (const s of specs) {
    if (s.kind !== 'timing' || s.observe.kind !== 'packet' || witness.has(s.predicted)) continue;
    const seen = observe(s.observe, events, sampleTimes, sampleEnds);
    if (seen) witness.set(s.predicted, seen.t);
  }

  const estimates = new Map<string, Estimate>();
  const estimate = (id: string | null): Estimate => {
    if (id === null) return { t: anchorEvent.t, early: 0, late: 0 };
    const seen = witness.get(id);
    if (seen !== undefined) return { t: seen, early: 0, late: 0 };
    const cached = estimates.get(id);
    if (cached) return cached;
    // Not observed: chain from its own expectation, carrying its window along.
    const e = schedule.events.find((x) => x.id === id);
    if (!e) throw new Error(`expectation refers to '${id}', which the model did not predict`);
    const base = estimate(e.after);
    const w = windowFor(e);
    const est = { t: base.t + e.delay_s, early: base.early + w.early_s, late: base.late + w.late_s };
    estimates.set(id, est);
    return est;
  };

  const expectations = specs.map((s): Expectation => {
    if (s.kind === 'outcome') {
      const e = matchAll(s.observe, events)[s.observe.kind === 'state' ? 0 : (s.observe.nth ?? 0)];
      const got = e?.kind === 'syscall' ? (e.error ?? e.result ?? null) : null;
      return {
        name: s.name,
        expected_s: null,
        observed_s: e ? r6(e.t) : null,
        tolerance_s: null,
        ok: got === s.expected,
        expected: s.expected,
        observed: got,
        ...(e ? {} : { note: `not observed: no ${describeMatcher(s.observe)}` }),
      };
    }
    if (s.kind === 'count') {
      const observed = matchAll(s.observe, events).length;
      const fewest = s.expected - (s.fewer?.n ?? 0);
      const ok = observed <= s.expected && observed >= fewest;
      const note = s.fewer && ok && observed < s.expected ? { note: `${s.expected - observed} fewer: ${s.fewer.why}` } : {};
      return { name: s.name, expected_s: null, observed_s: null, tolerance_s: null, ok, expected: s.expected, observed, ...note };
    }
    const e = schedule.events.find((x) => x.id === s.predicted);
    if (!e) throw new Error(`expectation '${s.name}' refers to '${s.predicted}', which the model did not predict`);
    const seen = observe(s.observe, events, sampleTimes, sampleEnds);
    // A second observation of an event whose packet was seen (e.g. the errno
    // after the RST) is judged against that packet: same kernel moment, plus lag.
    const witnessed = s.observe.kind !== 'packet' ? witness.get(e.id) : undefined;
    const base = witnessed !== undefined ? { t: witnessed, early: 0, late: 0 } : estimate(e.after);
    // Re-armed from an observed firing of a timer at least as coarse: the wheel
    // makes its lateness exact (model/timer-wheel.ts alignedFiring).
    const aligned = witnessed === undefined && e.aligned && e.after !== null && witness.has(e.after) ? e.aligned : undefined;
    const w = witnessed !== undefined
      ? windowFor({ early_s: 0, late_s: 0 }, s.lag)
      : aligned
        ? windowFor({ early_s: aligned.jitter_s, late_s: aligned.jitter_s }, s.lag)
        : windowFor(e, s.lag);
    const expected = base.t + (witnessed !== undefined ? 0 : e.delay_s + (aligned?.late_s ?? 0));
    let lo = expected - base.early - w.early_s;
    // Scripted: only "not early" is judged (TimingSpec.scripted).
    const hi = s.scripted ? Infinity : expected + base.late + w.late_s;
    // The model may allow the event at an earlier firing (a bound crossed by lateness).
    if (e.earliest_at_s !== undefined && witnessed === undefined) lo = Math.min(lo, anchorEvent.t + e.earliest_at_s - w.early_s);
    const common = {
      name: s.name,
      expected_s: r6(expected),
      tolerance_s: r6(s.scripted ? expected - lo : Math.max(hi - expected, expected - lo)),
      ...(s.scripted ? {} : { window_s: [r6(lo), r6(hi)] as [number, number] }),
      at_s: e.at_s,
      nominal_s: r6(anchorEvent.t + e.at_s),
      predicted: e.id,
      cite: e.cite,
    };
    if (!seen) return { ...common, observed_s: null, ok: false, note: `not observed: no ${describeMatcher(s.observe)}` };
    // A sampled observation happened somewhere in [since, t]: it holds if that overlaps the window.
    const since = seen.since ?? seen.t;
    const ok = seen.t >= lo && since <= hi;
    const error = seen.t - expected;
    const sampled = seen.since !== undefined ? `seen by ss between ${since.toFixed(3)} and ${seen.t.toFixed(3)} s` : undefined;
    const miss = ok ? undefined : error > 0 && since > hi ? `${fmt(since - expected)} late` : `${fmt(-error)} early`;
    const late = s.scripted && ok ? `scripted: the runner sent it ${fmt(error)} after its moment (its own scheduling, not judged)` : undefined;
    const note = [miss, sampled, late].filter(Boolean).join('; ');
    return { ...common, observed_s: r6(seen.t), error_s: r6(error), ok, ...(note ? { note } : {}) };
  });

  return { anchor_s: r6(anchorEvent.t), expectations };
}

function fmt(s: number): string {
  return s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(3)} s`;
}
