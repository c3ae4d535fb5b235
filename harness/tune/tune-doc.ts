// `tune --json`: exactly one document on stdout. Fields may be added, never renamed;
// tune.test.ts holds the command's output to this schema.
import { z } from 'zod';
import type { Detection } from './detection.ts';
import type { Recommendation } from './recommend.ts';
import type { Snippet } from './snippets.ts';
import type { VerifiedCase } from './verify.ts';

export type TuneOutcome = 'met' | 'missed' | 'impossible';

export interface TuneDoc {
  target_s: number;
  while: string;
  kernel: string;
  hz: number;
  outcome: TuneOutcome;
  settings: Extract<Recommendation, { feasible: true }>['settings'] | null;
  cases: { case: string; experiment: string; sets: string[]; predicted: Detection; why: string[] }[];
  tcp_retries2: { value: number; latest_s: number } | null;
  floors: { case: string; latest_s: number; why: string }[];
  snippets: Snippet[];
  verified: VerifiedCase[];
}

const detection = z.object({ nominal_s: z.number(), earliest_s: z.number(), latest_s: z.number(), lateness_s: z.number() });

export const tuneDocSchema = z.object({
  target_s: z.number().positive(),
  while: z.enum(['idle', 'sending', 'both']),
  kernel: z.string().min(1),
  hz: z.number().int().positive(),
  outcome: z.enum(['met', 'missed', 'impossible']),
  settings: z
    .object({
      keepalive: z.object({ idle_s: z.number().int().min(1), intvl_s: z.number().int().min(1), cnt: z.number().int().min(1) }).nullable(),
      user_timeout_ms: z.number().int().min(1).nullable(),
    })
    .nullable(),
  cases: z.array(z.object({ case: z.enum(['idle', 'sending']), experiment: z.string(), sets: z.array(z.string()), predicted: detection, why: z.array(z.string()) })),
  tcp_retries2: z.object({ value: z.number().int().min(0), latest_s: z.number() }).nullable(),
  floors: z.array(z.object({ case: z.enum(['idle', 'sending']), latest_s: z.number(), why: z.string() })),
  snippets: z.array(z.object({ lang: z.enum(['node', 'go', 'python', 'java', 'sysctl']), note: z.string(), code: z.string() })),
  verified: z.array(
    z.object({
      case: z.enum(['idle', 'sending']),
      experiment: z.string(),
      verdict: z.enum(['pass', 'fail', 'skip', 'error']),
      runDir: z.string().nullable(),
      predicted: detection.nullable(),
      observed_s: z.number().nullable(),
      met: z.boolean(),
      reason: z.string().optional(),
    }),
  ),
});

export function tuneDoc(rec: Recommendation, snips: Snippet[], verified: VerifiedCase[]): TuneDoc {
  const base = { target_s: rec.target_s, while: rec.while, kernel: rec.kernel, hz: rec.hz };
  if (!rec.feasible) {
    return { ...base, outcome: 'impossible', settings: null, cases: [], tcp_retries2: null, floors: rec.floors, snippets: [], verified: [] };
  }
  return {
    ...base,
    outcome: verified.length === rec.cases.length && verified.every((v) => v.met) ? 'met' : 'missed',
    settings: rec.settings,
    cases: rec.cases.map((c) => ({ case: c.case, experiment: c.experiment, sets: c.sets, predicted: c.detection, why: c.why })),
    tcp_retries2: rec.tcp_retries2 && { value: rec.tcp_retries2.value, latest_s: rec.tcp_retries2.detection.latest_s },
    floors: [],
    snippets: snips,
    verified,
  };
}
