// Samples `ss -tanoiOH` inside the sandbox. The raw lines go to ss.log under a
// "# t=<seconds>" header per sample, so the run can be re-analysed later; only
// the sandbox's own sockets exist there, so no filter is needed.
import fs from 'node:fs';
import { execa } from 'execa';
import { round6 } from '../event-log.ts';
import { nextSampleDelay } from './sample-plan.ts';

export class SsSampler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly fd: number;

  constructor(
    logPath: string,
    private readonly now: () => number,
    private readonly predicted: readonly number[],
    private readonly onSample: (t: number, lines: string[]) => void = () => {},
  ) {
    this.fd = fs.openSync(logPath, 'a');
  }

  start(): void {
    this.schedule(0);
  }

  private schedule(delayS: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.sample().then(() => this.schedule(nextSampleDelay(this.now(), this.predicted)));
    }, delayS * 1000);
  }

  async sample(): Promise<void> {
    const t = this.now();
    const r = await execa('ss', ['-tanoiOH'], { reject: false });
    const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
    // end=: when ss had finished; it read the kernel somewhere in [t, end].
    fs.writeSync(this.fd, `# t=${round6(t)} end=${round6(this.now())}\n${lines.map((l) => l.trimEnd()).join('\n')}\n`);
    this.onSample(t, lines);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
    fs.closeSync(this.fd);
  }
}
