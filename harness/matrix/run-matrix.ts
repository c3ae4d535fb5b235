// `npm run matrix`: the catalogue on several kernels, one column each. A
// Debian kernel runs in one guest (vm backend) booted once for all its
// experiments; `host` runs where `exp` would (docker or netns). Kernels run one
// after another by default: a TCG guest keeps both cores busy while its runners
// start, and a second guest beside it would push timers out of their windows.
import { selectBackend, startVm } from '../sandbox/select.ts';
import type { Backend } from '../sandbox/sandbox.ts';
import type { VmBackend } from '../sandbox/vm.ts';
import type { RunProgress } from '../report/progress.ts';
import { type RunOutcome, runMany } from '../run-many.ts';
import { cellFromError, cellFromResult, type MatrixCell, type MatrixDoc, type MatrixKernel } from './matrix-doc.ts';

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
}

interface KernelRun {
  kernel: MatrixKernel;
  cells: MatrixCell[];
}

function formOf(outcome: RunOutcome): string {
  return outcome.variant ? `${outcome.experiment}:${outcome.variant}` : outcome.experiment;
}

async function runOnKernel(label: string, o: MatrixOptions): Promise<KernelRun> {
  const started = Date.now();
  let backend: Backend;
  try {
    backend = label === 'host' ? await selectBackend(o.hostBackend, { note: o.note }) : await startVm(label, { outDir: o.outDir, note: o.note });
  } catch (err) {
    // A kernel that cannot boot is a column of errors, not the end of the matrix.
    const reason = err instanceof Error ? err.message : String(err);
    o.note(`tcplab: ${label}: ${reason}`);
    return { kernel: { label, release: 'unknown', backend: label === 'host' ? o.hostBackend : 'vm' }, cells: o.forms.map((f) => cellFromError(f, label, reason)) };
  }
  const vm = backend.name === 'vm' ? (backend as VmBackend) : undefined;
  try {
    const outcomes = await runMany(o.forms, {
      sets: o.sets,
      fast: o.fast,
      backend,
      outDir: o.outDir,
      parallel: o.parallel,
      progress: (form) => o.progress(`${label.padEnd(5)} ${form}`),
    });
    const first = outcomes.find((r) => r.verdict !== 'error') as Exclude<RunOutcome, { verdict: 'error' }> | undefined;
    const kernel: MatrixKernel = {
      label,
      release: vm?.guest?.release ?? first?.kernel ?? 'unknown',
      ...(first && first.kernel_version !== first.kernel ? { version: first.kernel_version } : {}),
      backend: backend.name,
      ...(vm?.guest ? { accel: vm.guest.accel, boot_s: round1(vm.guest.boot_s) } : {}),
      wall_s: round1((Date.now() - started) / 1000),
    };
    const cells = outcomes.map((r) => (r.verdict === 'error' ? cellFromError(formOf(r), label, r.reason) : cellFromResult(r, label)));
    return { kernel, cells };
  } finally {
    await backend.close?.();
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export async function runMatrix(o: MatrixOptions): Promise<MatrixDoc> {
  const queue = [...o.kernels];
  const runs = new Map<string, KernelRun>();
  const worker = async () => {
    for (let label = queue.shift(); label; label = queue.shift()) runs.set(label, await runOnKernel(label, o));
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.kernelParallel, o.kernels.length)) }, worker));
  const ordered = o.kernels.map((k) => runs.get(k)!);
  return {
    tool: 'tcplab',
    generated_at: new Date().toISOString(),
    fast: o.fast,
    kernels: ordered.map((r) => r.kernel),
    cells: ordered.flatMap((r) => r.cells),
  };
}
