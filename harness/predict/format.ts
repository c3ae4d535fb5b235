// `predict` as a person reads it: every event time, the end, and the other kernels.
import { describeUnit } from '../experiment/params.ts';
import type { Schedule } from '../model/schedule.ts';
import { FAMILIES, FAMILY_DEFS } from './families.ts';
import type { KernelComparison } from './compare.ts';
import type { Prediction } from './predict.ts';

/** 0.2 → '0.2 s', 924.8 → '924.8 s (15 min 24.8 s)'. */
export function formatTime(s: number): string {
  const main = `${Number(s.toFixed(s < 10 ? 3 : 1))} s`;
  if (s < 120) return main;
  const min = Math.floor(s / 60);
  const rest = Number((s - min * 60).toFixed(1));
  return `${main} (${min} min${rest ? ` ${rest} s` : ''})`;
}

function ms(s: number): string {
  const v = s * 1000;
  return v >= 1000 ? `${Number((v / 1000).toFixed(3))} s` : `${Number(v.toFixed(1))} ms`;
}

function scheduleRows(s: Schedule, endId: string | undefined): string[] {
  const rows = s.events.map((e) => {
    const at = formatTime(e.at_s);
    const gap = e.after === null ? 'from the anchor' : `+${ms(e.delay_s)}`;
    const win = e.early_s === 0 && e.late_s === 0 ? '—' : `−${ms(e.early_s)} / +${ms(e.late_s)}`;
    const end = e.id === endId ? '   ← end' : '';
    return [at, gap, win, `${e.label}${end}`];
  });
  const head = ['at', 'after previous', 'timer window', 'event'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `    ${r[0]!.padStart(widths[0]!)}   ${r[1]!.padEnd(widths[1]!)}   ${r[2]!.padEnd(widths[2]!)}   ${r[3]}`.trimEnd();
  return [line(head), ...rows.map(line)];
}

function briefSchedule(s: Schedule): string {
  const end = s.events.at(-1);
  if (!end) return 'no events';
  const before = s.events.slice(0, -1).map((e) => Number(e.at_s.toFixed(3)));
  const list = before.length ? `events at ${before.join(', ')} s; ` : '';
  const error = s.error && !end.label.includes(s.error) ? ` (${s.error})` : '';
  return `${list}${end.label} at ${formatTime(end.at_s)}${error}`;
}

/** One kernel's lines, its release padded to `width` (the longest release compared, and a gap). */
function kernelLines(k: KernelComparison, width: number): string[] {
  const name = k.kernel.padEnd(width);
  const under = ''.padEnd(width);
  if (k.current) return [`    ${name}this kernel`];
  if (k.same) return [`    ${name}same schedule`];
  const lines = [`    ${name}differs: ${briefSchedule(k.schedule)}`];
  for (const d of k.differences) {
    lines.push(`    ${under}because: ${d.change} [${d.commit}] is ${d.there ? 'present' : 'absent'} there, ${d.here ? 'present' : 'absent'} here`);
  }
  if (k.differences.length === 0) lines.push(`    ${under}(no single entry of the kernel-facts table explains it)`);
  return lines;
}

export function formatPrediction(p: Prediction): string {
  const settings = Object.entries(p.params)
    .map(([k, v]) => `${k}=${v}${k in p.set ? '*' : ''}`)
    .join(' ');
  const out = [
    `predict ${p.family} on kernel ${p.kernel} (HZ=${p.hz})`,
    `  ${p.title}`,
    `  settings: ${settings}${Object.keys(p.set).length ? '   (* = --set)' : ''}`,
    `  times from: ${p.schedule.anchor}`,
    '',
    ...scheduleRows(p.schedule, p.end?.id),
    '',
  ];
  if (p.end) {
    out.push(`  end: ${p.end.label} at ${formatTime(p.end.at_s)}${p.schedule.error ? ` → the application sees ${p.schedule.error}` : ''}`);
    if (p.end.earliest_at_s !== undefined) {
      out.push(`       (timer lateness may bring it forward to the firing at ${formatTime(p.end.earliest_at_s)})`);
    }
  } else {
    const last = p.schedule.events.at(-1);
    out.push(last ? `  the socket does not die in this schedule; last event: ${last.label} at ${formatTime(last.at_s)}` : '  no events predicted');
  }
  for (const e of p.extras) out.push(`  ${e}`);
  if (p.schedule.notes.length) {
    out.push('', '  model notes:', ...p.schedule.notes.map((n) => `    - ${n}`));
  }
  const width = Math.max(16, ...p.kernels.map((k) => k.kernel.length + 2));
  out.push('', '  on other kernels:', ...p.kernels.flatMap((k) => kernelLines(k, width)));
  return out.join('\n');
}

/** Every family and its --set names, for `predict --help`. */
export function formatFamilies(): string {
  const out = ['Families and their --set names (default in brackets):'];
  for (const f of FAMILIES) {
    const def = FAMILY_DEFS[f];
    out.push('', `  ${f}: ${def.title}`);
    for (const [name, spec] of Object.entries(def.params)) {
      out.push(`    ${name.padEnd(24)} ${describeUnit(spec)} [${spec.default}]  ${spec.doc}`);
    }
  }
  return out.join('\n');
}
