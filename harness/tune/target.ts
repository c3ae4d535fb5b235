// `--detect-within <duration>`: how soon a dead peer must be noticed.
// A number with a unit (ms, s, min), nothing else: a bare "30" is refused, since
// seconds and milliseconds are both plausible and a wrong guess is a 1000x error.
import { UsageError } from '../errors.ts';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|min)$/;
const SECONDS_PER = { ms: 0.001, s: 1, min: 60 } as const;
const HINT = 'give a positive number with a unit: 500ms, 30s or 2min (e.g. --detect-within 30s)';

/** The target in seconds; UsageError (exit 2) for anything but `<positive number><ms|s|min>`. */
export function parseDetectWithin(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) {
    const why = /^-/.test(text.trim()) ? 'a duration cannot be negative' : /^\d+(\.\d+)?$/.test(text.trim()) ? 'no unit' : 'not a duration';
    throw new UsageError(`--detect-within ${text}: ${why}`, HINT);
  }
  // Whole milliseconds: TCP_USER_TIMEOUT, the finest setting, is in ms.
  const s = Math.round(Number(m[1]) * SECONDS_PER[m[2] as keyof typeof SECONDS_PER] * 1000) / 1000;
  if (!(s > 0)) throw new UsageError(`--detect-within ${text}: must be more than 0`, HINT);
  return s;
}

export const WHILE_CHOICES = ['idle', 'sending', 'both'] as const;
export type While = (typeof WHILE_CHOICES)[number];
