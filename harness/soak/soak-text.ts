// The soak's report for a person: one line per observation class, worst margin first.
import type { SoakDoc } from './run-soak.ts';

const ms = (x: number) => `${x.toFixed(1)}`;

export function formatSoak(d: SoakDoc): string {
  const lines = [
    `# tcplab soak — ${d.started_at}`,
    '',
    `${d.passes} passes of ${d.forms} ${d.fast ? 'fast ' : ''}forms on ${d.backend}, --parallel ${d.parallel}, in ${(d.wall_s / 60).toFixed(1)} min: ` +
      `${d.clean_passes} clean, longest clean streak ${d.longest_clean_streak}.`,
    '',
    'observed − expected per class, in ms; margin = room left to the nearer window edge (negative: outside).',
    '',
    '| class | n | failed | min | median | p99 | p99.9 | max | worst margin | where |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...d.classes.map(
      (c) =>
        `| ${c.class} | ${c.n} | ${c.failed} | ${ms(c.error_ms.min)} | ${ms(c.error_ms.p50)} | ${ms(c.error_ms.p99)} | ${ms(c.error_ms.p999)} | ${ms(c.error_ms.max)} | ${ms(c.worst_margin_ms)} | ${c.worst.form}: ${c.worst.name} |`,
    ),
  ];
  if (d.failures.length) {
    lines.push('', '## Failures', '');
    for (const f of d.failures) lines.push(`- pass ${f.pass}, ${f.form} (${f.verdict})${f.runDir ? ` — ${f.runDir}` : ''}`, ...f.what.map((w) => `  - ${w}`));
  }
  return lines.join('\n');
}
