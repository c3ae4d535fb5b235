// events.jsonl: what the runner itself saw (syscalls, firewall moments, marks,
// tcp_info). Each line is also echoed on stdout so the host can show progress.
import fs from 'node:fs';
import type { TimelineEvent } from '../events.ts';

type Unstamped<E> = E extends unknown ? Omit<E, 't'> : never;
export type RunnerEvent = Unstamped<Exclude<TimelineEvent, { kind: 'packet' } | { kind: 'timer' }>>;

export class EventLog {
  private readonly fd: number;

  constructor(
    path: string,
    private readonly now: () => number,
    private readonly echo: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {
    this.fd = fs.openSync(path, 'a');
  }

  record(event: RunnerEvent): void {
    const line = JSON.stringify({ t: round6(this.now()), ...event });
    fs.writeSync(this.fd, line + '\n');
    this.echo(line);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
