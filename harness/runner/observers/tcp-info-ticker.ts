// With --observers minimal nothing runs ss, whose samples also drive the
// tcp_info readings (main.ts): this takes them at the same moments
// (sample-plan.ts) on the runner's own timer, with no process started.
import { nextSampleDelay } from './sample-plan.ts';
import type { TcpInfoSampler } from './tcp-info-sampler.ts';

export class TcpInfoTicker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly tcpInfo: TcpInfoSampler,
    private readonly now: () => number,
    private readonly predicted: readonly number[],
  ) {}

  start(): void {
    this.schedule(0);
  }

  private schedule(delayS: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tcpInfo.sample();
      this.schedule(nextSampleDelay(this.now(), this.predicted));
    }, delayS * 1000);
  }

  /** closing: one last reading, as CommandSampler.stop() takes one last sample. */
  async stop({ closing = false } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (closing) this.tcpInfo.sample();
  }
}
