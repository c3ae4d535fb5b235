// `tcplab diff <run-a> <run-b>`: the document (pure) and its --json schema.
import { z } from 'zod';
import type { RunResult } from '../report/result.ts';
import { explainPairs, kernelChanges, paramChanges } from './explain.ts';
import { pairRuns } from './match.ts';

export const diffRowSchema = z.object({
  name: z.string(),
  /** Observed seconds since each run's anchor; null when not seen (or not in that run). */
  a_s: z.number().nullable(),
  b_s: z.number().nullable(),
  delta_s: z.number().nullable(),
  model_shift_s: z.number().nullable(),
  differs: z.boolean(),
  only_in: z.enum(['a', 'b']).nullable(),
  reason: z.string().nullable(),
});

const runHead = z.object({
  experiment: z.string(),
  variant: z.string().nullable(),
  kernel: z.string(),
  backend: z.string(),
  hz: z.number().nullable(),
  verdict: z.string(),
});

export const diffDocSchema = z.object({
  a: runHead,
  b: runHead,
  /** "keepidle 1 → 2", "HZ 250 → 1000", "kernel 6.1.x → 6.12.y (…)". */
  changes: z.array(z.string()),
  rows: z.array(diffRowSchema),
});
export type DiffDoc = z.infer<typeof diffDocSchema>;
export type DiffRow = z.infer<typeof diffRowSchema>;

const head = (r: RunResult) => ({ experiment: r.experiment, variant: r.variant, kernel: r.kernel_version, backend: r.backend, hz: r.hz ?? null, verdict: r.verdict });

function since(r: RunResult, observed: number | null | undefined): number | null {
  return observed === null || observed === undefined || r.anchor_s === null ? null : Number((observed - r.anchor_s).toFixed(6));
}

export function diffRuns(a: RunResult, b: RunResult): DiffDoc {
  const rows = explainPairs(a, b, pairRuns(a, b)).map((p) => ({
    name: (p.a ?? p.b)!.name,
    a_s: since(a, p.a?.observed_s),
    b_s: since(b, p.b?.observed_s),
    delta_s: p.delta_s ?? null,
    model_shift_s: p.model_shift_s ?? null,
    differs: p.differs,
    only_in: !p.b ? ('a' as const) : !p.a ? ('b' as const) : null,
    reason: p.reason ?? null,
  }));
  return { a: head(a), b: head(b), changes: [...paramChanges(a, b), ...kernelChanges(a, b)], rows };
}
