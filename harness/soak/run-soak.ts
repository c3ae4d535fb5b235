// `npm run soak`: the catalogue again and again, to find what fails once in a
// hundred. Bounded by a number of passes and by wall time; loopback and the
// sandboxes it creates only, like every run. Each pass is one `exp --all`, at
// the same --parallel a user gets, so the soak measures what users meet.
import fs from 'node:fs';
import path from 'node:path';
import type { RunProgress } from '../report/progress.ts';
import type { RunResult } from '../report/result.ts';
import { type RunOutcome, runMany } from '../run-many.ts';
import type { Backend } from '../sandbox/sandbox.ts';
import { type ClassSummary, type Sample, samplesOf, summarise, wakeupSamplesOf } from './margins.ts';
import { soakDocHeader, type SoakDocHeader } from './soak-doc-header.ts';

export interface SoakOptions {
  forms: readonly string[];
  fast: boolean;
  sets: readonly string[];
  backend: Backend;
  parallel: number;
  runs: number;
  /** Stop starting passes after this many minutes. */
  minutes: number;
  outDir: string;
  /** Keep the run folders of passes in which everything passed (default: only failing ones). */
  keep: boolean;
  progress: (label: string) => RunProgress;
  note: (line: string) => void;
  /** After every pass, with the soak so far (so an interrupted soak keeps what it measured). */
  onPass?: (doc: SoakDoc) => void;
}

export interface SoakFailure {
  pass: number;
  form: string;
  verdict: string;
  /** The failed expectations, or why the run could not happen. */
  what: string[];
  runDir?: string;
}

export interface SoakDoc extends SoakDocHeader<'soak'> {
  fast: boolean;
  parallel: number;
  forms: number;
  passes: number;
  /** Passes in which every run passed or skipped. */
  clean_passes: number;
  /** The longest streak of clean passes. */
  longest_clean_streak: number;
  failures: SoakFailure[];
  classes: ClassSummary[];
}

const formOf = (r: { experiment: string; variant: string | null }) => (r.variant ? `${r.experiment}:${r.variant}` : r.experiment);

function failureOf(pass: number, r: RunOutcome): SoakFailure | null {
  if (r.verdict === 'pass' || r.verdict === 'skip') return null;
  if (r.verdict === 'error') return { pass, form: formOf(r), verdict: 'error', what: [r.reason] };
  const bad = r.expectations.filter((x) => !x.ok).map((x) => `${x.name}: ${x.note ?? `expected ${x.expected ?? x.expected_s}, observed ${x.observed ?? x.observed_s}`}`);
  return { pass, form: formOf(r), verdict: r.verdict, what: bad.length ? bad : [r.reason ?? 'failed'], runDir: r.runDir };
}

export async function runSoak(o: SoakOptions): Promise<SoakDoc> {
  const started = Date.now();
  const samples: Sample[] = [];
  const failures: SoakFailure[] = [];
  let passes = 0;
  let clean = 0;
  let streak = 0;
  let longest = 0;
  const deadline = started + o.minutes * 60_000;
  const snapshot = (): SoakDoc => ({
    ...soakDocHeader('soak', started, o.backend.name),
    fast: o.fast,
    parallel: o.parallel,
    forms: o.forms.length,
    passes,
    clean_passes: clean,
    longest_clean_streak: longest,
    failures,
    classes: summarise(samples),
  });
  while (passes < o.runs && Date.now() < deadline) {
    passes += 1;
    const dir = path.join(o.outDir, `pass-${passes}`);
    const outcomes = await runMany(o.forms, { sets: o.sets, fast: o.fast, backend: o.backend, outDir: dir, parallel: o.parallel, progress: o.progress });
    for (const r of outcomes) if (r.verdict !== 'error') samples.push(...samplesOf(r as RunResult), ...wakeupSamplesOf(r as RunResult));
    const failed = outcomes.map((r) => failureOf(passes, r)).filter((f): f is SoakFailure => f !== null);
    failures.push(...failed);
    if (failed.length === 0) {
      clean += 1;
      streak += 1;
      longest = Math.max(longest, streak);
      if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
    } else {
      streak = 0;
    }
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    o.onPass?.(snapshot());
    o.note(`soak: pass ${passes}/${o.runs} ${failed.length ? `FAILED (${failed.map((f) => f.form).join(', ')})` : 'clean'} — ${clean} clean so far, ${minutes} min`);
  }
  if (passes < o.runs) o.note(`soak: stopped after ${passes} of ${o.runs} passes: the ${o.minutes} min limit was reached`);
  return snapshot();
}
