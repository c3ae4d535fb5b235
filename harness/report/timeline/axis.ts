// The time axis of timeline.svg: its scale, the range it covers, and its drawing
// (ticks, grid, the anchor line).
//
// Short runs get a linear axis. Runs whose events are spread over very different
// scales (a 15-minute RTO run: retransmits 0.2 s apart at first and 120 s apart at
// the end; keepalive: 2 h of idleness, then probes 75 s apart) get a BROKEN axis:
// the model's event times cut the run into stretches, each stretch gets a width that
// grows with the logarithm of its length (plus a floor), and time runs linearly
// inside each stretch. So every predicted event has room, the first retransmits stay
// readable, and a timer's countdown is still a straight line between two events.

import type { RunResult } from '../result.ts';
import { DIM, GRID, INK } from './style.ts';
import { line, text, X0, X1 } from './svg.ts';

export interface Tick {
  t: number;
  label: string;
}

export interface TimeAxis {
  kind: 'linear' | 'broken';
  /** Pixel position of scenario time t (seconds). */
  x(t: number): number;
  ticks: Tick[];
  /** A few words for under the axis. */
  caption: string;
}

/** The ratio of span to the smallest gap between key times above which the axis breaks. */
const BREAK_THRESHOLD = 40;
/** Every stretch gets at least this much weight, next to ln(1 + length/τ). */
const FLOOR = 1.5;

export function formatTick(t: number): string {
  if (t === 0) return '0';
  if (t >= 3600 && t % 3600 === 0) return `${t / 3600} h`;
  if (t >= 60 && t % 60 === 0) return `${t / 60} min`;
  if (t >= 120) return `${Number(t.toPrecision(4))} s`;
  return `${Number(t.toPrecision(3))} s`;
}

function niceStep(span: number, count: number): number {
  const raw = span / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

// Tick steps from the roundest down; a finer step only fills space the rounder ones left.
const STEPS = [3600, 1800, 600, 300, 120, 60, 30, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01];

function ticksFor(end: number, x: (t: number) => number, minGap: number): Tick[] {
  const kept: number[] = [0];
  for (const step of STEPS) {
    if (end / step > 4000) continue;
    for (let k = 1; k * step <= end * 1.0001; k++) {
      const t = Number((k * step).toPrecision(12));
      // Long times only on round minutes: '8 min' reads better than '470 s'.
      if ((t >= 120 && t % 60 !== 0) || (t >= 1200 && t % 300 !== 0) || (t >= 7200 && t % 1800 !== 0)) continue;
      const px = x(t);
      if (kept.every((u) => Math.abs(x(u) - px) >= minGap)) kept.push(t);
    }
  }
  return kept.sort((a, b) => a - b).map((t) => ({ t, label: formatTick(t) }));
}

/**
 * An axis from 0 to `end` seconds onto pixels [x0, x1]. `keyTimes` are the moments
 * that must stay apart (the model's events on the scenario clock).
 */
export function timeAxis(end: number, x0: number, x1: number, keyTimes: readonly number[], minTickGapPx = 60): TimeAxis {
  const span = Math.max(end, 1e-3);
  const width = x1 - x0;
  const inside = [...new Set(keyTimes.filter((t) => t > 0 && t < span).map((t) => Number(t.toFixed(6))))].sort((a, b) => a - b);
  // The smallest gap between key times (not from 0 to the first: that is set-up time).
  const gaps = inside.slice(1).map((t, i) => t - inside[i]!).filter((g) => g > 1e-6);
  const smallest = gaps.length ? Math.min(...gaps) : span;
  const keys = [0, ...inside.filter((t) => t > 0), span].filter((t, i, all) => i === 0 || t > all[i - 1]!);
  if (gaps.length === 0 || span / smallest <= BREAK_THRESHOLD) {
    const step = niceStep(span, Math.max(4, Math.floor(width / 90)));
    const ticks: Tick[] = [];
    for (let t = 0; t <= span + step * 1e-9; t += step) {
      const r = Number(t.toPrecision(12));
      ticks.push({ t: r, label: formatTick(r) });
    }
    return { kind: 'linear', x: (t) => x0 + (width * t) / span, ticks, caption: 'linear time axis' };
  }
  const tau = smallest / 2;
  const weights = keys.slice(1).map((t, i) => Math.log1p((t - keys[i]!) / tau) + FLOOR);
  const total = weights.reduce((a, b) => a + b, 0);
  const starts: number[] = [x0];
  for (const w of weights) starts.push(starts.at(-1)! + (width * w) / total);
  const x = (t: number): number => {
    if (t <= 0) return x0;
    if (t >= span) return x1;
    let i = 0;
    while (keys[i + 1]! < t) i++;
    const a = keys[i]!;
    const b = keys[i + 1]!;
    return starts[i]! + ((starts[i + 1]! - starts[i]!) * (t - a)) / (b - a);
  };
  return {
    kind: 'broken',
    x,
    ticks: ticksFor(span, x, minTickGapPx),
    caption: 'broken time axis: each gap between two of the model\'s events gets room by the log of its length, linear inside',
  };
}

/** The end of the picture's time range: the last event, prediction or window. */
export function timeEnd(r: RunResult): number {
  let end = 0;
  for (const e of r.events) if (e.kind !== 'tcp_info') end = Math.max(end, e.t);
  const anchor = r.anchor_s ?? 0;
  for (const p of r.prediction?.events ?? []) end = Math.max(end, anchor + p.at_s + p.late_s);
  for (const e of r.expectations) {
    if (e.window_s) end = Math.max(end, e.window_s[1]);
    if (e.observed_s !== null) end = Math.max(end, e.observed_s);
  }
  return end * 1.03 + 0.05;
}

/**
 * The moments the axis must keep apart: each predicted event where the judge
 * expected it (chained from what was observed), or at its nominal time.
 */
export function keyTimes(r: RunResult): number[] {
  const anchor = r.anchor_s ?? 0;
  const times = (r.prediction?.events ?? []).map((p) => {
    const e = r.expectations.find((x) => x.predicted === p.id && x.expected_s !== null);
    return e ? e.expected_s! : anchor + p.at_s;
  });
  if (times.length) return [anchor, ...times];
  return r.events.filter((e) => e.kind === 'packet').map((e) => e.t);
}

/** The axis under the lanes, the grid across them, and the anchor's line. */
export function drawAxis(r: RunResult, axis: TimeAxis, lanesTop: number, lanesBottom: number): { grid: string[]; axis: string[] } {
  const grid: string[] = [];
  for (const t of axis.ticks) {
    const x = axis.x(t.t);
    grid.push(line(x, lanesTop, x, lanesBottom, GRID, 1, '1 3'));
  }
  const axisOut: string[] = [line(X0, lanesBottom, X1, lanesBottom, INK, 1.2)];
  for (const t of axis.ticks) {
    const x = axis.x(t.t);
    axisOut.push(line(x, lanesBottom, x, lanesBottom + 6, INK), text(x, lanesBottom + 22, t.label, { size: 13, anchor: 'middle' }));
  }
  axisOut.push(text(X0, lanesBottom + 44, `time since the scenario started — ${axis.caption}`, { size: 13, color: DIM }));
  if (r.anchor_s !== null) {
    const x = axis.x(r.anchor_s);
    grid.push(line(x, lanesTop - 4, x, lanesBottom, '#0969da', 1.2, '6 4'));
    axisOut.push(text(x + 4, lanesTop - 6, 'anchor', { size: 11, color: '#0969da' }));
  }
  return { grid, axis: axisOut };
}
