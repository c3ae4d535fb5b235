// results/matrix.json: the whole catalogue on several kernels, one cell per form and kernel.
//
// A cell keeps only what the comparison needs (verdict, the timings, the model's
// end); the run folder named by runDir has everything else. Fields may be added,
// never renamed: matrix.md and the results index are rebuilt from this file.
import { z } from 'zod';
import { predictedEnd } from '../model/schedule.ts';
import type { RunResult } from '../report/result.ts';

export interface MatrixKernel {
  /** '5.10' | '6.1' | '6.12' | 'host', or a label made from an image path. */
  label: string;
  /** `uname -r` in the guest (or on the host). */
  release: string;
  /**
   * The upstream version when `uname -r` hides it, e.g. '5.10.237' for Debian's
   * '5.10.0-35-amd64' (its `uname -v` says "Debian 5.10.237-1"). The version facts
   * are read from this when present: a stable backport keys on the patch level.
   */
  version?: string;
  /** 'vm' | 'netns' | 'docker'. */
  backend: string;
  accel?: 'tcg' | 'kvm';
  boot_s?: number;
  wall_s?: number;
}

/** One timing expectation of a run, as result.json has it. */
export interface MatrixTiming {
  name: string;
  expected_s: number | null;
  observed_s: number | null;
  tolerance_s: number | null;
  ok: boolean;
  /**
   * The model's nominal time since the anchor. Kernels are compared on this when
   * both have it: expected_s is measured from the observed arming event, so it
   * carries the previous event's lateness, which differs from run to run.
   */
  at_s?: number | null;
}

export type MatrixVerdict = 'pass' | 'fail' | 'skip' | 'error';

export interface MatrixCell {
  /** 'test-idle' or 'test-idle:user-timeout-3s'. */
  form: string;
  /** A MatrixKernel.label. */
  kernel: string;
  verdict: MatrixVerdict;
  reason?: string;
  timings: MatrixTiming[];
  /** The model's predicted end for that kernel, seconds after the anchor. */
  end_s?: number | null;
  runDir?: string;
}

export interface MatrixDoc {
  tool: 'tcplab';
  generated_at: string;
  /** When the cells were last judged again from their run folders (npm run matrix -- --rejudge). */
  rejudged_at?: string;
  /** When a later run's cells were merged in (npm run matrix -- --merge / --resume). */
  merged_at?: string;
  /** Set while the matrix is still running, and kept when it was stopped: what is missing. */
  incomplete?: string;
  fast: boolean;
  kernels: MatrixKernel[];
  cells: MatrixCell[];
}

const num = z.number();

const kernelSchema = z.object({
  label: z.string().min(1),
  release: z.string().min(1),
  version: z.string().min(1).optional(),
  backend: z.string().min(1),
  accel: z.enum(['tcg', 'kvm']).optional(),
  boot_s: num.nonnegative().optional(),
  wall_s: num.nonnegative().optional(),
});

const timingSchema = z.object({
  name: z.string().min(1),
  expected_s: num.nullable(),
  observed_s: num.nullable(),
  tolerance_s: num.nullable(),
  ok: z.boolean(),
  at_s: num.nullable().optional(),
});

const cellSchema = z.object({
  form: z.string().regex(/^[\w.-]+(:[\w.-]+)?$/, 'form is experiment or experiment:variant'),
  kernel: z.string().min(1),
  verdict: z.enum(['pass', 'fail', 'skip', 'error']),
  reason: z.string().optional(),
  timings: z.array(timingSchema),
  end_s: num.nullable().optional(),
  runDir: z.string().optional(),
});

export const matrixDocSchema = z
  .object({
    tool: z.literal('tcplab'),
    generated_at: z.iso.datetime(),
    rejudged_at: z.iso.datetime().optional(),
    merged_at: z.iso.datetime().optional(),
    incomplete: z.string().min(1).optional(),
    fast: z.boolean(),
    kernels: z.array(kernelSchema).min(1),
    cells: z.array(cellSchema),
  })
  .loose()
  .superRefine((doc, ctx) => {
    // Columns are keyed by label: a duplicate or a dangling one would put a cell in the wrong column.
    const labels = new Set<string>();
    for (const k of doc.kernels) {
      if (labels.has(k.label)) ctx.addIssue({ code: 'custom', message: `kernel label '${k.label}' appears twice`, path: ['kernels'] });
      labels.add(k.label);
    }
    const seen = new Set<string>();
    doc.cells.forEach((c, i) => {
      if (!labels.has(c.kernel)) ctx.addIssue({ code: 'custom', message: `cell ${c.form} names unknown kernel '${c.kernel}'`, path: ['cells', i, 'kernel'] });
      const key = `${c.form}\u0000${c.kernel}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `two cells for ${c.form} on ${c.kernel}`, path: ['cells', i] });
      seen.add(key);
    });
  });

/** Parse and check a matrix.json text; throws with zod's message on anything malformed. */
export function parseMatrixDoc(text: string): MatrixDoc {
  return matrixDocSchema.parse(JSON.parse(text)) as MatrixDoc;
}

export function formOf(result: Pick<RunResult, 'experiment' | 'variant'>): string {
  return result.variant ? `${result.experiment}:${result.variant}` : result.experiment;
}

/** One cell from a finished run: its verdict, every timing expectation, the model's end. */
export function cellFromResult(result: RunResult, kernelLabel: string): MatrixCell {
  // Count and outcome expectations carry neither time; the set of timing names still shows a count difference.
  const timings: MatrixTiming[] = result.expectations
    .filter((e) => e.expected_s !== null || e.observed_s !== null)
    .map((e) => ({
      name: e.name,
      expected_s: e.expected_s,
      observed_s: e.observed_s,
      tolerance_s: e.tolerance_s,
      ok: e.ok,
      ...(e.at_s !== undefined ? { at_s: e.at_s } : {}),
    }));
  const events = result.prediction?.events ?? [];
  return {
    form: formOf(result),
    kernel: kernelLabel,
    verdict: result.verdict,
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    timings,
    end_s: events.length > 0 ? predictedEnd(result.prediction) : null,
    runDir: result.runDir,
  };
}

/** A form that could not run on a kernel (the VM did not boot, the runner crashed). */
export function cellFromError(form: string, kernelLabel: string, reason: string): MatrixCell {
  return { form, kernel: kernelLabel, verdict: 'error', reason, timings: [] };
}

/** The rows: every form in the order the cells first name it (the catalogue's order). */
export function matrixForms(doc: MatrixDoc): string[] {
  return [...new Set(doc.cells.map((c) => c.form))];
}

export function cellAt(doc: MatrixDoc, form: string, kernelLabel: string): MatrixCell | undefined {
  return doc.cells.find((c) => c.form === form && c.kernel === kernelLabel);
}
