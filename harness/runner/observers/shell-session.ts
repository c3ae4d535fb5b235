// One long-lived /bin/sh that runs the samplers' commands, so that sampling never
// forks the runner. Spawning from Node forks the whole runner process, and the
// event loop waits for it: measured here (6.18, 2 cores, idle) 3.4 ms median and
// 19 ms worst per execa('ss'), far more on a loaded machine, once or twice every
// 100 ms near a predicted event. A kernel error (ETIMEDOUT) or a scripted write
// that falls in that time is stamped late by as much. A small sh forks cheaply, in
// its own process, and at nice +10 so that ss/netstat yield the CPU to the runner.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { shellQuote } from '../../shell-quote.ts';

/** Printed after each command; no ss or netstat line can look like it. */
const END = '@@tcplab-shell-session-end@@';
/** Lower priority than the runner: any user may raise its own niceness. */
const NICENESS = '10';

export interface Command {
  file: string;
  args: readonly string[];
}

export class ShellSession {
  private output = '';
  private pending: ((stdout: string) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private exited = false;

  private constructor(private readonly proc: ChildProcessByStdio<Writable, Readable, null>) {
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => this.onData(chunk));
    proc.stdin.on('error', () => {}); // EPIPE after the shell died: run() answers ''
    proc.on('exit', () => {
      this.exited = true;
      this.pending?.('');
      this.pending = undefined;
    });
  }

  /**
   * Started before the scenario clock runs, so its one fork of the runner costs nothing
   * that is measured. The shell ends when its stdin closes: with the runner, even under kill -9.
   */
  static start(): ShellSession {
    return new ShellSession(spawn('nice', ['-n', NICENESS, 'sh'], { stdio: ['pipe', 'pipe', 'ignore'] }));
  }

  /** The command's stdout ('' if the shell has gone). One command at a time, in call order. */
  run(command: Command): Promise<string> {
    const next = this.queue.then(() => this.runNow(command));
    this.queue = next;
    return next;
  }

  private runNow(command: Command): Promise<string> {
    if (this.exited) return Promise.resolve('');
    return new Promise((resolve) => {
      this.pending = resolve;
      const line = [command.file, ...command.args].map(shellQuote).join(' ');
      this.proc.stdin.write(`${line} </dev/null 2>/dev/null; printf '\\n%s\\n' ${shellQuote(END)}\n`);
    });
  }

  private onData(chunk: string): void {
    this.output += chunk;
    const end = this.output.indexOf(`\n${END}\n`);
    if (end < 0) return;
    const stdout = this.output.slice(0, end);
    this.output = this.output.slice(end + END.length + 2);
    const resolve = this.pending;
    this.pending = undefined;
    resolve?.(stdout);
  }

  /** Close the shell's stdin and wait for it to exit. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.stdin.end();
    await exited;
  }
}
