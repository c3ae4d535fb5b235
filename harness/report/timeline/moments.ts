// Moments the scenario made: each side's syscalls with their results (under the ghosts
// of the expectations they answer), and the firewall rules and marks.
import type { FirewallEvent, MarkEvent, SyscallEvent } from '../../events.ts';
import type { TimeAxis } from './axis.ts';
import { fmtS } from './format.ts';
import type { Lane } from './lane.ts';
import { drawGhosts, type Ghost } from './predictions.ts';
import { DIM, RED } from './style.ts';
import { esc, LabelRows, line, r1, text, textWidth, WIDTH, X0, X1 } from './svg.ts';

export function callsLane(side: 'client' | 'server', calls: SyscallEvent[], axis: TimeAxis, ghosts: Ghost[]): Lane {
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

export function firewallLane(fw: FirewallEvent[], marks: MarkEvent[], axis: TimeAxis, end: number): Lane {
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
