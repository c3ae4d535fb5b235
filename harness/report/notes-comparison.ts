// "The notes saw X on 4.19; this kernel Y; model Z": the one line that says
// whether the kernel under test behaves like the one the notes were written on.
import type { Schedule } from '../model/schedule.ts';
import type { Expectation } from '../verdict/judge.ts';

/** Docker Desktop's linuxkit kernel, where every observation in the notes was made. */
export const NOTES_KERNEL = '4.19.121';

export interface NotesComparison {
  notes_kernel: string;
  /** What the model predicts for the notes' kernel with these settings. */
  model_on_notes_kernel: string;
  /** What it predicts for this kernel. */
  model_here: string;
  /** When the observed events happened here (nominal from the anchor). */
  observed_here: string;
  /** The model predicts a different schedule on 4.19 than here. */
  differs: boolean;
  line: string;
}

function fmt(s: number): string {
  return `${Number(s.toFixed(s < 10 ? 3 : 1))} s`;
}

export function scheduleText(s: Schedule): string {
  return s.events.map((e) => `${e.label} ${fmt(e.at_s)}`).join(', ') + (s.error ? ` → ${s.error}` : '');
}

function signature(s: Schedule): string {
  return s.events.map((e) => `${e.id}@${e.at_s.toFixed(3)}`).join(' ') + (s.error ?? '');
}

export function compareWithNotes(notesSaw: string, here: Schedule, onNotesKernel: Schedule | undefined, kernel: string, expectations: readonly Expectation[], anchor_s: number | null): NotesComparison {
  const observed = expectations
    .filter((e) => e.observed_s !== null && e.predicted && anchor_s !== null)
    .filter((e, i, all) => all.findIndex((x) => x.predicted === e.predicted) === i)
    .map((e) => `${e.name} ${fmt(e.observed_s! - anchor_s!)}`)
    .join(', ');
  const modelNotes = onNotesKernel ? scheduleText(onNotesKernel) : 'no prediction';
  const modelHere = scheduleText(here);
  const differs = onNotesKernel !== undefined && signature(onNotesKernel) !== signature(here);
  const line = differs
    ? `the notes saw on ${NOTES_KERNEL}: ${notesSaw} The model for ${NOTES_KERNEL}: ${modelNotes}. This kernel (${kernel}): ${observed || 'nothing observed'}; model: ${modelHere}.`
    : `the notes saw on ${NOTES_KERNEL}: ${notesSaw} The model predicts the same schedule for ${NOTES_KERNEL} and ${kernel}; observed here: ${observed || 'nothing'}.`;
  return { notes_kernel: NOTES_KERNEL, model_on_notes_kernel: modelNotes, model_here: modelHere, observed_here: observed, differs, line };
}
