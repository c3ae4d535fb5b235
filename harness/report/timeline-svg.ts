// timeline.svg: one run as a picture a person can read without zooming.
//
//   header       experiment, verdict, kernel, backend, params, anchor
//   legend       packet classes present, model ghost, window, ok / failed
//   lanes        client → server and server → client packets (observed marks, with the
//                model's ghost marks just above them and each timing expectation's window
//                and error); client and server calls; firewall; ss timer sawtooth per
//                side with the probe / retransmit counter; model-only events
//   axis         linear, or log-like for long runs (timeline-axis.ts)
//   table        every expectation, green or red, with expected, observed and error
//
// Standalone: no scripts, no external fonts or images; tooltips via <title>.
import fs from 'node:fs';
import path from 'node:path';
import type { FirewallEvent, MarkEvent, PacketClass, PacketEvent, SyscallEvent, TimelineEvent, TimerEvent } from '../events.ts';
import type { PredictedEvent } from '../model/schedule.ts';
import type { Expectation } from '../verdict/judge.ts';
import type { RunResult } from './result.ts';
import { timeAxis, type TimeAxis } from './timeline-axis.ts';

const WIDTH = 1400;
const LEFT = 200; // label column
const RIGHT = 76; // room for the timer lanes' scale
const X0 = LEFT;
const X1 = WIDTH - RIGHT;
const FONT = "font-family=\"'DejaVu Sans', 'Liberation Sans', Helvetica, Arial, sans-serif\"";
const MONO = "font-family=\"'DejaVu Sans Mono', 'Liberation Mono', Menlo, monospace\"";

const GREEN = '#1a7f37';
const RED = '#cf222e';
const GHOST = '#6e7781';
const GRID = '#d0d7de';
const INK = '#1f2328';
const DIM = '#57606a';

type Shape = 'tri' | 'dot' | 'square' | 'diamond' | 'flag' | 'cross' | 'ring';

interface ClassStyle {
  shape: Shape;
  color: string;
  /** Short label on the picture. */
  short: string;
  /** Legend text. */
  legend: string;
}

const CLASS_STYLE: Record<PacketClass, ClassStyle> = {
  syn: { shape: 'tri', color: '#0969da', short: 'SYN', legend: 'SYN' },
  'syn-retrans': { shape: 'tri', color: '#e16f24', short: 'SYN rtx', legend: 'SYN retransmit' },
  synack: { shape: 'tri', color: '#1b7c83', short: 'SYN-ACK', legend: 'SYN-ACK' },
  'synack-retrans': { shape: 'tri', color: '#e16f24', short: 'SYN-ACK rtx', legend: 'SYN-ACK retransmit' },
  ack: { shape: 'dot', color: '#8c959f', short: 'ACK', legend: 'bare ACK' },
  data: { shape: 'square', color: '#2da44e', short: 'data', legend: 'data' },
  'data-retrans': { shape: 'square', color: '#e16f24', short: 'rtx', legend: 'data retransmit / loss probe' },
  'keepalive-probe': { shape: 'diamond', color: '#8250df', short: 'probe', legend: 'keepalive probe' },
  'window-probe': { shape: 'diamond', color: '#9a6700', short: 'win probe', legend: 'zero-window probe' },
  fin: { shape: 'flag', color: '#0550ae', short: 'FIN', legend: 'FIN' },
  rst: { shape: 'cross', color: RED, short: 'RST', legend: 'RST' },
};

const TIMER_COLOR: Record<string, string> = {
  on: '#e16f24',
  keepalive: '#8250df',
  persist: '#9a6700',
  probe: '#9a6700',
  timewait: '#57606a',
  unknown: '#57606a',
};

// ---------------------------------------------------------------- SVG helpers

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r1 = (n: number) => Math.round(n * 10) / 10;

function text(x: number, y: number, s: string, o: { size?: number; color?: string; anchor?: 'start' | 'middle' | 'end'; weight?: string; mono?: boolean; italic?: boolean } = {}): string {
  const attrs = [
    `x="${r1(x)}"`,
    `y="${r1(y)}"`,
    `font-size="${o.size ?? 13}"`,
    `fill="${o.color ?? INK}"`,
    o.anchor && o.anchor !== 'start' ? `text-anchor="${o.anchor}"` : '',
    o.weight ? `font-weight="${o.weight}"` : '',
    o.italic ? 'font-style="italic"' : '',
    o.mono ? MONO : '',
  ].filter(Boolean);
  return `<text ${attrs.join(' ')}>${esc(s)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, color: string, width = 1, dash?: string): string {
  return `<line x1="${r1(x1)}" y1="${r1(y1)}" x2="${r1(x2)}" y2="${r1(y2)}" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
}

/** A marker centred on (x, y). `ghost`: dashed outline only. */
function marker(shape: Shape, x: number, y: number, color: string, ghost = false, size = 7): string {
  const paint = ghost
    ? `fill="#ffffff" fill-opacity="0.6" stroke="${color}" stroke-width="1.6" stroke-dasharray="3 2"`
    : `fill="${color}" stroke="#ffffff" stroke-width="1"`;
  const s = size;
  switch (shape) {
    case 'tri':
      return `<path d="M${r1(x - s)} ${r1(y - s)} L${r1(x + s)} ${r1(y)} L${r1(x - s)} ${r1(y + s)} Z" ${paint}/>`;
    case 'dot':
      return `<circle cx="${r1(x)}" cy="${r1(y)}" r="${r1(s * 0.55)}" ${paint}/>`;
    case 'ring':
      return `<circle cx="${r1(x)}" cy="${r1(y)}" r="${r1(s * 0.8)}" ${paint}/>`;
    case 'square':
      return `<rect x="${r1(x - s * 0.8)}" y="${r1(y - s * 0.8)}" width="${r1(s * 1.6)}" height="${r1(s * 1.6)}" ${paint}/>`;
    case 'diamond':
      return `<path d="M${r1(x)} ${r1(y - s)} L${r1(x + s)} ${r1(y)} L${r1(x)} ${r1(y + s)} L${r1(x - s)} ${r1(y)} Z" ${paint}/>`;
    case 'flag':
      return `<path d="M${r1(x - s * 0.7)} ${r1(y + s)} L${r1(x - s * 0.7)} ${r1(y - s)} L${r1(x + s)} ${r1(y - s * 0.4)} L${r1(x - s * 0.7)} ${r1(y + s * 0.2)} Z" ${paint}/>`;
    case 'cross': {
      const w = ghost ? 2 : 3.2;
      const dash = ghost ? ' stroke-dasharray="3 2"' : '';
      return `<g stroke="${color}" stroke-width="${w}" stroke-linecap="round"${dash}><line x1="${r1(x - s)}" y1="${r1(y - s)}" x2="${r1(x + s)}" y2="${r1(y + s)}"/><line x1="${r1(x - s)}" y1="${r1(y + s)}" x2="${r1(x + s)}" y2="${r1(y - s)}"/></g>`;
    }
  }
}

/** Rough width of a label in px (DejaVu Sans is about 0.6 em per character). */
function textWidth(s: string, size: number): number {
  return s.length * size * 0.6;
}

/** Label rows: a label goes to the first row where it overlaps nothing placed before it. */
class LabelRows {
  private readonly taken: Array<Array<[number, number]>>;
  constructor(rows: number) {
    this.taken = Array.from({ length: rows }, () => []);
  }
  place(left: number, right: number): number {
    for (let i = 0; i < this.taken.length; i++) {
      const row = this.taken[i]!;
      if (row.every(([a, b]) => right + 4 <= a || left >= b + 4)) {
        row.push([left, right]);
        return i;
      }
    }
    return -1;
  }
}

// ---------------------------------------------------------------- reading the result

interface Ghost {
  t: number;
  window?: [number, number];
  shape: Shape;
  color: string;
  label: string;
  expectation?: Expectation;
  event?: PredictedEvent;
  /** What the expectation observed: a packet and a call have their own marks; an ss sample gets one here. */
  observedKind?: 'packet' | 'syscall' | 'timer';
}

type LaneId = 'c2s' | 's2c' | 'client-calls' | 'server-calls' | 'model';

const ID_STYLE: Array<[RegExp, PacketClass, LaneId]> = [
  [/^probe-/, 'keepalive-probe', 'c2s'],
  [/^(tlp|rto-)/, 'data-retrans', 'c2s'],
  [/^syn-retrans-/, 'syn-retrans', 'c2s'],
  [/^synack-retrans-/, 'synack-retrans', 's2c'],
  [/^zwp-/, 'window-probe', 'c2s'],
];

function near(a: number, b: number): boolean {
  return Math.abs(a - b) < 2e-6;
}

/** The observation an expectation matched, found again by its time. */
function observedEvent(e: Expectation, events: readonly TimelineEvent[]): PacketEvent | SyscallEvent | TimerEvent | undefined {
  if (e.observed_s === null) return undefined;
  const hits = events.filter((x) => near(x.t, e.observed_s!) && (x.kind === 'packet' || x.kind === 'syscall' || x.kind === 'timer'));
  return (hits.find((x) => x.kind === 'packet') ?? hits.find((x) => x.kind === 'syscall') ?? hits[0]) as PacketEvent | SyscallEvent | TimerEvent | undefined;
}

function laneOf(ev: PacketEvent | SyscallEvent | TimerEvent | undefined): LaneId | undefined {
  if (!ev) return undefined;
  if (ev.kind === 'packet') return ev.dir;
  if (ev.kind === 'syscall') return ev.side === 'client' ? 'client-calls' : 'server-calls';
  return ev.side === 'client' ? 'client-calls' : 'server-calls';
}

function ghostsFor(r: RunResult): Map<LaneId, Ghost[]> {
  const out = new Map<LaneId, Ghost[]>();
  const add = (lane: LaneId, g: Ghost) => out.set(lane, [...(out.get(lane) ?? []), g]);
  const anchor = r.anchor_s ?? 0;
  const predicted = r.prediction?.events ?? [];
  const covered = new Set<string>();
  for (const e of r.expectations) {
    if (!e.predicted || e.expected_s === null) continue;
    const p = predicted.find((x) => x.id === e.predicted);
    const seen = observedEvent(e, r.events);
    const byId = ID_STYLE.find(([re]) => re.test(e.predicted!));
    const lane = laneOf(seen) ?? byId?.[2] ?? 'model';
    const cls = seen?.kind === 'packet' ? seen.class : byId?.[1];
    const style = cls ? CLASS_STYLE[cls] : undefined;
    covered.add(e.predicted);
    add(lane, {
      t: e.expected_s,
      ...(e.window_s ? { window: e.window_s } : {}),
      shape: seen?.kind === 'syscall' ? 'ring' : (style?.shape ?? 'ring'),
      color: style?.color ?? GHOST,
      label: p?.label ?? e.name,
      expectation: e,
      ...(p ? { event: p } : {}),
      ...(seen ? { observedKind: seen.kind } : {}),
    });
  }
  for (const p of predicted) {
    if (covered.has(p.id)) continue;
    const byId = ID_STYLE.find(([re]) => re.test(p.id));
    const style = byId ? CLASS_STYLE[byId[1]] : undefined;
    add(byId?.[2] ?? 'model', {
      t: anchor + p.at_s,
      window: [anchor + p.at_s - p.early_s, anchor + p.at_s + p.late_s],
      shape: style?.shape ?? 'ring',
      color: style?.color ?? GHOST,
      label: p.label,
      event: p,
    });
  }
  return out;
}

function fmtS(s: number): string {
  if (Math.abs(s) >= 100) return `${s.toFixed(1)} s`;
  if (Math.abs(s) >= 10) return `${s.toFixed(2)} s`;
  return `${s.toFixed(3)} s`;
}

function fmtErr(s: number): string {
  const v = s * 1000;
  const sign = v >= 0 ? '+' : '−';
  const a = Math.abs(v);
  return a >= 1000 ? `${sign}${Math.abs(s).toFixed(2)} s` : `${sign}${a < 1 ? a.toFixed(2) : a.toFixed(1)} ms`;
}

// ---------------------------------------------------------------- layout

interface Lane {
  id: string;
  title: string;
  subtitle?: string;
  height: number;
  draw(top: number): string[];
}

function laneFrame(l: Lane, top: number): string[] {
  const out: string[] = [];
  out.push(text(16, top + 22, l.title, { size: 14, weight: 'bold' }));
  if (l.subtitle) {
    l.subtitle.split('\n').forEach((s, i) => out.push(text(16, top + 40 + i * 15, s, { size: 12, color: DIM })));
  }
  out.push(line(X0, top + l.height, X1, top + l.height, GRID));
  return out;
}

/** The end of the picture's time range: the last event, prediction or window. */
function timeEnd(r: RunResult): number {
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
function keyTimes(r: RunResult): number[] {
  const anchor = r.anchor_s ?? 0;
  const times = (r.prediction?.events ?? []).map((p) => {
    const e = r.expectations.find((x) => x.predicted === p.id && x.expected_s !== null);
    return e ? e.expected_s! : anchor + p.at_s;
  });
  if (times.length) return [anchor, ...times];
  return r.events.filter((e) => e.kind === 'packet').map((e) => e.t);
}

// ---------------------------------------------------------------- lanes

function packetLane(dir: 'c2s' | 's2c', r: RunResult, axis: TimeAxis, ghosts: Ghost[]): Lane {
  const packets = r.events.filter((e): e is PacketEvent => e.kind === 'packet' && e.dir === dir);
  const title = dir === 'c2s' ? 'client → server' : 'server → client';
  return {
    id: dir,
    title,
    subtitle: `${packets.length} packet${packets.length === 1 ? '' : 's'} sent by the ${dir === 'c2s' ? 'client' : 'server'}\nghosts above: the model`,
    height: 150,
    draw(top) {
      const out: string[] = [];
      const ghostY = top + 40;
      const obsY = top + 78;
      out.push(line(X0, ghostY, X1, ghostY, '#eaeef2', 1, '2 4'));
      out.push(line(X0, obsY, X1, obsY, '#d8dee4'));
      out.push(...drawGhosts(ghosts, axis, ghostY, obsY, top));
      out.push(...drawPackets(packets, axis, obsY, top, matchedLabels(r)));
      return out;
    },
  };
}

/** Where a lane puts each timing expectation's error: under the observed mark, or beside its connector. */
type ErrorPlace = 'below' | 'beside';

function drawGhosts(ghosts: Ghost[], axis: TimeAxis, ghostY: number, obsY: number, top: number, errors: ErrorPlace = 'below'): string[] {
  const out: string[] = [];
  const labels = new LabelRows(1);
  const errRows = new LabelRows(2);
  for (const g of [...ghosts].sort((a, b) => a.t - b.t)) {
    const x = axis.x(g.t);
    const e = g.expectation;
    const verdict = e ? (e.ok ? GREEN : RED) : GHOST;
    if (g.window) {
      const a = axis.x(g.window[0]);
      const b = Math.max(axis.x(g.window[1]), a + 2);
      out.push(`<rect x="${r1(a)}" y="${r1(ghostY - 11)}" width="${r1(b - a)}" height="22" fill="${verdict}" fill-opacity="0.16" stroke="${verdict}" stroke-opacity="0.5" stroke-width="0.8"/>`);
    }
    const tip = [
      `model: ${g.label}`,
      g.event ? `nominal ${fmtS(g.event.at_s)} after the anchor` : '',
      e?.expected_s !== null && e?.expected_s !== undefined ? `expected at ${fmtS(e.expected_s)}` : '',
      g.window ? `window ${fmtS(g.window[0])} … ${fmtS(g.window[1])}` : '',
      e ? `${e.ok ? 'held' : 'FAILED'}: ${e.name}${e.note ? ` (${e.note})` : ''}` : '',
      g.event?.cite ?? '',
    ].filter(Boolean);
    out.push(`<g><title>${esc(tip.join('\n'))}</title>${marker(g.shape, x, ghostY, g.color, true)}</g>`);
    // The model's label, above the ghost when there is room.
    const lbl = shortLabel(g.label);
    const w = textWidth(lbl, 11);
    const row = labels.place(x - w / 2, x + w / 2);
    if (row === 0) out.push(text(x, top + 20, lbl, { size: 11, color: DIM, anchor: 'middle', italic: true }));
    if (!e) continue;
    if (e.observed_s === null) {
      out.push(text(x, obsY + 4, 'never', { size: 12, color: RED, anchor: 'middle', weight: 'bold' }));
      continue;
    }
    const ox = axis.x(e.observed_s);
    out.push(line(x, ghostY + 8, ox, obsY - 9, verdict, 1.4));
    if (g.observedKind === 'timer') {
      // Seen in an ss sample (a state, a queue length): no packet or call to point at.
      out.push(`<g><title>${esc(`seen by ss at ${fmtS(e.observed_s)}${e.note ? `: ${e.note}` : ''}`)}</title><rect x="${r1(ox - 5)}" y="${r1(obsY - 5)}" width="10" height="10" fill="#ffffff" stroke="${verdict}" stroke-width="2"/></g>`);
      out.push(text(ox, obsY + 16, 'ss', { size: 10, color: verdict, anchor: 'middle' }));
    }
    const err = e.error_s !== undefined ? fmtErr(e.error_s) : '';
    if (err) {
      const ew = textWidth(err, 11);
      if (errors === 'below') {
        const erow = errRows.place(ox - ew / 2, ox + ew / 2);
        if (erow >= 0) out.push(text(ox, obsY + 24 + erow * 13, err, { size: 11, color: verdict, anchor: 'middle', weight: 'bold' }));
      } else if (errRows.place(ox + 6, ox + 8 + ew) >= 0) {
        out.push(text(ox + 8, (ghostY + obsY) / 2 + 4, err, { size: 11, color: verdict, weight: 'bold' }));
      }
    }
  }
  return out;
}

/** "keepalive probe 2" → "probe 2"; "RTO retransmission 3" → "RTO 3"; long labels cut. */
function shortLabel(label: string): string {
  const s = label
    .replace(/^keepalive probe/, 'probe')
    .replace(/^RTO retransmission/, 'RTO')
    .replace(/^SYN-ACK retransmission/, 'SYN-ACK')
    .replace(/^SYN retransmission/, 'SYN')
    .replace(/^zero-window probe/, 'zwp')
    .replace(/^tail loss probe$/, 'TLP');
  const cut = s.split(/[:(]/)[0]!.trim();
  return cut.length > 28 ? `${cut.slice(0, 27)}…` : cut;
}

/** Observed packets that a timing expectation matched, by time: labelled like the model's event. */
function matchedLabels(r: RunResult): Map<number, string> {
  const out = new Map<number, string>();
  for (const e of r.expectations) {
    if (e.observed_s === null || !e.predicted) continue;
    const p = r.prediction?.events.find((x) => x.id === e.predicted);
    if (p) out.set(Math.round(e.observed_s * 1e6), shortLabel(p.label));
  }
  return out;
}

function drawPackets(packets: PacketEvent[], axis: TimeAxis, y: number, top: number, matched: Map<number, string>): string[] {
  const out: string[] = [];
  // Cluster packets that land on the same pixels; draw each once, with a count.
  const clusters: Array<{ x: number; items: PacketEvent[] }> = [];
  for (const p of packets) {
    const x = axis.x(p.t);
    const last = clusters.at(-1);
    if (last && last.items[0]!.class === p.class && x - last.x < 2.5) last.items.push(p);
    else clusters.push({ x, items: [p] });
  }
  // Dodge: keep neighbouring marks apart, but never drift more than 24 px from the truth.
  let prev = -Infinity;
  const placed = clusters.map((c) => {
    let x = c.x;
    if (x - prev < 9 && prev + 9 - c.x <= 24) x = prev + 9;
    prev = x;
    return { ...c, drawX: x };
  });
  const counters = new Map<PacketClass, number>();
  const labels = new LabelRows(2);
  for (const c of placed) {
    const p = c.items[0]!;
    const style = CLASS_STYLE[p.class];
    const n = (counters.get(p.class) ?? 0) + 1;
    counters.set(p.class, n + c.items.length - 1);
    const tip = c.items
      .slice(0, 12)
      .map((q) => `${q.t.toFixed(6)} s  ${q.dir} [${q.flags}] ${q.class} seq ${q.seq} ack ${q.ack} win ${q.win} len ${q.len}`)
      .join('\n');
    out.push(`<g><title>${esc(tip + (c.items.length > 12 ? `\n… ${c.items.length - 12} more` : ''))}</title>${marker(style.shape, c.drawX, y, style.color)}</g>`);
    if (c.items.length > 1) out.push(text(c.drawX + 8, y - 8, `×${c.items.length}`, { size: 11, color: DIM }));
    if (p.class === 'ack' || p.class === 'data') continue;
    const numbered = ['keepalive-probe', 'window-probe', 'data-retrans', 'syn-retrans', 'synack-retrans'].includes(p.class);
    const lbl = matched.get(Math.round(p.t * 1e6)) ?? (numbered ? `${style.short} ${n}` : style.short);
    const w = textWidth(lbl, 12);
    const row = labels.place(c.drawX - w / 2, c.drawX + w / 2);
    if (row >= 0) out.push(text(c.drawX, top + 128 + row * 15, lbl, { size: 12, color: style.color, anchor: 'middle', weight: 'bold' }));
  }
  return out;
}

function callsLane(side: 'client' | 'server', calls: SyscallEvent[], axis: TimeAxis, ghosts: Ghost[]): Lane {
  return {
    id: `${side}-calls`,
    title: `${side} calls`,
    subtitle: 'syscalls and their results\n□ = a state seen by ss',
    height: 118,
    draw(top) {
      const out: string[] = [];
      const ghostY = top + 30;
      const y = top + 62;
      out.push(line(X0, y, X1, y, '#d8dee4'));
      out.push(...drawGhosts(ghosts, axis, ghostY, y, top - 6, 'beside'));
      const rows = new LabelRows(3);
      const outcome = (c: SyscallEvent) => (c.error !== undefined ? c.error : String(c.result ?? 'ok'));
      const name = (c: SyscallEvent) => `${c.call}${c.how ? `(${c.how})` : ''}`;
      // A series: the same call with the same outcome, over and over (writes in a loop).
      // Every call gets its mark; a series gets one label; failures are labelled first.
      const series: SyscallEvent[][] = [];
      for (const c of calls) {
        const last = series.at(-1);
        if (last && name(last[0]!) === name(c) && outcome(last[0]!) === outcome(c)) last.push(c);
        else series.push([c]);
      }
      for (const c of calls) {
        const x = axis.x(c.t);
        const color = c.error !== undefined ? RED : '#0969da';
        out.push(`<g><title>${esc(`${c.t.toFixed(6)} s  ${side} ${name(c)} → ${outcome(c)}${c.raw ? ' (raw fd)' : ''}`)}</title><circle cx="${r1(x)}" cy="${r1(y)}" r="5" fill="${color}" stroke="#fff"/></g>`);
      }
      const failedFirst = [...series].sort((a, b) => Number(b[0]!.error !== undefined) - Number(a[0]!.error !== undefined));
      for (const sr of failedFirst) {
        const c = sr[0]!;
        const x = axis.x(c.t);
        const failed = c.error !== undefined;
        const color = failed ? RED : '#0969da';
        const what = `${name(c)} → ${outcome(c)}${sr.length > 1 ? ` ×${sr.length}` : ''}`;
        const w = textWidth(what, 12);
        const left = x + 8 + w > WIDTH - 6;
        const row = left ? rows.place(x - 8 - w, x) : rows.place(x + 2, x + 8 + w);
        if (row >= 0) out.push(text(left ? x - 6 : x + 6, y + 20 + row * 14, what, { size: 12, color, weight: failed ? 'bold' : undefined, anchor: left ? 'end' : 'start' }));
      }
      return out;
    },
  };
}

function firewallLane(fw: FirewallEvent[], marks: MarkEvent[], axis: TimeAxis, end: number): Lane {
  return {
    id: 'firewall',
    title: 'firewall & marks',
    subtitle: 'rules the scenario added,\nand its own notes',
    height: 78,
    draw(top) {
      const out: string[] = [];
      const open = new Map<string, number>();
      const bands: Array<[number, number, string]> = [];
      for (const f of fw) {
        if (f.action === 'add') open.set(f.rule, f.t);
        else if (open.has(f.rule)) {
          bands.push([open.get(f.rule)!, f.t, f.rule]);
          open.delete(f.rule);
        }
      }
      for (const [rule, t] of open) bands.push([t, end, rule]);
      bands.forEach(([a, b, rule], i) => {
        const xa = axis.x(a);
        const xb = Math.max(axis.x(b), xa + 2);
        const y = top + 10 + i * 20;
        out.push(`<g><title>${esc(`${rule}\nfrom ${fmtS(a)} to ${fmtS(b)}`)}</title><rect x="${r1(xa)}" y="${r1(y)}" width="${r1(xb - xa)}" height="16" fill="${RED}" fill-opacity="0.12" stroke="${RED}" stroke-opacity="0.6"/></g>`);
        out.push(text(xa + 6, y + 12, `${/DROP/.test(rule) ? 'dropping: ' : ''}${rule}`, { size: 12, color: RED }));
      });
      const rows = new LabelRows(1);
      for (const m of marks) {
        const x = axis.x(m.t);
        const y = top + 56;
        out.push(line(x, y - 6, x, y + 6, DIM, 1.5));
        const w = textWidth(m.name, 11);
        if (rows.place(x - 2, x + w + 4) === 0) out.push(text(x + 4, y + 4, m.name, { size: 11, color: DIM }));
      }
      return out;
    },
  };
}

/**
 * A y-scale for remaining time: linear, or log-like when the teeth differ a lot in
 * height (an RTO backoff: 0.2 s teeth next to 120 s ones).
 */
function remainingScale(samples: TimerEvent[], h: number): { y: (r: number) => number; ticks: number[] } {
  const max = Math.max(...samples.map((s) => s.remaining_s), 1e-3);
  // Peaks: the first sample of each tooth (the timer re-armed since the previous sample).
  const peaks = samples.filter((s, i) => i === 0 || s.remaining_s > samples[i - 1]!.remaining_s + 1e-3 || s.timer !== samples[i - 1]!.timer).map((s) => s.remaining_s).filter((r) => r > 0);
  const smallest = peaks.length ? Math.min(...peaks) : max;
  if (max / smallest <= 8) return { y: (r) => h * (r / max), ticks: [max] };
  const tau = Math.max(smallest / 2, 1e-3);
  const u = (r: number) => Math.log1p(Math.max(r, 0) / tau);
  const ticks = [0.1, 1, 10, 100, 1000].filter((t) => t < max * 0.6 && t > smallest / 2);
  return { y: (r) => (h * u(r)) / u(max), ticks: [...ticks, max] };
}

function timerLane(side: 'client' | 'server', source: 'ss' | 'netstat', samples: TimerEvent[], axis: TimeAxis): Lane {
  const H = 96;
  return {
    id: `${side}-${source}-timer`,
    title: `${source}: ${side} timer`,
    subtitle: 'time left on the running timer\n#N = probes / retransmits (count)',
    height: H + 44,
    draw(top) {
      const out: string[] = [];
      const base = top + H + 18;
      const running = samples.filter((s) => s.timer !== 'off');
      const scale = remainingScale(running, H - 14);
      const Y = (r: number) => base - scale.y(r);
      for (const t of scale.ticks) {
        out.push(line(X0, Y(t), X1 + 4, Y(t), '#eaeef2', 1, '2 4'));
        out.push(text(X1 + 8, Y(t) + 4, fmtTick(t), { size: 11, color: DIM }));
      }
      out.push(line(X0, base, X1 + 4, base, '#afb8c1'));
      out.push(text(X1 + 8, base + 4, '0', { size: 11, color: DIM }));
      // Reconstruct the sawtooth: a sample says the timer expires at t + remaining.
      let prev: TimerEvent | undefined;
      const counts = new LabelRows(2);
      const names = new LabelRows(1);
      const states = new LabelRows(1);
      let lastState = '';
      // One ss sample lists every socket of this side at the same t (a listener and its
      // request socket, two connections …); follow one running timer, dot the others.
      const byTime = new Map<number, TimerEvent[]>();
      for (const x of samples) byTime.set(x.t, [...(byTime.get(x.t) ?? []), x]);
      const chosen: TimerEvent[] = [];
      let follow: TimerEvent | undefined;
      for (const group of byTime.values()) {
        const running = group.filter((x) => x.timer !== 'off');
        if (running.length === 0) {
          follow = undefined;
          chosen.push(group[0]!);
          continue;
        }
        const pick =
          (follow && running.find((x) => x.state === follow!.state && x.timer === follow!.timer && x.count >= follow!.count)) ??
          (follow && running.find((x) => x.state === follow!.state)) ??
          running[0]!;
        for (const other of running) {
          if (other === pick) continue;
          const c = TIMER_COLOR[other.timer] ?? GHOST;
          out.push(`<g><title>${esc(`${other.t.toFixed(3)} s  ${side} ${other.state} (another socket) ${other.timer} ${other.remaining_s} s, count ${other.count}`)}</title><circle cx="${r1(axis.x(other.t))}" cy="${r1(Y(other.remaining_s))}" r="1.8" fill="${c}" fill-opacity="0.45"/></g>`);
        }
        chosen.push(pick);
        follow = pick;
      }
      for (const s of chosen) {
        const x = axis.x(s.t);
        if (s.timer === 'off') {
          prev = undefined;
          continue;
        }
        if (s.state !== lastState) {
          const w = textWidth(s.state, 11);
          if (states.place(x, x + w + 6) === 0) out.push(text(x + 2, base + 16, s.state, { size: 11, color: DIM }));
          lastState = s.state;
        }
        const color = TIMER_COLOR[s.timer] ?? GHOST;
        if (prev && prev.timer === s.timer) {
          const pe = prev.t + prev.remaining_s;
          const se = s.t + s.remaining_s;
          if (Math.abs(se - pe) < 0.02) {
            out.push(line(axis.x(prev.t), Y(prev.remaining_s), x, Y(s.remaining_s), color, 2));
          } else if (pe <= s.t + 1e-6) {
            // It fired at pe and was re-armed: down to 0, up to what the new timer had then.
            const px = axis.x(pe);
            out.push(line(axis.x(prev.t), Y(prev.remaining_s), px, Y(0), color, 2));
            out.push(line(px, Y(0), px, Y(Math.max(se - pe, 0)), color, 2));
            out.push(line(px, Y(Math.max(se - pe, 0)), x, Y(s.remaining_s), color, 2));
          } else {
            const at = Math.max(prev.remaining_s - (s.t - prev.t), 0);
            out.push(line(axis.x(prev.t), Y(prev.remaining_s), x, Y(at), color, 2));
            out.push(line(x, Y(at), x, Y(s.remaining_s), color, 2));
          }
        }
        if (!prev || prev.timer !== s.timer) {
          const w = textWidth(s.timer, 12);
          if (names.place(x, x + w + 6) === 0) out.push(text(x + 3, top + 14, s.timer, { size: 12, color, weight: 'bold' }));
        }
        if (!prev || prev.count !== s.count || prev.timer !== s.timer) {
          const lbl = `#${s.count}`;
          const w = textWidth(lbl, 11);
          const row = counts.place(x - 1, x + w + 2);
          if (row >= 0) out.push(text(x + 2, Y(s.remaining_s) - 4 - row * 12, lbl, { size: 11, color, weight: 'bold' }));
        }
        const printed = source === 'netstat' ? `${s.timer} (${s.remaining_s.toFixed(2)}/${s.retrans ?? 0}/${s.probes ?? 0})` : `timer:(${s.timer},${s.remaining_s} s,${s.count})`;
        out.push(`<g><title>${esc(`${s.t.toFixed(3)} s  ${side} ${s.state} ${printed}`)}</title><circle cx="${r1(x)}" cy="${r1(Y(s.remaining_s))}" r="2.2" fill="${color}"/></g>`);
        prev = s;
      }
      return out;
    },
  };
}

function fmtTick(t: number): string {
  return t >= 100 ? `${Math.round(t)} s` : t >= 1 ? `${Number(t.toFixed(1))} s` : `${Math.round(t * 1000)} ms`;
}

function modelLane(ghosts: Ghost[], axis: TimeAxis): Lane {
  return {
    id: 'model',
    title: 'model only',
    subtitle: 'predicted events with\nno observation to judge',
    height: 70,
    draw(top) {
      return drawGhosts(ghosts, axis, top + 40, top + 60, top);
    },
  };
}

// ---------------------------------------------------------------- header, legend, table

function header(r: RunResult): string[] {
  const passed = r.expectations.filter((e) => e.ok).length;
  const verdict = r.verdict.toUpperCase();
  const color = r.verdict === 'pass' ? GREEN : r.verdict === 'fail' ? RED : '#9a6700';
  const name = `${r.experiment}${r.variant ? `:${r.variant}` : ''}${r.fast ? ' (fast)' : ''}`;
  const params = Object.entries(r.params ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('  ');
  const out = [
    text(16, 34, name, { size: 24, weight: 'bold' }),
    text(16 + textWidth(name, 24) + 24, 34, `${verdict} ${passed}/${r.expectations.length}`, { size: 22, weight: 'bold', color }),
    text(16, 58, `kernel ${r.kernel} · ${r.backend} · started ${r.started_at ?? '?'}`, { size: 14, color: DIM }),
    text(16, 78, `params: ${params || '(none)'}`, { size: 14, color: DIM, mono: true }),
    text(16, 98, `model times count from: ${r.prediction?.anchor ?? '?'}${r.anchor_s !== null ? ` (observed at t = ${fmtS(r.anchor_s)})` : ' (never observed)'}`, { size: 14, color: DIM }),
  ];
  if (r.reason) out.push(text(16, 118, r.reason, { size: 14, color: RED }));
  return out;
}

function legend(r: RunResult, top: number): string[] {
  const classes = [...new Set(r.events.filter((e): e is PacketEvent => e.kind === 'packet').map((e) => e.class))];
  const items: Array<[string, string]> = classes.map((c) => {
    const s = CLASS_STYLE[c];
    return [marker(s.shape, 0, 0, s.color), s.legend];
  });
  items.push([marker('diamond', 0, 0, GHOST, true), 'model prediction (ghost)']);
  items.push([`<rect x="-8" y="-8" width="16" height="16" fill="${GREEN}" fill-opacity="0.16" stroke="${GREEN}" stroke-opacity="0.5"/>`, 'allowed window, held']);
  items.push([`<rect x="-8" y="-8" width="16" height="16" fill="${RED}" fill-opacity="0.16" stroke="${RED}" stroke-opacity="0.5"/>`, 'allowed window, failed']);
  const out: string[] = [];
  let x = 24;
  let y = top + 16;
  for (const [m, label] of items) {
    const w = 26 + textWidth(label, 13) + 18;
    if (x + w > WIDTH - 16) {
      x = 24;
      y += 24;
    }
    out.push(`<g transform="translate(${r1(x)} ${r1(y)})">${m}</g>`, text(x + 16, y + 5, label, { size: 13 }));
    x += w;
  }
  return out;
}

function legendHeight(r: RunResult): number {
  const classes = new Set(r.events.filter((e) => e.kind === 'packet').map((e) => (e as PacketEvent).class)).size;
  return 24 + 24 * Math.floor((classes + 3) / 6);
}

function table(r: RunResult, top: number): { svg: string[]; height: number } {
  const out: string[] = [text(16, top + 22, 'expectations', { size: 16, weight: 'bold' })];
  const cols = [16, 44, 440, 600, 740, 880, 1000];
  const head = ['', 'expectation', 'model: after anchor', 'expected at', 'observed at', 'error', 'allowed window / note'];
  head.forEach((h, i) => out.push(text(cols[i]!, top + 46, h, { size: 12, color: DIM, weight: 'bold' })));
  let y = top + 68;
  for (const e of r.expectations) {
    const color = e.ok ? GREEN : RED;
    out.push(`<rect x="8" y="${y - 15}" width="${WIDTH - 16}" height="21" fill="${color}" fill-opacity="0.07"/>`);
    out.push(text(cols[0]!, y, e.ok ? '✔' : '✘', { size: 15, color, weight: 'bold' }));
    out.push(text(cols[1]!, y, e.name.length > 52 ? `${e.name.slice(0, 51)}…` : e.name, { size: 13 }));
    if (e.expected !== undefined) {
      out.push(text(cols[3]!, y, `expected ${String(e.expected)}, observed ${String(e.observed ?? '–')}`, { size: 13, mono: true, color: e.ok ? INK : RED }));
    } else {
      if (e.at_s !== undefined) out.push(text(cols[2]!, y, fmtS(e.at_s), { size: 13, mono: true, color: DIM }));
      out.push(text(cols[3]!, y, e.expected_s === null ? '–' : fmtS(e.expected_s), { size: 13, mono: true }));
      out.push(text(cols[4]!, y, e.observed_s === null ? 'never' : fmtS(e.observed_s), { size: 13, mono: true, color: e.observed_s === null ? RED : INK }));
      if (e.error_s !== undefined) out.push(text(cols[5]!, y, fmtErr(e.error_s), { size: 13, mono: true, color, weight: 'bold' }));
      const win = e.window_s && e.expected_s !== null ? `${fmtErr(e.window_s[0] - e.expected_s)} … ${fmtErr(e.window_s[1] - e.expected_s)}` : '';
      const note = e.note && !e.ok ? `  ${e.note}` : '';
      const more = `${win}${note}`;
      const room = Math.floor((WIDTH - 12 - cols[6]!) / (12 * 0.6));
      out.push(text(cols[6]!, y, more.length > room ? `${more.slice(0, room - 1)}…` : more, { size: 12, color: e.ok ? DIM : RED }));
    }
    y += 22;
  }
  if (r.expectations.length === 0) {
    out.push(text(44, y, 'no expectations (the run was skipped or never got going)', { size: 13, color: DIM }));
    y += 22;
  }
  return { svg: out, height: y - top + 10 };
}

// ---------------------------------------------------------------- the picture

/** The whole run as a standalone SVG document. */
export function renderTimeline(result: RunResult): string {
  const r = result;
  const events = r.events ?? [];
  const end = timeEnd(r);
  const axis = timeAxis(end, X0, X1, keyTimes(r));
  const ghosts = ghostsFor(r);
  const calls = (side: 'client' | 'server') => events.filter((e): e is SyscallEvent => e.kind === 'syscall' && e.side === side);
  const timers = (side: 'client' | 'server') => events.filter((e): e is TimerEvent => e.kind === 'timer' && e.side === side);
  const fw = events.filter((e): e is FirewallEvent => e.kind === 'firewall');
  const marks = events.filter((e): e is MarkEvent => e.kind === 'mark');

  const lanes: Lane[] = [packetLane('c2s', r, axis, ghosts.get('c2s') ?? []), packetLane('s2c', r, axis, ghosts.get('s2c') ?? [])];
  for (const side of ['client', 'server'] as const) {
    const g = ghosts.get(`${side}-calls`) ?? [];
    if (calls(side).length || g.length) lanes.push(callsLane(side, calls(side), axis, g));
  }
  if (fw.length || marks.length) lanes.push(firewallLane(fw, marks, axis, end));
  for (const source of ['ss', 'netstat'] as const) {
    for (const side of ['client', 'server'] as const) {
      const samples = timers(side).filter((s) => (s.source ?? 'ss') === source);
      if (samples.some((s) => s.timer !== 'off')) lanes.push(timerLane(side, source, samples, axis));
    }
  }
  if (ghosts.get('model')?.length) lanes.push(modelLane(ghosts.get('model')!, axis));

  const headerH = r.reason ? 128 : 110;
  const legendTop = headerH;
  const lanesTop = legendTop + legendHeight(r) + 18;
  const shade: string[] = [];
  const body: string[] = [];
  let y = lanesTop;
  lanes.forEach((l, i) => {
    if (i % 2 === 1) shade.push(`<rect x="0" y="${y}" width="${WIDTH}" height="${l.height}" fill="#f6f8fa"/>`);
    body.push(...laneFrame(l, y), ...l.draw(y));
    y += l.height;
  });
  const lanesBottom = y;

  // Axis, grid, anchor.
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

  const tableTop = lanesBottom + 60;
  const t = table(r, tableTop);
  const height = Math.ceil(tableTop + t.height + 16);

  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT}>`,
    `<title>${esc(`${r.experiment}${r.variant ? `:${r.variant}` : ''} — ${r.verdict} — kernel ${r.kernel}`)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...header(r),
    ...legend(r, legendTop),
    ...shade,
    ...grid,
    ...body,
    ...axisOut,
    ...t.svg,
    '</svg>',
    '',
  ].join('\n');
}

/** Write timeline.svg into the run folder (result.runDir unless given); returns its path. */
export function writeTimeline(result: RunResult, runDir: string = result.runDir): string {
  const file = path.join(runDir, 'timeline.svg');
  fs.writeFileSync(file, renderTimeline(result));
  return file;
}
