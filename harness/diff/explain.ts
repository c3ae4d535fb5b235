// Why a paired event moved between two runs, in one line, where the model knows:
// what the two runs were given (params, kernel, HZ) and how far the model itself
// moves the event (the difference of the two expectations' at_s). Nothing here
// comes from a run's observations except the delta being explained.
import { causesFor } from '../matrix/differences.ts';
import type { RunResult } from '../report/result.ts';
import type { Expectation } from '../verdict/judge.ts';
import type { Pair } from './match.ts';

export interface Explained extends Pair {
  /** |delta| exceeds what the two windows allow for one model time. */
  differs: boolean;
  /** b's at_s − a's at_s: the model's own shift; undefined unless both are model events. */
  model_shift_s?: number;
  reason?: string;
}

/** Offsets of an expectation's window from its model time, in seconds. */
function windowOffsets(r: RunResult, e: Expectation): [number, number] | undefined {
  if (!e.window_s || e.at_s === undefined || r.anchor_s === null) return undefined;
  const at = r.anchor_s + e.at_s;
  return [e.window_s[0] - at, e.window_s[1] - at];
}

/**
 * The largest |b − a| two observations of the same model time can show while each
 * lies in its own window (verdict/judge-timing.ts): beyond it the runs differ.
 */
export function allowedSpread(a: RunResult, ea: Expectation, b: RunResult, eb: Expectation): number | undefined {
  const wa = windowOffsets(a, ea);
  const wb = windowOffsets(b, eb);
  if (!wa || !wb) return undefined;
  return Math.max(Math.abs(wb[1] - wa[0]), Math.abs(wa[1] - wb[0]));
}

/** "keepidle 1 → 2", one entry per param whose value differs (or is in one run only). */
export function paramChanges(a: RunResult, b: RunResult): string[] {
  const pa: Record<string, number> = a.params;
  const pb: Record<string, number> = b.params;
  const keys = [...new Set([...Object.keys(pa), ...Object.keys(pb)])];
  return keys.filter((k) => pa[k] !== pb[k]).map((k) => `${k} ${String(pa[k] ?? '—')} → ${String(pb[k] ?? '—')}`);
}

/** Kernel and HZ differences, and the kernel changes (kernel-facts.ts) that set them apart. */
export function kernelChanges(a: RunResult, b: RunResult): string[] {
  const out: string[] = [];
  if (a.hz !== b.hz) out.push(`HZ ${a.hz} → ${b.hz}`);
  const ka = a.kernel_version;
  const kb = b.kernel_version;
  if (ka !== kb) {
    const form = a.variant ? `${a.experiment}:${a.variant}` : a.experiment;
    const kernels = [
      { label: 'a', release: a.kernel, version: a.kernel_version, backend: a.backend },
      { label: 'b', release: b.kernel, version: b.kernel_version, backend: b.backend },
    ];
    const { causeText } = causesFor(form, kernels, [
      { value: 'a', kernels: ['a'] },
      { value: 'b', kernels: ['b'] },
    ]);
    out.push(`kernel ${ka} → ${kb} (${causeText})`);
  }
  return out;
}

const signed = (s: number) => `${s >= 0 ? '+' : '−'}${Math.abs(s).toFixed(3)} s`;

export function explainPairs(a: RunResult, b: RunResult, pairs: readonly Pair[]): Explained[] {
  const given = [...paramChanges(a, b), ...kernelChanges(a, b)];
  return pairs.map((p) => {
    if (!p.a || !p.b || p.delta_s === undefined) return { ...p, differs: false };
    const allowed = allowedSpread(a, p.a, b, p.b);
    const shift = p.a.at_s !== undefined && p.b.at_s !== undefined ? Number((p.b.at_s - p.a.at_s).toFixed(6)) : undefined;
    // Without windows (a count or an outcome) a time is not judged, so it cannot differ.
    const differs = allowed !== undefined && Math.abs(p.delta_s) > allowed;
    if (!differs) return { ...p, differs, ...(shift !== undefined ? { model_shift_s: shift } : {}) };
    const cause = given.length ? given.join(', ') : 'same params, kernel and HZ';
    let reason: string;
    if (shift === undefined) reason = `${cause}: not a model event, the model gives no shift`;
    else if (Math.abs(p.delta_s - shift) <= allowed) reason = `${cause}: the model predicts ${signed(shift)}`;
    else reason = `${cause}: the model predicts ${signed(shift)}, observed ${signed(p.delta_s)}, beyond the windows`;
    return { ...p, differs, model_shift_s: shift, reason };
  });
}
