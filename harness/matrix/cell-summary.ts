// What one matrix cell says in a table: the verdict word, the row's key timing,
// and a skip or error reason short enough for a column.
import type { MatrixCell, MatrixTiming } from './matrix-doc.ts';

export interface CellSummary {
  /** 'pass' | 'FAIL' | 'skip' | 'error' | '–' (not run on this kernel). */
  word: string;
  /** The last timing with an observation (often the death), e.g. '14.3 s'. */
  time?: string;
  /** Shortened skip or error reason. */
  reason?: string;
}

const REASON_MAX = 40;

/** The last timing that was observed: the end of the run as far as the run saw it. */
export function keyTiming(cell: MatrixCell): MatrixTiming | undefined {
  return cell.timings.findLast((t) => t.observed_s !== null);
}

export function fmtSeconds(s: number): string {
  return Math.abs(s) < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(1)} s`;
}

/** First clause of a reason, cut to fit a table column. */
export function shortReason(reason: string, max = REASON_MAX): string {
  const first = reason.split(/(?<=[.;])\s|\n/)[0]!.replace(/[.;]$/, '').trim();
  return first.length <= max ? first : `${first.slice(0, max - 1).trimEnd()}…`;
}

export function summariseCell(cell: MatrixCell | undefined): CellSummary {
  if (!cell) return { word: '–' };
  const word = cell.verdict === 'fail' ? 'FAIL' : cell.verdict;
  const t = keyTiming(cell);
  return {
    word,
    ...(t ? { time: fmtSeconds(t.observed_s!) } : {}),
    ...((cell.verdict === 'skip' || cell.verdict === 'error') && cell.reason ? { reason: shortReason(cell.reason) } : {}),
  };
}

export function fmtDuration(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const r = Math.round(s);
  return `${Math.floor(r / 60)} min ${r % 60} s`;
}
