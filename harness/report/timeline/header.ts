// The top of the picture: what ran and its verdict, then the legend.
import type { PacketEvent } from '../../events.ts';
import type { RunResult } from '../result.ts';
import { fmtS } from './format.ts';
import { CLASS_STYLE, DIM, GHOST, GREEN, RED } from './style.ts';
import { unmatchedResult } from './predictions.ts';
import { marker, r1, text, textWidth, WIDTH } from './svg.ts';

export function header(r: RunResult): string[] {
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
  headerNotes(r).forEach((n, i) => out.push(text(16, 118 + 18 * i, n.text, { size: 14, color: n.color })));
  return out;
}

/** Lines under the header: why the run failed or was skipped, and what an older result.json cannot show. */
function headerNotes(r: RunResult): Array<{ text: string; color: string }> {
  return [
    ...(r.reason ? [{ text: r.reason, color: RED }] : []),
    ...(unmatchedResult(r)
      ? [{ text: 'an older result.json, which does not say what each expectation matched: the model is drawn in its own lane (tcplab analyse <run folder> judges it again)', color: DIM }]
      : []),
  ];
}

export function headerHeight(r: RunResult): number {
  return 110 + 18 * headerNotes(r).length;
}

export function legend(r: RunResult, top: number): string[] {
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

export function legendHeight(r: RunResult): number {
  const classes = new Set(r.events.filter((e) => e.kind === 'packet').map((e) => (e as PacketEvent).class)).size;
  return 24 + 24 * Math.floor((classes + 3) / 6);
}
