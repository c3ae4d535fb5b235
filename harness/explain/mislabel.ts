// The ss TIME that says "ms" but means seconds.
//
// iproute2's print_ms_timer() (misc/ss.c) prints the seconds, a '.', and then the
// milliseconds as "%03dms": 1 s 999 ms comes out as '1.999ms'. Every iproute2 up to
// 6.x does it (6.1 in Debian 12, 4.3 in the notes' Ubuntu 16.04); a 2024 patch prints
// '1.999sec'. observe/ss-duration.ts reads it as seconds and flags it.

export function mislabelWarning(timeText: string, seconds: number): string {
  const s = Number(seconds.toFixed(3));
  return (
    `'${timeText}' means ${s} seconds, not ${s} milliseconds: ss (iproute2 up to 6.x) prints a time between 1 and 60 s ` +
    `as seconds, a dot and three digits of milliseconds, and puts the 'ms' of the millisecond part at the end. ` +
    `Newer iproute2 prints '${timeText.replace(/ms$/, 'sec')}'.`
  );
}

/** ss drops the milliseconds once it prints minutes, and the seconds too from 10 minutes on. */
export function coarseWarning(timeText: string): string | undefined {
  if (!/min/.test(timeText)) return undefined;
  const m = /^(\d+)min/.exec(timeText);
  return m && Number(m[1]) >= 10
    ? `'${timeText}' is rounded down to whole minutes: ss prints no seconds from 10 minutes on.`
    : `'${timeText}' is rounded down to whole seconds: ss prints no milliseconds once it prints minutes.`;
}
