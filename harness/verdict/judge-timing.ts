// A timing: when a predicted event was observed, against the window the kernel gives it.
//
// Timings are judged the way the kernel produces them: a timer is armed when an
// earlier event happens, so an event is expected `delay_s` after the *observed*
// moment of the event that armed it (packetdrill's relative times). Lateness then
// does not pile up along a chain, and each window is the timer wheel's own.
import type { TimelineEvent } from '../events.ts';
import type { Schedule } from '../model/schedule.ts';
import { type Expectation, type ExpectationSpec, matchedAt, r6, type TimingSpec } from './expectation.ts';
import { describeMatcher, locate, type Located, type Matcher } from './match.ts';
import { windowFor } from './tolerance.ts';

/** A run's timeline, and when ss sampled it (state observations lie between two samples). */
export interface Observed {
  events: readonly TimelineEvent[];
  sampleTimes: readonly number[];
  /** When each ss sample (by its start time) finished: see match.ts observe(). */
  sampleEnds: ReadonlyMap<number, number>;
}

interface Estimate {
  t: number;
  early: number;
  late: number;
}

export const find = (m: Matcher, o: Observed): Located | undefined => locate(m, o.events, o.sampleTimes, o.sampleEnds);

/**
 * A judge of timings for one run: each predicted event's kernel-side witness (its
 * packet, when one is expected) is found first, so that every timing, and every
 * second observation of the same event, can be chained from what was observed.
 */
export function timingJudge(schedule: Schedule, anchor_t: number, specs: readonly ExpectationSpec[], o: Observed, anchorLag_s = 0): (s: TimingSpec) => Expectation {
  const witness = new Map<string, number>();
  for (const s of specs) {
    if (s.kind !== 'timing' || s.observe.kind !== 'packet' || witness.has(s.predicted)) continue;
    const seen = find(s.observe, o);
    if (seen) witness.set(s.predicted, seen.t);
  }

  const estimates = new Map<string, Estimate>();
  const estimate = (id: string | null): Estimate => {
    // A call seen after the anchor's packet: the anchor itself may have been up to anchorLag_s earlier.
    if (id === null) return { t: anchor_t, early: anchorLag_s, late: 0 };
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

  return (s) => {
    const e = schedule.events.find((x) => x.id === s.predicted);
    if (!e) throw new Error(`expectation '${s.name}' refers to '${s.predicted}', which the model did not predict`);
    const seen = find(s.observe, o);
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
    const hi = expected + base.late + w.late_s;
    // The model may allow the event at an earlier firing (a bound crossed by lateness).
    if (e.earliest_at_s !== undefined && witnessed === undefined) lo = Math.min(lo, anchor_t - anchorLag_s + e.earliest_at_s - w.early_s);
    const common = {
      name: s.name,
      expected_s: r6(expected),
      tolerance_s: r6(Math.max(hi - expected, expected - lo)),
      window_s: [r6(lo), r6(hi)] as [number, number],
      at_s: e.at_s,
      nominal_s: r6(anchor_t + e.at_s),
      predicted: e.id,
      cite: e.cite,
      matcher: s.observe,
    };
    if (!seen) return { ...common, observed_s: null, ok: false, note: `not observed: no ${describeMatcher(s.observe)}` };
    // A sampled observation happened somewhere in [since, t]: it holds if that overlaps the window.
    const since = seen.since ?? seen.t;
    const ok = seen.t >= lo && since <= hi;
    const error = seen.t - expected;
    const sampled = seen.since !== undefined ? `seen by ss between ${since.toFixed(3)} and ${seen.t.toFixed(3)} s` : undefined;
    const miss = ok ? undefined : error > 0 && since > hi ? `${fmt(since - expected)} late` : `${fmt(-error)} early`;
    const note = [miss, sampled].filter(Boolean).join('; ');
    return { ...common, observed_s: r6(seen.t), error_s: r6(error), ok, ...(note ? { note } : {}), matched: { ...matchedAt(o.events, seen.index), ...(seen.since !== undefined ? { since: r6(since) } : {}) } };
  };
}

function fmt(s: number): string {
  return s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(3)} s`;
}
