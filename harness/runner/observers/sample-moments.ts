// The moments the samplers should be dense around: each predicted event's nominal time
// and the span its timer-wheel lateness can push it to. Lateness adds up along a chain
// of timers (each armed when the previous one fired), so a 30 s keepalive timer that
// fires 2 s late drags every later probe along; sampling only near the nominal times
// would then miss the moments that matter (a socket disappearing, a counter changing).
import type { PredictedEvent } from '../../model/schedule.ts';

/** Extra moments per event, one per second of possible lateness, at most this many. */
const MAX_EXTRA = 30;

export function samplingMoments(events: readonly Pick<PredictedEvent, 'id' | 'at_s' | 'after' | 'late_s'>[]): number[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  const lateness = new Map<string, number>();
  const chainLate = (id: string | null, depth = 0): number => {
    if (id === null || depth > events.length) return 0;
    const known = lateness.get(id);
    if (known !== undefined) return known;
    const e = byId.get(id);
    const late = e ? e.late_s + chainLate(e.after, depth + 1) : 0;
    lateness.set(id, late);
    return late;
  };
  const moments: number[] = [];
  for (const e of events) {
    const late = chainLate(e.id);
    moments.push(e.at_s);
    const extra = Math.min(MAX_EXTRA, Math.floor(late));
    for (let k = 1; k <= extra; k++) moments.push(e.at_s + k);
    if (late > 0) moments.push(e.at_s + late);
  }
  return [...new Set(moments)].sort((a, b) => a - b);
}
