// Verify a recommendation for real: run each case's catalogue experiment (test-idle,
// test-dead) with exactly the recommended settings, through the project's own run
// machinery (run-many.ts), and read when the application saw the death.
import type { RunProgress } from '../report/progress.ts';
import type { RunResult } from '../report/result.ts';
import { runMany } from '../run-many.ts';
import type { Backend } from '../sandbox/sandbox.ts';
import { detectionOf, type Detection } from './detection.ts';
import type { CaseAdvice, Feasible } from './recommend.ts';

export interface VerifiedCase {
  case: CaseAdvice['case'];
  experiment: string;
  /** The run's own verdict (its every expectation), and its folder. */
  verdict: 'pass' | 'fail' | 'skip' | 'error';
  runDir: string | null;
  /** The model for the run's kernel and measured RTT (the run's prediction), as tune reads it. */
  predicted: Detection | null;
  /** From the anchor to the client's failing read(), as captured; null when it never failed. */
  observed_s: number | null;
  /** The run passed and the death came within the target. */
  met: boolean;
  reason?: string;
}

/** The client's first failed call, measured from the run's anchor. */
export function observedDetection(r: RunResult): number | null {
  if (r.anchor_s === null) return null;
  const death = r.events.find((e) => e.kind === 'syscall' && e.side === 'client' && e.error !== undefined);
  return death ? Math.round((death.t - r.anchor_s) * 1e6) / 1e6 : null;
}

export interface VerifyOptions {
  backend: Backend;
  outDir: string;
  progress: (label: string) => RunProgress;
}

export async function verify(rec: Feasible, o: VerifyOptions): Promise<VerifiedCase[]> {
  // The cases share one --set list by construction (recommend.ts gives test-idle and
  // test-dead the same parameter names), so they run side by side in one batch.
  const sets = rec.cases[0]!.sets;
  if (!rec.cases.every((c) => c.sets.join() === sets.join())) throw new Error('tune: the cases have different settings');
  const outcomes = await runMany(
    rec.cases.map((c) => c.experiment),
    { sets, fast: false, backend: o.backend, outDir: o.outDir, parallel: rec.cases.length, progress: o.progress },
  );
  return rec.cases.map((c, i) => {
    const r = outcomes[i]!;
    if (r.verdict === 'error') {
      return { case: c.case, experiment: c.experiment, verdict: 'error', runDir: null, predicted: null, observed_s: null, met: false, reason: r.reason };
    }
    const observed_s = observedDetection(r);
    const met = r.verdict === 'pass' && observed_s !== null && observed_s <= rec.target_s;
    return {
      case: c.case,
      experiment: c.experiment,
      verdict: r.verdict,
      runDir: r.runDir,
      predicted: detectionOf(r.prediction),
      observed_s,
      met,
      ...(r.reason ? { reason: r.reason } : {}),
    };
  });
}
