// One clock for everything the runner records. pcap timestamps are the kernel's
// CLOCK_REALTIME (skb timestamps, ktime_get_real), so runner events read that very
// clock with clock_gettime(2) through koffi. performance.timeOrigin + now() is not
// good enough: Node fixes timeOrigin once at start-up, and on a loaded 2-core
// machine it was seen 12 ms off — a close() "returning" before the RST it sent.
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const timespec = koffi.struct('tcplab_timespec', { tv_sec: 'int64_t', tv_nsec: 'long' });
const clockGettime = libc.func('clock_gettime', 'int', ['int', koffi.out(koffi.pointer(timespec))]);
const CLOCK_REALTIME = 0;

export function wallClockSeconds(): number {
  const ts = { tv_sec: 0, tv_nsec: 0 };
  if (clockGettime(CLOCK_REALTIME, ts) !== 0) throw new Error('clock_gettime(CLOCK_REALTIME) failed');
  return Number(ts.tv_sec) + Number(ts.tv_nsec) / 1e9;
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
