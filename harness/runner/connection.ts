// One end of a TCP connection as a scenario sees it: Node's socket for the
// ordinary calls, and a held fd for asking the kernel directly.
import type net from 'node:net';
import type { EventLog } from './event-log.ts';
import { type Outcome, RawFd, type ShutHow } from './raw-fd.ts';
import type { Deps, Side } from './socket-options.ts';
import { fdOf } from './sockopt.ts';

/**
 * Raw syscalls on a dup() of a connection's fd (raw-fd.ts), each recorded as a
 * `syscall` event with `raw: true`. The dup keeps the kernel socket alive after
 * Node closes its own fd, so "read after the error" asks the kernel, not Node.
 * The kernel socket closes only when both Node's fd and this one are closed.
 */
export class HeldFd {
  constructor(
    private readonly raw: RawFd,
    private readonly side: Side,
    private readonly log: EventLog,
  ) {}

  private record(call: string, o: Outcome, extra: Record<string, unknown> = {}): Outcome {
    const result = 'result' in o ? (call === 'read' && o.result === 0 ? 'EOF' : o.result) : undefined;
    this.log.record({ kind: 'syscall', side: this.side, call, raw: true, ...extra, ...('error' in o ? { error: o.error } : { result: result! }) });
    return o;
  }

  read(): Outcome {
    return this.record('read', this.raw.read());
  }

  write(data: string | Buffer): Outcome {
    return this.record('write', this.raw.write(data));
  }

  shutdown(how: ShutHow): Outcome {
    return this.record('shutdown', this.raw.shutdown(how), { how });
  }

  close(): Outcome {
    return this.record('close', this.raw.close());
  }

  /** write() after close(): the fd number is gone, so this is write(2) on a dead fd (EBADF). */
  writeAfterClose(data: string | Buffer): Outcome {
    return this.record('write', this.raw.writePlain(data));
  }
}

export class Connection {
  private error: Promise<string>;
  private ended: Promise<void>;

  constructor(
    readonly side: Side,
    readonly socket: net.Socket,
    /** Option values read back after setting them. */
    readonly options: Record<string, number>,
    private readonly deps: Deps,
  ) {
    deps.sockets.set(side, socket);
    this.error = new Promise((resolve) => {
      socket.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? err.message;
        deps.log.record({ kind: 'syscall', side, call: err.syscall ?? 'read', error: code });
        resolve(code);
      });
    });
    this.ended = new Promise((resolve) => {
      socket.on('end', () => {
        deps.log.record({ kind: 'syscall', side, call: 'read', result: 'EOF' });
        resolve();
      });
    });
    socket.on('data', (chunk: Buffer) => deps.log.record({ kind: 'syscall', side, call: 'read', result: chunk.length }));
    socket.on('close', () => deps.sockets.delete(side));
  }

  /** Keep the kernel socket for raw syscalls after Node lets go of it (see HeldFd). */
  holdFd(): HeldFd {
    return new HeldFd(RawFd.dup(fdOf(this.socket)), this.side, this.deps.log);
  }

  /** Resolves with the errno name (e.g. ETIMEDOUT) when the kernel kills the connection. */
  waitForError(): Promise<string> {
    return this.error;
  }

  /** Resolves when the peer's FIN has been read (read() returned 0). */
  waitForEof(): Promise<void> {
    return this.ended;
  }

  /** write(); resolves when the kernel accepted the bytes, with the errno name if it refused. */
  write(data: string | Buffer): Promise<string | undefined> {
    return new Promise((resolve) => {
      const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      this.socket.write(data, (err?: Error | null) => {
        const code = (err as NodeJS.ErrnoException | undefined)?.code;
        this.deps.log.record({ kind: 'syscall', side: this.side, call: 'write', ...(code ? { error: code } : { result: bytes }) });
        resolve(code);
      });
    });
  }

  /** shutdown(SHUT_WR): send FIN, keep reading. */
  end(): void {
    this.socket.end();
    this.deps.log.record({ kind: 'syscall', side: this.side, call: 'shutdown', result: 'SHUT_WR' });
  }

  close(): void {
    this.socket.destroy();
    this.deps.log.record({ kind: 'syscall', side: this.side, call: 'close', result: 0 });
  }
}

