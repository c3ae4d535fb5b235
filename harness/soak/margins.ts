// What a soak measures: for every timed expectation of every run, how far the
// observation fell from the model's expected time, and how much room was left to
// the nearer edge of its window. Grouped by what was observed (keepalive probe,
// RTO retransmission, SYN, RST, errno, ...), so the worst margin of each class of
// kernel or userspace event can be read off, and an allowance derived from it.
import type { TimelineEvent } from '../events.ts';
import type { RunResult } from '../report/result.ts';
import { APP_WAKEUP } from '../verdict/tolerance.ts';

export interface Sample {
  class: string;
  /** experiment[:variant] and the expectation's name, to find the worst one again. */
  form: string;
  name: string;
  error_ms: number;
  /** Room left to the nearer window edge (negative: outside, i.e. failed). */
  margin_ms: number;
  ok: boolean;
}

export interface ClassSummary {
  class: string;
  n: number;
  failed: number;
  /** observed − expected, ms: min, median, 99th and 99.9th percentile, max. */
  error_ms: { min: number; p50: number; p99: number; p999: number; max: number };
  worst_margin_ms: number;
  worst: { form: string; name: string };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** What kind of thing was observed: a packet class, a call's return, an errno, an ss state. */
export function classOf(e: TimelineEvent | undefined): string {
  if (!e) return 'unknown';
  switch (e.kind) {
    case 'packet':
      return `packet ${e.class}`;
    case 'syscall':
      return e.error ? `errno (${e.call})` : `${e.call}() returns`;
    case 'timer':
      return 'ss sample';
    default:
      return e.kind;
  }
}

/** One sample per timed expectation of a judged run (counts and outcomes have no time). */
export function samplesOf(r: Pick<RunResult, 'experiment' | 'variant' | 'expectations' | 'events'>): Sample[] {
  const form = r.variant ? `${r.experiment}:${r.variant}` : r.experiment;
  const out: Sample[] = [];
  for (const x of r.expectations) {
    if (x.expected_s === null || x.observed_s === null || !x.window_s) continue;
    const [lo, hi] = x.window_s;
    // A state seen by ss lies in [since, observed_s]: the judge holds it if that bracket meets the window.
    const margin = Math.min(x.observed_s - lo, hi - (x.matched?.since ?? x.observed_s));
    out.push({
      class: classOf(x.matched ? r.events[x.matched.index] : undefined),
      form,
      name: x.name,
      error_ms: round3((x.observed_s - x.expected_s) * 1000),
      margin_ms: round3(margin * 1000),
      ok: x.ok,
    });
  }
  return out;
}

export const WAKEUP_CLASS = 'userspace wakeup: a pending call\'s error after its RST';

/**
 * What APP_WAKEUP (verdict/tolerance.ts) allows for, measured directly: a call
 * pending in Node's event loop (not a raw call made at a scripted moment) fails
 * when the kernel aborts or resets its socket, and the kernel's act is in the
 * capture as an RST: the socket's own (a keepalive or user-timeout abort sends one,
 * tcp_keepalive_timer() → tcp_send_active_reset()) or its peer's. error_ms is the
 * lag from that RST to the runner's timestamp of the error; margin_ms what is left
 * of APP_WAKEUP. Each error pairs with the nearest RST not yet paired, and that
 * RST may come after it by up to APP_WAKEUP: the runner's clock and the capture's
 * are read apart, so an error can be stamped a fraction of a millisecond before its
 * RST. Such a sample counts, with its negative lag (2 of 500 in the 100-pass soak
 * were dropped before this). An RST later than that is not this error's cause.
 */
export function wakeupSamplesOf(r: Pick<RunResult, 'experiment' | 'variant' | 'events'>): Sample[] {
  const form = r.variant ? `${r.experiment}:${r.variant}` : r.experiment;
  const unpaired = r.events.filter((e) => e.kind === 'packet' && e.class === 'rst');
  const out: Sample[] = [];
  for (const e of r.events) {
    if (e.kind !== 'syscall' || e.raw || !e.error) continue;
    const candidates = unpaired.filter((p) => p.t <= e.t + APP_WAKEUP.s);
    if (candidates.length === 0) continue;
    const rst = candidates.reduce((a, b) => (Math.abs(b.t - e.t) < Math.abs(a.t - e.t) ? b : a));
    unpaired.splice(unpaired.indexOf(rst), 1);
    const lag_ms = round3((e.t - rst.t) * 1000);
    out.push({ class: WAKEUP_CLASS, form, name: `${e.side} ${e.call} ${e.error}`, error_ms: lag_ms, margin_ms: round3(APP_WAKEUP.s * 1000 - lag_ms), ok: lag_ms <= APP_WAKEUP.s * 1000 });
  }
  return out;
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function summarise(samples: readonly Sample[]): ClassSummary[] {
  const byClass = new Map<string, Sample[]>();
  for (const s of samples) byClass.set(s.class, [...(byClass.get(s.class) ?? []), s]);
  return [...byClass.entries()]
    .map(([cls, xs]) => {
      const errors = xs.map((s) => s.error_ms).sort((a, b) => a - b);
      const worst = xs.reduce((a, b) => (b.margin_ms < a.margin_ms ? b : a));
      return {
        class: cls,
        n: xs.length,
        failed: xs.filter((s) => !s.ok).length,
        error_ms: { min: errors[0]!, p50: quantile(errors, 0.5), p99: quantile(errors, 0.99), p999: quantile(errors, 0.999), max: errors.at(-1)! },
        worst_margin_ms: worst.margin_ms,
        worst: { form: worst.form, name: worst.name },
      };
    })
    .sort((a, b) => a.worst_margin_ms - b.worst_margin_ms);
}
