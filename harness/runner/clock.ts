// One clock for everything the runner records. pcap timestamps are the kernel's
// CLOCK_REALTIME in µs, so runner events use wall-clock µs too (timeOrigin +
// now() is µs-precise, unlike Date.now()) and both land on the same axis.
import { performance } from 'node:perf_hooks';

export function wallClockSeconds(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

export class ScenarioClock {
  /** Epoch seconds at scenario start; every event's `t` is measured from here. */
  readonly t0 = wallClockSeconds();

  now(): number {
    return wallClockSeconds() - this.t0;
  }

  sleep(seconds: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds * 1000)));
  }

  /** Resolve at scenario time `t` (a scripted moment). */
  at(t: number): Promise<void> {
    return this.sleep(t - this.now());
  }
}
