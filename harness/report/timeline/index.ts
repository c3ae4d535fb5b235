// timeline.svg: one run as a picture a person can read without zooming.
//
//   header       experiment, verdict, kernel, backend, params, anchor (header.ts)
//   legend       packet classes present, model ghost, window, ok / failed (header.ts)
//   lanes        client → server and server → client packets (packets.ts), with the
//                model's ghost marks just above them and each timing expectation's window
//                and error (predictions.ts); client and server calls, firewall and marks
//                (moments.ts); ss timer sawtooth per side with the probe / retransmit
//                counter (ss-countdown.ts); model-only events (predictions.ts)
//   axis         linear, or log-like for long runs (axis.ts)
//   table        every expectation, green or red, with expected, observed and error (table.ts)
//
// Each layer is its own module, so another picture (a diff of two runs) can compose them.
// Standalone: no scripts, no external fonts or images; tooltips via <title>.
import fs from 'node:fs';
import path from 'node:path';
import type { FirewallEvent, MarkEvent, SyscallEvent, TimerEvent } from '../../events.ts';
import type { RunResult } from '../result.ts';
import { drawAxis, keyTimes, type TimeAxis, timeAxis, timeEnd } from './axis.ts';
import { header, headerHeight, legend, legendHeight } from './header.ts';
import { type Lane, laneFrame } from './lane.ts';
import { callsLane, firewallLane } from './moments.ts';
import { packetLane } from './packets.ts';
import { ghostsFor, modelLane } from './predictions.ts';
import { timerLane } from './ss-countdown.ts';
import { esc, FONT, WIDTH, X0, X1 } from './svg.ts';
import { table } from './table.ts';

/**
 * One run's lanes on a given axis, top to bottom. The diff picture (harness/diff/svg.ts)
 * stacks two runs' lanes and leaves out the ss countdowns and the model lane.
 */
export function runLanes(r: RunResult, axis: TimeAxis, o: { countdowns: boolean; model: boolean } = { countdowns: true, model: true }): Lane[] {
  const events = r.events ?? [];
  const end = timeEnd(r);
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
  for (const source of o.countdowns ? (['ss', 'netstat'] as const) : []) {
    for (const side of ['client', 'server'] as const) {
      const samples = timers(side).filter((s) => (s.source ?? 'ss') === source);
      if (samples.some((s) => s.timer !== 'off')) lanes.push(timerLane(side, source, samples, axis));
    }
  }
  if (o.model && ghosts.get('model')?.length) lanes.push(modelLane(ghosts.get('model')!, axis));
  return lanes;
}

/** The whole run as a standalone SVG document. */
export function renderTimeline(result: RunResult): string {
  const r = result;
  const end = timeEnd(r);
  const axis = timeAxis(end, X0, X1, keyTimes(r));
  const lanes = runLanes(r, axis);

  const legendTop = headerHeight(r);
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

  const drawn = drawAxis(r, axis, lanesTop, lanesBottom);

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
    ...drawn.grid,
    ...body,
    ...drawn.axis,
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
