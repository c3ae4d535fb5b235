// Pairing the two runs' expectations (pure): the same model event (predicted id)
// seen the same way (matcher kind, packet direction and class, call side), so that
// 'read() fails with ETIMEDOUT' pairs with 'read() fails with ECONNRESET' by what
// the model predicted, not by its wording. Expectations without a model event
// (counts, outcomes) pair by name; the harness's own checks (no matcher) are left out.
import type { RunResult } from '../report/result.ts';
import type { Expectation } from '../verdict/judge.ts';

export interface Pair {
  key: string;
  a?: Expectation;
  b?: Expectation;
  /** Observed time since each run's anchor, b − a; undefined unless both were seen. */
  delta_s?: number;
}

function keyOf(e: Expectation): string | undefined {
  if (!e.matcher) return undefined;
  const m = e.matcher as { kind: string; dir?: string; class?: string; side?: string };
  const how = [m.kind, m.dir ?? m.side ?? '', m.class ?? ''].join('/');
  return e.predicted ? `${e.predicted} ${how}` : `${e.name} ${how}`;
}

/** Seconds since the run's anchor: the model's clock, the same in both runs. */
function sinceAnchor(r: RunResult, e: Expectation | undefined): number | undefined {
  if (!e || e.observed_s === null || r.anchor_s === null) return undefined;
  return e.observed_s - r.anchor_s;
}

export function pairRuns(a: RunResult, b: RunResult): Pair[] {
  const pairs = new Map<string, Pair>();
  for (const [side, r] of [['a', a], ['b', b]] as const) {
    for (const e of r.expectations) {
      const key = keyOf(e);
      if (!key) continue;
      const p = pairs.get(key) ?? { key };
      if (!p[side]) p[side] = e;
      pairs.set(key, p);
    }
  }
  return [...pairs.values()].map((p) => {
    const ta = sinceAnchor(a, p.a);
    const tb = sinceAnchor(b, p.b);
    return ta !== undefined && tb !== undefined ? { ...p, delta_s: Number((tb - ta).toFixed(6)) } : p;
  });
}
