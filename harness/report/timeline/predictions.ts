// The model's layer: each predicted event as a ghost mark with its window, joined to
// the observation its expectation matched, with the error; and the lane for predicted
// events that have no observation to judge.
import type { PacketClass, TimelineEvent } from '../../events.ts';
import type { PredictedEvent } from '../../model/schedule.ts';
import type { Expectation } from '../../verdict/judge.ts';
import type { Matcher } from '../../verdict/match.ts';
import type { RunResult } from '../result.ts';
import type { TimeAxis } from './axis.ts';
import { fmtErr, fmtS, shortLabel } from './format.ts';
import type { Lane } from './lane.ts';
import { CLASS_STYLE, DIM, GHOST, GREEN, RED } from './style.ts';
import { esc, LabelRows, line, marker, r1, type Shape, text, textWidth } from './svg.ts';

export interface Ghost {
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

export type LaneId = 'c2s' | 's2c' | 'client-calls' | 'server-calls' | 'model';

/**
 * The event an expectation matched (result.json `matched`, an index into its events).
 * None when it observed nothing, and in a result.json written before matches were
 * recorded (see unmatchedResult).
 */
export function matchedEvent(e: Expectation, events: readonly TimelineEvent[]): TimelineEvent | undefined {
  const seen = e.matched ? events[e.matched.index] : undefined;
  return seen && seen.t === e.matched!.t ? seen : undefined;
}

/** A result.json from before the judge recorded what each expectation matched. */
export function unmatchedResult(r: RunResult): boolean {
  return r.expectations.some((e) => e.predicted !== undefined && e.observed_s !== null && !e.matched);
}

/** Where an expectation is drawn: by what it matched or, never observed, by what it looked for. */
interface Place {
  lane: LaneId;
  kind?: 'packet' | 'syscall' | 'timer';
  class?: PacketClass;
}

function placeOf(seen: TimelineEvent | undefined, m: Matcher | undefined): Place {
  const calls = (side: 'client' | 'server' | undefined): LaneId => (side ? `${side}-calls` : 'model');
  if (seen?.kind === 'packet') return { lane: seen.dir, kind: 'packet', class: seen.class };
  if (seen?.kind === 'syscall' || seen?.kind === 'timer') return { lane: calls(seen.side), kind: seen.kind };
  if (m?.kind === 'packet') return { lane: m.dir ?? 'model', ...(m.class ? { class: m.class } : {}) };
  if (m) return { lane: calls(m.side) };
  return { lane: 'model' };
}

export function ghostsFor(r: RunResult): Map<LaneId, Ghost[]> {
  const out = new Map<LaneId, Ghost[]>();
  const add = (lane: LaneId, g: Ghost) => out.set(lane, [...(out.get(lane) ?? []), g]);
  const anchor = r.anchor_s ?? 0;
  const predicted = r.prediction?.events ?? [];
  const covered = new Set<string>();
  for (const e of r.expectations) {
    if (!e.predicted || e.expected_s === null) continue;
    const p = predicted.find((x) => x.id === e.predicted);
    const place = placeOf(matchedEvent(e, r.events), e.matcher);
    const style = place.class ? CLASS_STYLE[place.class] : undefined;
    covered.add(e.predicted);
    add(place.lane, {
      t: e.expected_s,
      ...(e.window_s ? { window: e.window_s } : {}),
      shape: place.kind === 'syscall' ? 'ring' : (style?.shape ?? 'ring'),
      color: style?.color ?? GHOST,
      label: p?.label ?? e.name,
      expectation: e,
      ...(p ? { event: p } : {}),
      ...(place.kind ? { observedKind: place.kind } : {}),
    });
  }
  // Predicted events no expectation judges: the model's alone.
  for (const p of predicted) {
    if (covered.has(p.id)) continue;
    add('model', {
      t: anchor + p.at_s,
      window: [anchor + p.at_s - p.early_s, anchor + p.at_s + p.late_s],
      shape: 'ring',
      color: GHOST,
      label: p.label,
      event: p,
    });
  }
  return out;
}

/** Where a lane puts each timing expectation's error: under the observed mark, or beside its connector. */
export type ErrorPlace = 'below' | 'beside';

export function drawGhosts(ghosts: Ghost[], axis: TimeAxis, ghostY: number, obsY: number, top: number, errors: ErrorPlace = 'below'): string[] {
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

export function modelLane(ghosts: Ghost[], axis: TimeAxis): Lane {
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
