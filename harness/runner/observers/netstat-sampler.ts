// Samples `netstat -tnao` (net-tools) inside the sandbox, beside the ss sampler, for
// experiments that compare the two (the notes' "port 1/port 2" were read with
// `netstat -c --timer`). netstat prints what /proc/net/tcp holds, so its timer column
// shows icsk_retransmits AND icsk_probes_out at once: `on (0.21/2/2)`, which ss cannot.
// Raw lines go to netstat.log under a "# t=<seconds>" header per sample, like ss.log.
import fs from 'node:fs';
import { execa } from 'execa';
import { round6 } from '../event-log.ts';
import { nextSampleDelay } from './sample-plan.ts';

export const NETSTAT_ARGS = ['-tnao'];

export class NetstatSampler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly fd: number;

  constructor(
    logPath: string,
    private readonly now: () => number,
    private readonly predicted: readonly number[],
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
    const r = await execa('netstat', NETSTAT_ARGS, { reject: false });
    const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
    // end=: when netstat had finished; it read /proc/net/tcp somewhere in [t, end].
    fs.writeSync(this.fd, `# t=${round6(t)} end=${round6(this.now())}\n${lines.map((l) => l.trimEnd()).join('\n')}\n`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
    fs.closeSync(this.fd);
  }
}
