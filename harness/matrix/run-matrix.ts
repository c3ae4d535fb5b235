// `npm run matrix`: the catalogue on several kernels, one column each. A
// Debian kernel runs in one guest (vm backend) booted once for all its
// experiments; `host` runs where `exp` would (docker or netns). Kernels run one
// after another by default. Measured with --kernel-parallel 2 (the host column
// beside a 5.10 guest): the guest's waits for its 9p share, slow on the loaded
// host, moved its jumping clock on (vm/qemu-args.ts): a scenario began 4.4 s late
// and an iptables rule took 3.1 s of guest time, so the sampling plan missed a
// 0.4 s state.
import { selectBackend, startVm } from '../sandbox/select.ts';
import type { Backend } from '../sandbox/sandbox.ts';
import type { VmBackend } from '../sandbox/vm.ts';
import type { RunProgress } from '../report/progress.ts';
import { type RunOutcome, runMany } from '../run-many.ts';
import { cellFromError, cellFromResult, type MatrixCell, type MatrixDoc, type MatrixKernel } from './matrix-doc.ts';
import { formsStillToRun, mergeMatrix } from './merge-matrix.ts';

export const DEFAULT_MATRIX_KERNELS = ['5.10', '6.1', '6.12', 'host'] as const;

export interface MatrixOptions {
  kernels: readonly string[];
  forms: readonly string[];
  fast: boolean;
  sets: readonly string[];
  /** Runs at once inside one kernel. */
  parallel: number;
  /** Kernels at once. */
  kernelParallel: number;
  outDir: string;
  /** The host column's backend (auto: docker, else netns). */
  hostBackend: string;
  progress: (label: string) => RunProgress;
  note: (line: string) => void;
  /** The matrix already written, for --merge and --resume: this run's cells are laid over it. */
  earlier?: MatrixDoc;
  /** Run only the cells `earlier` lacks (or has as errors). */
  resume?: boolean;
  /** The document so far, after every cell, so that Ctrl-C keeps what has run. */
  onProgress?: (doc: MatrixDoc) => void;
}

/** A kernel's column while it runs: the entry is filled in as soon as something is known. */
interface KernelRun {
  kernel: MatrixKernel;
  cells: MatrixCell[];
}

function formOf(outcome: RunOutcome): string {
  return outcome.variant ? `${outcome.experiment}:${outcome.variant}` : outcome.experiment;
}

function cellOf(outcome: RunOutcome, label: string): MatrixCell {
  return outcome.verdict === 'error' ? cellFromError(formOf(outcome), label, outcome.reason) : cellFromResult(outcome, label);
}

async function runOnKernel(label: string, forms: readonly string[], run: KernelRun, o: MatrixOptions, changed: () => void): Promise<void> {
  const started = Date.now();
  let backend: Backend;
  try {
    backend = label === 'host' ? await selectBackend(o.hostBackend, { note: o.note }) : await startVm(label, { outDir: o.outDir, note: o.note });
  } catch (err) {
    // A kernel that cannot boot is a column of errors, not the end of the matrix.
    const reason = err instanceof Error ? err.message : String(err);
    o.note(`tcplab: ${label}: ${reason}`);
    run.cells = forms.map((f) => cellFromError(f, label, reason));
    changed();
    return;
  }
  const vm = backend.name === 'vm' ? (backend as VmBackend) : undefined;
  run.kernel = {
    label,
    release: vm?.guest?.release ?? 'unknown',
    backend: backend.name,
    ...(vm?.guest ? { accel: vm.guest.accel, boot_s: round1(vm.guest.boot_s) } : {}),
  };
  let versionRead = false;
  const onOutcome = (outcome: RunOutcome) => {
    // A guest's release is known from its hello, but its upstream version ('5.10.223' behind
    // Debian's '5.10.0-32-amd64', from uname -v) only from a run: without it the matrix reads
    // the version facts as 5.10.0 and misses every stable backport.
    if (outcome.verdict !== 'error' && !versionRead) {
      versionRead = true;
      const release = run.kernel.release === 'unknown' ? outcome.kernel : run.kernel.release;
      run.kernel = { ...run.kernel, release, ...(outcome.kernel_version !== release ? { version: outcome.kernel_version } : {}) };
    }
    run.cells.push(cellOf(outcome, label));
    run.kernel = { ...run.kernel, wall_s: round1((Date.now() - started) / 1000) };
    changed();
  };
  try {
    const outcomes = await runMany(forms, {
      sets: o.sets,
      fast: o.fast,
      backend,
      outDir: o.outDir,
      parallel: o.parallel,
      progress: (form) => o.progress(`${label.padEnd(5)} ${form}`),
      onOutcome,
    });
    // In the order of the forms, not of their ending.
    run.cells = outcomes.map((r) => cellOf(r, label));
  } finally {
    await backend.close?.();
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export async function runMatrix(o: MatrixOptions): Promise<MatrixDoc> {
  const generated_at = new Date().toISOString();
  const runs = new Map<string, KernelRun>();
  const plan = o.kernels.map((label) => ({ label, forms: o.resume && o.earlier ? formsStillToRun(o.earlier, label, o.forms) : [...o.forms] }));
  for (const p of plan) if (!p.forms.length) o.note(`${p.label}: every cell is in the matrix already (--resume), nothing to run`);
  const total = plan.reduce((n, p) => n + p.forms.length, 0);

  const document = (final: boolean): MatrixDoc => {
    const ran = o.kernels.flatMap((k) => runs.get(k) ?? []);
    const done = ran.reduce((n, r) => n + r.cells.length, 0);
    const doc: MatrixDoc = {
      tool: 'tcplab',
      generated_at,
      ...(final ? {} : { incomplete: `${done} of ${total} cells had run when this was written` }),
      fast: o.fast,
      kernels: ran.map((r) => r.kernel),
      cells: ran.flatMap((r) => r.cells),
    };
    return o.earlier ? mergeMatrix(o.earlier, doc) : doc;
  };

  const queue = plan.filter((p) => p.forms.length);
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const run: KernelRun = { kernel: { label: p.label, release: 'unknown', backend: p.label === 'host' ? o.hostBackend : 'vm' }, cells: [] };
      runs.set(p.label, run);
      await runOnKernel(p.label, p.forms, run, o, () => o.onProgress?.(document(false)));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.kernelParallel, queue.length)) }, worker));
  return document(true);
}
