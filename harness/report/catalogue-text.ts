// `--list` and `--describe`: the catalogue as a person reads it.
import pc from 'picocolors';
import { catalogue, lookup } from '../../experiments/registry.ts';
import { defaults, describeUnit } from '../experiment/params.ts';
import { resolveParams } from '../experiment/resolve.ts';
import type { Schedule } from '../model/schedule.ts';

export function listExperiments(): string {
  const width = Math.max(...catalogue.map((e) => e.id.length)) + 2;
  const rows = catalogue.flatMap((e) => [
    `${pc.bold(e.id.padEnd(width))}${e.title}`,
    ...Object.entries(e.variants ?? {}).map(([name, v]) => pc.dim(`${' '.repeat(width)}:${name}  ${v.summary}`)),
  ]);
  return [...rows, '', pc.dim('run one: npm run exp <id>[:<variant>] [-- --fast] · details: npm run exp -- --describe <id>')].join('\n');
}

function scheduleText(s: Schedule): string {
  const events = s.events.map((e) => `${e.label} at ${e.at_s.toFixed(1)} s`).join(', ');
  return `${events}${s.error ? ` → ${s.error}` : ''} (from: ${s.anchor})`;
}

export function describeExperiment(id: string, kernel: string): string {
  const { def } = lookup(id);
  const dflt = defaults(def.params);
  const out = [
    `${pc.bold(def.id)}: ${def.title}`,
    '',
    `${pc.bold('setup')}       ${def.setup}`,
    `${pc.bold('notes (4.19)')} ${def.notesSaw}`,
    ...(def.why ? [`${pc.bold('why it matters')} ${def.why}`] : []),
    '',
    pc.bold('parameters (--set name=value)'),
    ...Object.entries(def.params).map(([k, s]) => `  ${k.padEnd(14)} ${String(dflt[k]).padStart(6)}  ${pc.dim(describeUnit(s))}  ${s.doc}`),
    `  ${pc.dim(`--fast: ${Object.entries(def.fast).map(([k, v]) => `${k}=${v}`).join(' ')}`)}`,
  ];
  const variants = Object.entries(def.variants ?? {});
  if (variants.length) {
    out.push('', pc.bold('variants'), ...variants.map(([n, v]) => `  ${def.id}:${n}  ${v.summary}`));
  }
  out.push('', pc.bold(`the model on this kernel (${kernel})`));
  for (const [label, variant, fast] of [
    ['default', undefined, false],
    ['--fast', undefined, true],
    ...variants.map(([n]) => [n, n, false] as const),
  ] as const) {
    try {
      out.push(`  ${label.padEnd(18)} ${scheduleText(def.predict(resolveParams(def, variant, [], fast), kernel))}`);
    } catch (err) {
      out.push(`  ${label.padEnd(18)} ${pc.red((err as Error).message)}`);
    }
  }
  return out.join('\n');
}
