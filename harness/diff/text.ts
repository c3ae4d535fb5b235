// The diff document as text: who was compared, what differs between them, and a
// table of the paired events; events seen in one run only are called out below it.
import type { DiffDoc } from './index.ts';

const runLine = (tag: string, r: DiffDoc['a']) =>
  `${tag}: ${r.experiment}${r.variant ? `:${r.variant}` : ''} on ${r.kernel} (${r.backend}${r.hz ? `, HZ ${r.hz}` : ''}), ${r.verdict}`;

const secs = (s: number | null) => (s === null ? '—' : `${s.toFixed(3)} s`);
const signed = (s: number | null) => (s === null ? '—' : `${s >= 0 ? '+' : '−'}${Math.abs(s).toFixed(3)} s`);

export function formatDiff(doc: DiffDoc): string {
  const lines = [runLine('a', doc.a), runLine('b', doc.b), `differs in: ${doc.changes.length ? doc.changes.join(', ') : 'nothing given (same params, kernel and HZ)'}`, ''];
  const paired = doc.rows.filter((r) => r.only_in === null);
  const table = [['event', 'a', 'b', 'delta', 'reason'], ...paired.map((r) => [r.name, secs(r.a_s), secs(r.b_s), signed(r.delta_s), r.differs ? (r.reason ?? '') : r.delta_s === null ? 'not timed' : 'same within the windows'])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) lines.push(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
  for (const r of doc.rows.filter((x) => x.only_in !== null)) lines.push(`only in ${r.only_in}: ${r.name} (${secs(r.only_in === 'a' ? r.a_s : r.b_s)})`);
  return lines.join('\n');
}
