// diff-vs-<a>.svg: run a's lanes above run b's on one time axis, each run's anchor at
// 0, and a connector from each differing event in a to its pair in b, labelled with
// the delta. The lanes are timeline.svg's own layers (report/timeline/); each run
// draws through the shared axis shifted by its anchor, so no layer needs changing.
import fs from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../report/result.ts';
import { drawAxis, keyTimes, timeAxis, timeEnd, type TimeAxis } from '../report/timeline/axis.ts';
import { type Lane, laneFrame } from '../report/timeline/lane.ts';
import { runLanes } from '../report/timeline/index.ts';
import { DIM, RED } from '../report/timeline/style.ts';
import { esc, FONT, line, text, WIDTH, X0, X1 } from '../report/timeline/svg.ts';
import type { DiffDoc } from './index.ts';

const anchorOf = (r: RunResult) => r.anchor_s ?? 0;

/** The shared axis, read in one run's scenario time. */
const shifted = (axis: TimeAxis, r: RunResult): TimeAxis => ({ ...axis, x: (t) => axis.x(t - anchorOf(r)) });

/** timeline.svg's lanes of one run (without its ss countdowns and model lane), titled with its tag. */
function taggedLanes(tag: string, r: RunResult, axis: TimeAxis): Lane[] {
  return runLanes(r, axis, { countdowns: false, model: false }).map((l) => ({ ...l, id: `${tag}-${l.id}`, title: `${tag}: ${l.title}` }));
}

export function renderDiff(doc: DiffDoc, a: RunResult, b: RunResult): string {
  const end = Math.max(timeEnd(a) - anchorOf(a), timeEnd(b) - anchorOf(b));
  const keys = [...keyTimes(a).map((t) => t - anchorOf(a)), ...keyTimes(b).map((t) => t - anchorOf(b))];
  const axis = timeAxis(end, X0, X1, keys);
  const top = 70;
  const body: string[] = [];
  let y = top;
  const blocks: Record<'a' | 'b', { top: number; bottom: number }> = { a: { top: 0, bottom: 0 }, b: { top: 0, bottom: 0 } };
  for (const [tag, r] of [['a', a], ['b', b]] as const) {
    blocks[tag].top = y;
    for (const l of taggedLanes(tag, r, shifted(axis, r))) {
      body.push(...laneFrame(l, y), ...l.draw(y));
      y += l.height;
    }
    blocks[tag].bottom = y;
    if (tag === 'a') y += 40; // room for the connectors' labels
  }
  const connectors: string[] = [];
  for (const row of doc.rows.filter((x) => x.differs && x.a_s !== null && x.b_s !== null)) {
    const xa = axis.x(row.a_s!);
    const xb = axis.x(row.b_s!);
    connectors.push(
      `<g class="connector"><title>${esc(`${row.name}: ${row.reason ?? ''}`)}</title>`,
      line(xa, blocks.a.top, xa, blocks.a.bottom, RED, 1, '2 3'),
      line(xa, blocks.a.bottom, xb, blocks.b.top, RED, 1.4),
      line(xb, blocks.b.top, xb, blocks.b.bottom, RED, 1, '2 3'),
      text((xa + xb) / 2 + 4, blocks.a.bottom + 24, `${row.delta_s! >= 0 ? '+' : '−'}${Math.abs(row.delta_s!).toFixed(3)} s`, { size: 12, color: RED }),
      '</g>',
    );
  }
  // The anchor line is 0 on the shared axis: drawAxis reads it from the run it is given.
  const drawn = drawAxis({ ...a, anchor_s: 0 }, axis, top, y);
  const height = Math.ceil(y + 60);
  const title = `diff: a ${doc.a.experiment} (${doc.a.kernel}) vs b ${doc.b.experiment} (${doc.b.kernel}) — ${doc.changes.join(', ') || 'same params'}`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT}>`,
    `<title>${esc(title)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(16, 28, title, { size: 16, weight: 'bold' }),
    text(16, 50, 'time since each run\'s anchor; a above, b below; red: an event that moved by more than its windows allow', { size: 12, color: DIM }),
    ...drawn.grid,
    ...body,
    ...connectors,
    ...drawn.axis,
    '</svg>',
    '',
  ].join('\n');
}

/** Write the picture (default <run-b>/diff-vs-<basename of a>.svg); returns its path. */
export function writeDiffSvg(doc: DiffDoc, a: RunResult, b: RunResult, dirA: string, dirB: string, out?: string): string {
  const file = out ?? path.join(dirB, `diff-vs-${path.basename(path.resolve(dirA))}.svg`);
  fs.writeFileSync(file, renderDiff(doc, a, b));
  return file;
}
