// The TIME inside `ss -o`'s timer:(NAME,TIME,COUNT).
//
// iproute2's print_ms_timer() (misc/ss.c) builds it from whole milliseconds:
//   minutes  -> "%dmin", and then milliseconds are dropped (and seconds too from 10 min on)
//   seconds  -> "%d" + ("sec" if no milliseconds follow, else ".")
//   millis   -> "%03dms"
// So it prints '' (0), '044ms', '58sec', '2min3sec', '11min' — and, for 1..9 s with
// milliseconds, '1.840ms', which means 1.840 SECONDS: the unit belongs to the
// millisecond part, but the number reads as seconds. iproute2 6.1 (Debian 12)
// prints that; a 2024 patch makes it '1.840sec'. Both mean 1.840 s here, and the
// mislabelled form is flagged so a report can say so. ss never prints hours;
// '1h2min' is accepted anyway in case a later version does.

import { TimerTextError } from './timer-text-error.ts';

export interface SsDuration {
  seconds: number;
  /** True for iproute2 ≤ 6.x's 'S.MMMms', which means S.MMM seconds. */
  mislabelled: boolean;
}

const WHOLE = /^(?:(\d+)h)?(?:(\d+)min)?(?:(\d+)sec)?(?:(\d+)ms)?$/;
const DECIMAL = /^(?:(\d+)h)?(?:(\d+)min)?(\d+)\.(\d{3})(ms|sec)$/;
const HINT = "expected iproute2's forms: '', '044ms', '1.840ms', '1.840sec', '58sec', '2min3sec', '11min'";

export function readSsDuration(text: string): SsDuration {
  const whole = WHOLE.exec(text);
  if (whole) {
    const [, h = '0', min = '0', sec = '0', ms = '0'] = whole;
    return { seconds: toSeconds(h, min, sec, ms), mislabelled: false };
  }
  const decimal = DECIMAL.exec(text);
  if (decimal) {
    const [, h = '0', min = '0', sec = '0', ms = '0', unit] = decimal;
    return { seconds: toSeconds(h, min, sec, ms), mislabelled: unit === 'ms' };
  }
  throw new TimerTextError(text, 'not an ss timer duration', HINT);
}

/** Seconds in an ss timer duration; see readSsDuration for the forms. */
export function parseSsDuration(text: string): number {
  return readSsDuration(text).seconds;
}

// Sum in whole milliseconds and divide once, so '2.986ms' gives exactly 2.986.
function toSeconds(h: string, min: string, sec: string, ms: string): number {
  return (((Number(h) * 60 + Number(min)) * 60 + Number(sec)) * 1000 + Number(ms)) / 1000;
}
