// The bottom of the picture: every expectation, green or red, with expected, observed and error.
import type { RunResult } from '../result.ts';
import { fmtErr, fmtS } from './format.ts';
import { DIM, GREEN, INK, RED } from './style.ts';
import { text, WIDTH } from './svg.ts';

export function table(r: RunResult, top: number): { svg: string[]; height: number } {
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
