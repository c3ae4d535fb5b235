// `npm run soak -- --observer-effect`: do tcpdump and the ss sampler change the
// timings they record? Each form runs with the full observers and with
// --observers minimal (tcp_info and the calls only), in alternating rounds so
// that whatever else loads the machine loads both alike. Compared per call the
// runs share, as time since the call that witnesses the anchor: the one clock
// both kinds of run have.
import type { RunProgress } from '../report/progress.ts';
import type { RunResult } from '../report/result.ts';
import type { SyscallEvent } from '../events.ts';
import { lookup } from '../../experiments/registry.ts';
import { type RunOutcome, runMany } from '../run-many.ts';
import type { Backend } from '../sandbox/sandbox.ts';
import type { Observers } from '../runner/job.ts';
import { locate } from '../verdict/match.ts';
import { quantile } from './margins.ts';
import { soakDocHeader, type SoakDocHeader } from './soak-doc-header.ts';

export interface ObserverEffectRow {
  form: string;
  /** 'client read() ETIMEDOUT', as time since the anchor's call. */
  event: string;
  n_full: number;
  n_minimal: number;
  median_full_ms: number;
  median_minimal_ms: number;
  /** median_full − median_minimal: what watching adds. */
  difference_ms: number;
  /** The spread of each, for scale: p90 − p10. */
  spread_full_ms: number;
  spread_minimal_ms: number;
  /**
   * What the runs can resolve: half the width of the difference's 95% bootstrap
   * interval. A timer-wheel granule makes each run's time uniform within it, so
   * 20 runs cannot show 1 ms on an event whose granule is 32 ms.
   */
  resolution_ms: number;
}

export interface ObserverEffectDoc extends SoakDocHeader<'observer-effect'> {
  rounds: number;
  sets: string[];
  /** Runs that failed or could not run, by mode: they still count, if they have the events. */
  not_passing: { form: string; observers: Observers; verdict: string }[];
  rows: ObserverEffectRow[];
}

const formOf = (r: { experiment: string; variant: string | null }) => (r.variant ? `${r.experiment}:${r.variant}` : r.experiment);

function callName(e: SyscallEvent, nth: number): string {
  return `${e.side} ${e.call}()${e.error ? ` ${e.error}` : ''}${nth ? ` #${nth + 1}` : ''}`;
}

/** Every call after the anchor's (those the kernel's timers decide), as ms after it; undefined without one. */
export function callTimes(r: RunResult): Map<string, number> | undefined {
  const { def } = lookup(r.experiment);
  if (!def.anchorCall) return undefined;
  const anchor = locate(def.anchorCall.observe, r.events, [], new Map());
  if (!anchor) return undefined;
  const times = new Map<string, number>();
  const seen = new Map<string, number>();
  r.events.forEach((e, i) => {
    if (e.kind !== 'syscall' || i <= anchor.index) return;
    const base = callName(e, 0);
    const nth = seen.get(base) ?? 0;
    seen.set(base, nth + 1);
    times.set(callName(e, nth), (e.t - anchor.t) * 1000);
  });
  return times;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Half the 95% interval of median(a) − median(b), from 2000 resamples (seeded: the same runs give the same figure). */
export function bootstrapHalfWidth(a: readonly number[], b: readonly number[], resamples = 2000): number {
  let seed = 0x9e3779b9;
  const random = () => {
    // xorshift32: a fixed, dependency-free stream.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const median = (xs: readonly number[]) => {
    const s = Array.from(xs, () => xs[Math.floor(random() * xs.length)]!).sort((x, y) => x - y);
    return quantile(s, 0.5);
  };
  const diffs = Array.from({ length: resamples }, () => median(a) - median(b)).sort((x, y) => x - y);
  return (quantile(diffs, 0.975) - quantile(diffs, 0.025)) / 2;
}

/** The per-call comparison of full and minimal runs of the same forms. */
export function compareObservers(full: readonly RunResult[], minimal: readonly RunResult[]): ObserverEffectRow[] {
  const collect = (runs: readonly RunResult[]) => {
    const by = new Map<string, number[]>();
    for (const r of runs) {
      for (const [event, ms] of callTimes(r) ?? []) {
        const key = `${formOf(r)}\u0000${event}`;
        by.set(key, [...(by.get(key) ?? []), ms]);
      }
    }
    for (const v of by.values()) v.sort((a, b) => a - b);
    return by;
  };
  const f = collect(full);
  const m = collect(minimal);
  const rows: ObserverEffectRow[] = [];
  for (const [key, a] of f) {
    const b = m.get(key);
    if (!b) continue;
    const [form, event] = key.split('\u0000') as [string, string];
    const medF = quantile(a, 0.5);
    const medM = quantile(b, 0.5);
    rows.push({
      form,
      event,
      n_full: a.length,
      n_minimal: b.length,
      median_full_ms: r3(medF),
      median_minimal_ms: r3(medM),
      difference_ms: r3(medF - medM),
      spread_full_ms: r3(quantile(a, 0.9) - quantile(a, 0.1)),
      spread_minimal_ms: r3(quantile(b, 0.9) - quantile(b, 0.1)),
      resolution_ms: r3(bootstrapHalfWidth(a, b)),
    });
  }
  return rows;
}

export interface ObserverEffectOptions {
  forms: readonly string[];
  sets: readonly string[];
  rounds: number;
  backend: Backend;
  parallel: number;
  outDir: string;
  progress: (label: string) => RunProgress;
}

export async function runObserverEffect(o: ObserverEffectOptions): Promise<ObserverEffectDoc> {
  const started = Date.now();
  const runs: Record<Observers, RunResult[]> = { full: [], minimal: [] };
  const notPassing: ObserverEffectDoc['not_passing'] = [];
  for (let round = 1; round <= o.rounds; round++) {
    // Alternate which goes first, so neither mode always follows a warm-up.
    const order: Observers[] = round % 2 ? ['full', 'minimal'] : ['minimal', 'full'];
    for (const observers of order) {
      const outcomes: RunOutcome[] = await runMany(o.forms, {
        sets: o.sets,
        fast: true,
        backend: o.backend,
        outDir: o.outDir,
        parallel: o.parallel,
        observers,
        progress: (form) => o.progress(`round ${round}/${o.rounds} ${observers.padEnd(7)} ${form}`),
      });
      for (const r of outcomes) {
        if (r.verdict !== 'pass') notPassing.push({ form: formOf(r), observers, verdict: r.verdict });
        if (r.verdict !== 'error') runs[observers].push(r);
      }
    }
  }
  return {
    ...soakDocHeader('observer-effect', started, o.backend.name),
    rounds: o.rounds,
    sets: [...o.sets],
    not_passing: notPassing,
    rows: compareObservers(runs.full, runs.minimal),
  };
}

export function formatObserverEffect(d: ObserverEffectDoc): string {
  return [
    `# tcplab observer effect — ${d.started_at}`,
    '',
    `${d.rounds} rounds on ${d.backend}${d.sets.length ? ` with --set ${d.sets.join(' --set ')}` : ''} in ${(d.wall_s / 60).toFixed(1)} min; each round runs every form with the full observers (tcpdump, ss, tcp_info) and with --observers minimal (tcp_info and the calls).`,
    "Times are ms after the call that witnesses the anchor; difference = full's median − minimal's (what watching adds); ± = half the difference's 95% bootstrap interval (what these runs can resolve); spread = p90 − p10.",
    '',
    '| form | call | n full / minimal | median full | median minimal | difference | ± | spread full | spread minimal |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...d.rows.map(
      (r) =>
        `| ${r.form} | ${r.event} | ${r.n_full} / ${r.n_minimal} | ${r.median_full_ms.toFixed(3)} | ${r.median_minimal_ms.toFixed(3)} | ${r.difference_ms >= 0 ? '+' : ''}${r.difference_ms.toFixed(3)} | ${r.resolution_ms.toFixed(3)} | ${r.spread_full_ms.toFixed(3)} | ${r.spread_minimal_ms.toFixed(3)} |`,
    ),
    ...(d.not_passing.length ? ['', `Not passing: ${d.not_passing.map((n) => `${n.form} (${n.observers}): ${n.verdict}`).join('; ')}`] : []),
  ].join('\n');
}
