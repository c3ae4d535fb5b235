// Runs a socket-listing command inside the sandbox at the sample plan's moments
// (dense near predicted events, sparse in long waits) and keeps its raw lines in
// a log under a "# t=<start> end=<finish>" header per sample, so the run can be
// re-analysed later. Only the sandbox's own sockets exist there: no filter needed.
// The commands run in a shell of their own (shell-session.ts), never forked from
// the runner, whose event loop stamps the scenario's events.
import fs from 'node:fs';
import { round6 } from '../event-log.ts';
import { nextSampleDelay } from './sample-plan.ts';
import { type Command, ShellSession } from './shell-session.ts';

/** ss -tanoiOH: one line per socket with its timer and tcp_info (iproute2 6.1 has no JSON). */
export const SS = { file: 'ss', args: ['-tanoiOH'] } as const;
/**
 * netstat -tnao (net-tools): what /proc/net/tcp holds, so its timer column shows
 * icsk_retransmits and icsk_probes_out at once — `on (0.21/2/2)` — which ss cannot.
 * The notes' "port 1/port 2" were read with `netstat -c --timer`.
 */
export const NETSTAT = { file: 'netstat', args: ['-tnao'] } as const;

export class CommandSampler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly fd: number;
  private readonly shell = ShellSession.start();

  constructor(
    private readonly command: Command,
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
    const stdout = await this.shell.run(this.command);
    const lines = stdout.split('\n').filter((l) => l.trim() !== '');
    // end=: when the command had finished; it read the kernel somewhere in [t, end].
    fs.writeSync(this.fd, `# t=${round6(t)} end=${round6(this.now())}\n${lines.map((l) => l.trimEnd()).join('\n')}\n`);
    this.onSample(t, lines);
  }

  /**
   * closing: take one last sample once the one in flight is done. A state that ended
   * before the scenario did must be seen gone by some sample; without this the last
   * sample may have started before the end (seen on 6.1 under TCG: netstat's last sample
   * began before the ETIMEDOUT abort, none followed, and "probes stay 2 until the end"
   * found no end). Not on an interrupted run, which must stop at once.
   */
  async stop({ closing = false } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
    if (closing) await this.sample();
    await this.shell.close();
    fs.closeSync(this.fd);
  }
}
