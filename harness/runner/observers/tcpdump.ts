// tcpdump on the sandbox's loopback. --immediate-mode -U so packets reach the
// file as they happen; no traffic starts before tcpdump says "listening on".
import { execa, type ResultPromise } from 'execa';

const OPTIONS = { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' } as const;

export interface CaptureStats {
  captured: number;
  receivedByFilter: number;
  droppedByKernel: number;
}

export class Tcpdump {
  private stderr = '';

  private constructor(private readonly proc: ResultPromise<typeof OPTIONS>) {
    proc.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  static async start(pcapPath: string, timeoutMs = 10_000): Promise<Tcpdump> {
    const proc = execa(
      'tcpdump',
      // -Z root: tcpdump would otherwise drop to its own user and lose write access
      // to the run folder. -s 256 keeps headers (IPv4 + TCP options), not payload.
      ['-i', 'lo', '-n', '-s', '256', '--immediate-mode', '-U', '-Z', 'root', '-w', pcapPath, 'tcp'],
      OPTIONS,
    );
    const dump = new Tcpdump(proc);
    await dump.waitForListening(timeoutMs);
    return dump;
  }

  private waitForListening(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`tcpdump did not start within ${timeoutMs} ms: ${this.stderr.trim()}`)), timeoutMs);
      const check = () => {
        if (/listening on/.test(this.stderr)) done();
      };
      const done = () => {
        clearTimeout(timer);
        this.proc.stderr?.off('data', check);
        resolve();
      };
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.proc.kill('SIGKILL');
        reject(err);
      };
      this.proc.stderr?.on('data', check);
      void this.proc.then((r) => fail(new Error(`tcpdump exited (${r.exitCode}): ${this.stderr.trim()}`)));
      check();
    });
  }

  /** SIGINT makes tcpdump flush the file and print its counters. */
  async stop(): Promise<CaptureStats> {
    this.proc.kill('SIGINT');
    await this.proc;
    return parseCaptureStats(this.stderr);
  }
}

export function parseCaptureStats(stderr: string): CaptureStats {
  const count = (label: string) => Number(new RegExp(`(\\d+) packets? ${label}`).exec(stderr)?.[1] ?? NaN);
  return {
    captured: count('captured'),
    receivedByFilter: count('received by filter'),
    droppedByKernel: count('dropped by kernel'),
  };
}
