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
    const text = raw.slice(eq + 1); // not trimmed: ' 10' is not a plain number
    const s = specs[name];
    if (!s) {
      const known = Object.keys(specs).join(', ') || '(none)';
      throw new UsageError(`${experiment} has no parameter '${name}'`, `its parameters are: ${known} (see --describe ${experiment})`);
    }
    out[name] = checkValue(name, s, text);
  }
  return out;
}

// A value is plain decimal digits, nothing else: Number() would also take '1e1',
// '0x10', ' 10' and '0b1'. Every unit is whole (no parameter takes fractions), so a
// sign is read only to say "must be at least …" instead of "not a number".
export const DECIMAL_INTEGER = /^-?\d+$/;
const DECIMAL_FRACTION = /^-?\d+\.\d+$/;

function checkValue(name: string, s: ParamSpec, text: string): number {
  const fail = (why: string): never => {
    throw new UsageError(`--set ${name}=${text}: ${why}`, `${name} is ${describeUnit(s)}: ${s.doc}`);
  };
  let value: number;
  if (s.unit === 'bool') {
    value = boolText(text);
    if (Number.isNaN(value)) fail(`'${text}' is not on or off (1/0, true/false, on/off, yes/no)`);
  } else if (DECIMAL_INTEGER.test(text)) {
    value = Number(text) + 0; // + 0: '-0' is 0
  } else if (DECIMAL_FRACTION.test(text)) {
    return fail(`${name} must be ${wholeUnit(s.unit)}`);
  } else {
    return fail(`'${text}' is not a number in plain decimal digits (like ${name}=${s.default})`);
  }
  const parsed = s.schema.safeParse(value);
  if (!parsed.success) fail(parsed.error.issues.map((i) => issueText(name, s.unit, i)).join('; '));
  return value;
}

/** zod's issue in the project's words: "keepidle must be at least 1 s". */
function issueText(name: string, unit: ParamUnit, issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small') return `${name} must be ${issue.inclusive ? 'at least' : 'more than'} ${amount(Number(issue.minimum), unit)}`;
  if (issue.code === 'too_big') return `${name} must be ${issue.inclusive ? 'at most' : 'less than'} ${amount(Number(issue.maximum), unit)}`;
  if (issue.code === 'invalid_type' && issue.expected === 'int') return `${name} must be ${wholeUnit(unit)}`;
  return `${name}: ${issue.message}`;
}

function amount(n: number, unit: ParamUnit): string {
  if (unit === 's' || unit === 'ms') return `${n} ${unit}`;
  if (unit === 'bytes') return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  return String(n);
}

function wholeUnit(unit: ParamUnit): string {
  return { s: 'whole seconds', ms: 'whole milliseconds', count: 'a whole number', bytes: 'a whole number of bytes', bool: '1 or 0' }[unit];
}

function boolText(text: string): number {
  if (/^(1|true|on|yes)$/i.test(text)) return 1;
  if (/^(0|false|off|no)$/i.test(text)) return 0;
  return NaN;
}

export function describeUnit(s: ParamSpec): string {
  return { s: 'whole seconds', ms: 'milliseconds', count: 'a count', bytes: 'bytes', bool: 'on/off (1/0)' }[s.unit];
}
