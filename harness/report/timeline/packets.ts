// The packet lanes: one per direction, observed packets by class (bursts clustered,
// neighbours dodged), labelled like the model's event they matched, under the ghosts.
import type { PacketClass, PacketEvent, TimelineEvent } from '../../events.ts';
import type { RunResult } from '../result.ts';
import type { TimeAxis } from './axis.ts';
import { shortLabel } from './format.ts';
import type { Lane } from './lane.ts';
import { drawGhosts, type Ghost, matchedEvent } from './predictions.ts';
import { CLASS_STYLE, DIM } from './style.ts';
import { esc, LabelRows, line, marker, text, textWidth, X0, X1 } from './svg.ts';

export function packetLane(dir: 'c2s' | 's2c', r: RunResult, axis: TimeAxis, ghosts: Ghost[]): Lane {
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

/** Observed packets that a timing expectation matched: labelled like the model's event. */
export function matchedLabels(r: RunResult): Map<TimelineEvent, string> {
  const out = new Map<TimelineEvent, string>();
  for (const e of r.expectations) {
    const seen = matchedEvent(e, r.events);
    const p = r.prediction?.events.find((x) => x.id === e.predicted);
    if (seen?.kind === 'packet' && p) out.set(seen, shortLabel(p.label));
  }
  return out;
}

export function drawPackets(packets: PacketEvent[], axis: TimeAxis, y: number, top: number, matched: ReadonlyMap<TimelineEvent, string>): string[] {
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
    const lbl = matched.get(p) ?? (numbered ? `${style.short} ${n}` : style.short);
    const w = textWidth(lbl, 12);
    const row = labels.place(c.drawX - w / 2, c.drawX + w / 2);
    if (row >= 0) out.push(text(c.drawX, top + 128 + row * 15, lbl, { size: 12, color: style.color, anchor: 'middle', weight: 'bold' }));
  }
  return out;
}
