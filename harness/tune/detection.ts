// When the application learns that the peer is dead, as the model's schedule says:
// the 'abort' event, widened by the timer-wheel lateness of every timer in its chain
// (each armed when the one before fired, so lateness adds up) and by the wakeup lag
// before read() returns the error. The windows are the verdict's own (verdict/
// tolerance.ts windowFor), so a setting tune calls safe is one a run would pass with.
import { eventById, type PredictedEvent, type Schedule } from '../model/schedule.ts';
import { APP_WAKEUP, windowFor } from '../verdict/tolerance.ts';

export interface Detection {
  /** The abort's nominal time from the anchor (the sum of the armed delays). */
  nominal_s: number;
  /** The earliest it may come: an earlier firing may cross the bound (earliest_at_s), each timer a jiffy early. */
  earliest_s: number;
  /** The latest the application may see it: every granule of the chain, plus APP_WAKEUP. */
  latest_s: number;
  /** latest_s - nominal_s: the margin the recommendation leaves for the timer wheel. */
  lateness_s: number;
}

export function detectionOf(schedule: Schedule): Detection {
  const abort = eventById(schedule, 'abort');
  let early = 0;
  let late = APP_WAKEUP.s;
  for (let e: PredictedEvent | undefined = abort; e; e = e.after === null ? undefined : eventById(schedule, e.after)) {
    const w = windowFor(e);
    early += w.early_s;
    late += w.late_s;
  }
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    nominal_s: r(abort.at_s),
    earliest_s: r(Math.max(0, (abort.earliest_at_s ?? abort.at_s) - early)),
    latest_s: r(abort.at_s + late),
    lateness_s: r(late),
  };
}
