// Several runs at once (--all, --repeat): a bounded pool, longest predicted
// first, so the whole takes about as long as its longest experiment.
import os from 'node:os';
import { lookup } from '../experiments/registry.ts';
import { resolveParams } from './experiment/resolve.ts';
import { predictedEnd } from './model/schedule.ts';
import type { RunProgress } from './report/progress.ts';
import type { RunResult } from './report/result.ts';
import { liveText } from './report/live-text.ts';
import { newRunId, type RunOptions, runExperiment } from './run-experiment.ts';

/**
 * Runs wait on kernel timers, not the CPU; what they spend is start-up (tsx,
 * sandbox) and the ss sampler. Fast forms start often, so 4 at once on 2 cores
 * (16/16 fast test-idle runs kept every keepalive firing in its ±8 ms window).
 * Real-length runs mostly sleep for minutes: 8 at once lets the four ~16-minute
 * ones run beside everything else, so --all takes about as long as the longest.
 */
export function defaultParallel(fast: boolean): number {
  return fast ? 4 : 8;
}

/**
 * Starting a run costs about a second of CPU (sandbox, tsx, tcpdump). On 2 cores,
 * two start-ups at once delayed the timer softirq of a run already in its first
 * second by up to 12 ms (an RTO at level 0 judged to ±8 ms), so starts are spaced.
 */
export const START_SPACING_S = 1.5;

/** A run that could not happen (its sandbox or runner failed): reported, not judged. */
export interface RunError {
  experiment: string;
  variant: string | null;
  verdict: 'error';
  reason: string;
  /** The error itself (not serialised). */
  readonly cause?: unknown;
}

export type RunOutcome = RunResult | RunError;

export interface ManyOptions extends Omit<RunOptions, 'ref' | 'runId' | 'onStart' | 'onRunnerLine'> {
  parallel: number;
  progress: (label: string) => RunProgress;
  /** Each run as it ends (refs[index]), before the others have: the matrix writes its cells as they come. */
  onOutcome?: (outcome: RunOutcome, index: number) => void;
}

/** Predicted length on the host kernel, only to order the queue. */
function expectedLength(ref: string, sets: readonly string[], fast: boolean): number {
  try {
    const { def, variant } = lookup(ref);
    return predictedEnd(def.predict(resolveParams(def, variant, sets, fast), os.release()));
  } catch {
    return 0;
  }
}

export async function runMany(refs: readonly string[], o: ManyOptions): Promise<RunOutcome[]> {
  const runId = newRunId();
  const queue = refs.map((ref, index) => ({ ref, index, length: expectedLength(ref, o.sets, o.fast) })).sort((a, b) => b.length - a.length);
  const outcomes: RunOutcome[] = new Array(refs.length);
  const progress = new Map(refs.map((ref, i) => [i, o.progress(ref)]));

  let nextStart = 0;
  const startSlot = async () => {
    const wait = nextStart - Date.now();
    nextStart = Math.max(Date.now(), nextStart) + START_SPACING_S * 1000;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };

  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const p = progress.get(job.index)!;
      await startSlot();
      try {
        const result = await runExperiment({
          ...o,
          ref: job.ref,
          runId,
          // Repeats of one experiment must not share a folder.
          ...(refs.indexOf(job.ref) !== job.index || refs.lastIndexOf(job.ref) !== job.index ? { runId: `${runId}/repeat-${job.index + 1}` } : {}),
          onStart: (info) => p.start({ predictedEnd_s: info.predictedEnd_s, where: `${info.backend} ${info.sandbox}` }),
          onRunnerLine: (line) => {
            const text = liveText(line);
            if (text) p.event(text);
          },
        });
        outcomes[job.index] = result;
        p.finish(result.verdict);
      } catch (err) {
        const [experiment = job.ref, variant] = job.ref.split(':');
        const failure: RunError = { experiment, variant: variant ?? null, verdict: 'error', reason: err instanceof Error ? err.message : String(err) };
        // Kept off the JSON, so a single run can report the error itself (with its hint).
        Object.defineProperty(failure, 'cause', { value: err, enumerable: false });
        outcomes[job.index] = failure;
        p.finish('error');
      }
      o.onOutcome?.(outcomes[job.index]!, job.index);
    }
  };
  const parallel = Math.min(o.parallel, o.backend.parallelLimit ?? Infinity, refs.length);
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return outcomes;
}

export function overallVerdict(outcomes: readonly RunOutcome[]): 'pass' | 'fail' | 'skip' | 'error' {
  if (outcomes.some((r) => r.verdict === 'error')) return 'error';
  if (outcomes.some((r) => r.verdict === 'fail')) return 'fail';
  return outcomes.every((r) => r.verdict === 'skip') ? 'skip' : 'pass';
}
