// result.json: the JSON contract (docs/architecture.md). Fields may be added, never renamed;
// the zod schema below is what tests hold every run to.
import { z } from 'zod';
import type { HzSource } from '../model/kernel-ref.ts';
import type { LoopbackRtt } from '../model/loopback.ts';
import type { TimelineEvent } from '../events.ts';
import type { Schedule } from '../model/schedule.ts';
import type { CaptureStats } from '../runner/observers/tcpdump.ts';
import type { NotesComparison } from './notes-comparison.ts';
import type { Expectation } from '../verdict/judge.ts';

export type Verdict = 'pass' | 'fail' | 'skip';

export interface RunResult {
  experiment: string;
  variant: string | null;
  fast: boolean;
  kernel: string;
  /** The release the model read for this kernel: `uname -r`, or Debian's patch level from `uname -v`. */
  kernel_version: string;
  /** CONFIG_HZ the model used for this kernel (absent in run folders from before it was recorded). */
  hz?: number;
  /** How that HZ was known: the kernel's config, a measured loopback RTO, or assumed (250). */
  hz_source?: HzSource;
  /** The handshake RTT each side measured (ss -i), which the model took as an input. */
  handshake_rtt_s?: Partial<LoopbackRtt>;
  backend: string;
  /** The namespace/container the run used (gone by the time you read this). */
  sandbox: string;
  params: Record<string, number>;
  sysctls: Record<string, string>;
  verdict: Verdict;
  runDir: string;
  expectations: Expectation[];
  events: TimelineEvent[];
  /** Scenario time of the anchor the model's times are measured from. */
  anchor_s: number | null;
  prediction: Schedule;
  /** What the notes saw on 4.19.121, for comparison (a record, not the expectation). */
  notes_saw: string;
  /** The notes' kernel against this one, model and observation side by side. */
  notes_comparison: NotesComparison;
  /** null when no tcpdump ran (observers 'minimal'). */
  capture: CaptureStats | null;
  /** Set when the run had only tcp_info and the calls (--observers minimal). */
  observers?: 'minimal';
  /** The expectations such a run could not judge (they need the capture or ss), by name. */
  unjudged?: string[];
  started_at: string;
  /** Why the verdict is skip, or what went wrong in the scenario. */
  reason?: string;
}

const num = z.number();
const HZ_SOURCES = ['config', 'measured', 'assumed'] as const satisfies readonly HzSource[];
const expectationSchema = z.object({
  name: z.string(),
  expected_s: num.nullable(),
  observed_s: num.nullable(),
  tolerance_s: num.nullable(),
  ok: z.boolean(),
  note: z.string().optional(),
  expected: z.union([num, z.string()]).optional(),
  observed: z.union([num, z.string()]).nullable().optional(),
  matcher: z.object({ kind: z.enum(['packet', 'syscall', 'state']) }).loose().optional(),
  matched: z.object({ index: z.number().int().nonnegative(), kind: z.string(), t: num, since: num.optional() }).optional(),
  counted: z.array(z.number().int().nonnegative()).optional(),
});

const eventSchema = z.discriminatedUnion('kind', [
  z.object({
    t: num,
    kind: z.literal('packet'),
    dir: z.enum(['c2s', 's2c']),
    flags: z.string(),
    seq: num,
    ack: num,
    win: num,
    len: num,
    class: z.enum(['syn', 'syn-retrans', 'synack', 'synack-retrans', 'ack', 'challenge-ack', 'data', 'data-retrans', 'keepalive-probe', 'window-probe', 'fin', 'rst']),
  }),
  z.object({ t: num, kind: z.literal('syscall'), side: z.enum(['client', 'server']), call: z.string(), result: z.union([z.string(), num]).optional(), error: z.string().optional() }),
  z.object({
    t: num,
    kind: z.literal('timer'),
    side: z.enum(['client', 'server']),
    state: z.string(),
    timer: z.string(),
    remaining_s: num,
    count: num,
    recv_q: num.optional(),
    send_q: num.optional(),
    source: z.enum(['ss', 'netstat']).optional(),
    retrans: num.optional(),
    probes: num.optional(),
    sample_prev_t: num.optional(),
    sample_next_t: num.optional(),
    sample_end_t: num.optional(),
    sample_next_end_t: num.optional(),
  }),
  z.object({ t: num, kind: z.literal('firewall'), action: z.enum(['add', 'remove']), rule: z.string() }),
  z.object({ t: num, kind: z.literal('mark'), name: z.string() }).loose(),
  z.object({ t: num, kind: z.literal('tcp_info'), side: z.enum(['client', 'server']), info: z.record(z.string(), num) }),
]);

export const resultSchema = z
  .object({
    experiment: z.string(),
    variant: z.string().nullable(),
    kernel: z.string().min(1),
    kernel_version: z.string().min(1),
    // Optional: older run folders have neither.
    hz: z.number().int().positive().optional(),
    hz_source: z.enum(HZ_SOURCES).optional(),
    backend: z.enum(['netns', 'docker', 'vm']),
    params: z.record(z.string(), num),
    sysctls: z.record(z.string(), z.string()),
    verdict: z.enum(['pass', 'fail', 'skip']),
    runDir: z.string(),
    expectations: z.array(expectationSchema),
    observers: z.literal('minimal').optional(),
    unjudged: z.array(z.string()).optional(),
    events: z.array(eventSchema).refine((ev) => ev.every((e, i) => i === 0 || ev[i - 1]!.t <= e.t), 'events must be sorted by t'),
  })
  .loose()
  .refine(
    (r) => r.expectations.every((e) => !e.matched || (r.events[e.matched.index]?.t === e.matched.t && r.events[e.matched.index]?.kind === e.matched.kind)),
    'an expectation\'s matched observation must be the event at that index of events',
  );

export function verdictOf(expectations: readonly Expectation[]): Verdict {
  return expectations.every((e) => e.ok) ? 'pass' : 'fail';
}
