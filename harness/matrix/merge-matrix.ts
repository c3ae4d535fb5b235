// `npm run matrix -- --merge` and `--resume`: a matrix run that adds to the
// matrix already written instead of replacing it. Re-running one row on one
// kernel (after a model fix, or for a new experiment) then costs that row's
// minutes, not the catalogue's ~16 min per kernel; and a matrix stopped with
// Ctrl-C goes on from the cells it kept.
import type { MatrixCell, MatrixDoc, MatrixKernel } from './matrix-doc.ts';

const key = (form: string, kernel: string) => `${form}\u0000${kernel}`;

/**
 * The earlier matrix with a newer run laid over it: the newer run's kernel
 * entries and cells replace those of the same label (and form); the rest stay.
 * Rows keep the earlier order, new forms come after; columns likewise. A kernel
 * whose release changed (releaseChanges) keeps none of its earlier cells: one
 * column must not mix two kernels.
 */
export function mergeMatrix(earlier: MatrixDoc, newer: MatrixDoc): MatrixDoc {
  if (earlier.fast !== newer.fast) throw new Error('a fast matrix and a real-length one cannot be merged');
  const kernels = new Map<string, MatrixKernel>(earlier.kernels.map((k) => [k.label, k]));
  for (const k of newer.kernels) kernels.set(k.label, k);
  const changed = new Set(releaseChanges(earlier, newer).map((c) => c.label));
  const kept = earlier.cells.filter((c) => !changed.has(c.kernel));
  const cells = new Map<string, MatrixCell>(kept.map((c) => [key(c.form, c.kernel), c]));
  for (const c of newer.cells) cells.set(key(c.form, c.kernel), c);
  const forms = [...new Set([...kept, ...newer.cells].map((c) => c.form))];
  const ordered = forms.flatMap((form) => [...kernels.keys()].flatMap((k) => cells.get(key(form, k)) ?? []));
  const { incomplete: _done, ...base } = earlier;
  return {
    ...base,
    kernels: [...kernels.values()],
    cells: ordered,
    merged_at: newer.generated_at,
    ...(newer.incomplete ? { incomplete: newer.incomplete } : {}),
  };
}

/**
 * The forms --resume still runs on a kernel: those the earlier matrix has no
 * cell for, or only an error (a run that never happened).
 */
export function formsStillToRun(earlier: MatrixDoc, kernel: string, forms: readonly string[]): string[] {
  const done = new Set(earlier.cells.filter((c) => c.kernel === kernel && c.verdict !== 'error').map((c) => c.form));
  return forms.filter((f) => !done.has(f));
}

/** The kernels whose `uname -r` differs from the earlier matrix's (a new Debian point release, say). */
export function releaseChanges(earlier: MatrixDoc, newer: MatrixDoc): { label: string; before: string; now: string }[] {
  return newer.kernels.flatMap((k) => {
    const before = earlier.kernels.find((e) => e.label === k.label);
    return before && before.release !== k.release && k.release !== 'unknown' ? [{ label: k.label, before: before.release, now: k.release }] : [];
  });
}
