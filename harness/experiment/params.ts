// Experiment parameters: declared once with a unit, a default (the notes' value)
// and a range; resolved as defaults ← fast form ← variant ← --set, so an
// explicit --set always wins (even over --fast).
import { z } from 'zod';
import { UsageError } from '../errors.ts';

export type ParamUnit = 's' | 'ms' | 'count' | 'bytes' | 'bool';

export interface ParamSpec {
  unit: ParamUnit;
  default: number;
  doc: string;
  schema: z.ZodType<number>;
}

export type ParamSpecs = Record<string, ParamSpec>;
export type ParamValues<P extends ParamSpecs> = { [K in keyof P]: number };

function spec(unit: ParamUnit, dflt: number, doc: string, schema: z.ZodType<number>): ParamSpec {
  return { unit, default: dflt, doc, schema };
}

const int = (min: number, max: number) => z.number().int('must be a whole number').min(min).max(max);

export const param = {
  seconds: (dflt: number, doc: string, { min = 0, max = 86_400 } = {}) => spec('s', dflt, doc, int(min, max)),
  ms: (dflt: number, doc: string, { min = 0, max = 86_400_000 } = {}) => spec('ms', dflt, doc, int(min, max)),
  count: (dflt: number, doc: string, { min = 0, max = 255 } = {}) => spec('count', dflt, doc, int(min, max)),
  bytes: (dflt: number, doc: string, { min = 0, max = 1 << 30 } = {}) => spec('bytes', dflt, doc, int(min, max)),
  flag: (dflt: boolean, doc: string) => spec('bool', dflt ? 1 : 0, doc, int(0, 1)),
};

export function defaults<P extends ParamSpecs>(specs: P): ParamValues<P> {
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default])) as ParamValues<P>;
}

/** Parse `--set name=value` strings into checked values for these specs. */
export function parseSets(specs: ParamSpecs, sets: readonly string[], experiment: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const raw of sets) {
    const eq = raw.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`--set '${raw}' is not name=value`, `write it like --set ${Object.keys(specs)[0] ?? 'name'}=5`);
    }
    const name = raw.slice(0, eq).trim();
    const text = raw.slice(eq + 1).trim();
    const s = specs[name];
    if (!s) {
      const known = Object.keys(specs).join(', ') || '(none)';
      throw new UsageError(`${experiment} has no parameter '${name}'`, `its parameters are: ${known} (see --describe ${experiment})`);
    }
    out[name] = checkValue(name, s, text);
  }
  return out;
}

function checkValue(name: string, s: ParamSpec, text: string): number {
  const asNumber = s.unit === 'bool' ? boolText(text) : text === '' ? NaN : Number(text);
  const parsed = s.schema.safeParse(asNumber);
  if (!parsed.success || Number.isNaN(asNumber)) {
    const why = Number.isNaN(asNumber) ? `'${text}' is not a number` : parsed.error?.issues.map((i) => i.message).join('; ');
    throw new UsageError(`--set ${name}=${text}: ${why}`, `${name} is ${describeUnit(s)}: ${s.doc}`);
  }
  return parsed.data;
}

function boolText(text: string): number {
  if (/^(1|true|on|yes)$/i.test(text)) return 1;
  if (/^(0|false|off|no)$/i.test(text)) return 0;
  return NaN;
}

export function describeUnit(s: ParamSpec): string {
  return { s: 'whole seconds', ms: 'milliseconds', count: 'a count', bytes: 'bytes', bool: 'on/off (1/0)' }[s.unit];
}
