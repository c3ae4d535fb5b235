// One end of a TCP connection as a scenario sees it: Node's socket for the
// ordinary calls, and a held fd for asking the kernel directly.
import type net from 'node:net';
import type { EventLog } from './event-log.ts';
import { type Outcome, RawFd, type ShutHow } from './raw-fd.ts';
import type { Deps, Side } from './socket-options.ts';
import { fdOf } from './sockopt.ts';
import { readTcpInfo } from './tcp-info.ts';

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

  /**
   * The kernel's TCP state of this socket (tcpi_state: 'ESTABLISHED', 'CLOSE' …), read
   * with TCP_INFO. Not recorded: unlike read() or SO_ERROR it consumes no pending error.
   */
  tcpState(): string {
    return TCP_STATES[readTcpInfo(this.raw.fd).state ?? 0] ?? 'UNKNOWN';
  }

  /**
   * Wait until the socket reaches `state` (e.g. 'CLOSE' once the kernel gave up on it),
   * polling TCP_INFO, so that the next call is the first one after that moment.
   * Resolves with whether it got there within timeout_s.
   */
  async waitForState(state: string, timeout_s: number, poll_s = 0.005): Promise<boolean> {
    const until = Date.now() + timeout_s * 1000;
    while (this.tcpState() !== state) {
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, poll_s * 1000));
    }
    this.log.record({ kind: 'mark', name: `${this.side} socket ${state}` });
    return true;
  }

  /**
   * tcpState(), recorded as a `getsockopt` syscall whose result is the state, so an
   * expectation can check it (e.g. the server is still FIN_WAIT2 after its peer vanished).
   */
  checkState(): string {
    const state = this.tcpState();
    this.log.record({ kind: 'syscall', side: this.side, call: 'getsockopt', option: 'TCP_INFO', raw: true, result: state });
    return state;
  }

  /**
   * The notes' "write until it blocks": write() chunks until the kernel refuses with
   * EAGAIN (the fd is non-blocking), each call recorded. Node's socket.write() would
   * queue in userland past its highWaterMark instead, so only a raw write finds where
   * the kernel's send buffer is full. Returns the bytes the kernel accepted.
   */
  fillSendBuffer(chunk = 64 * 1024): number {
    const data = Buffer.alloc(chunk, 0x41); // 'A', as the notes send
    let total = 0;
    for (;;) {
      const o = this.write(data);
      if ('error' in o) return total;
      total += o.result;
    }
  }

  /**
   * Wait until the peer advertises a zero window with nothing left in flight: the
   * moment tcp_ack() arms the persist timer (tcp_check_probe_timer()). Polls TCP_INFO
   * (tcpi_snd_wnd, 6.2+; without it, falls back to waiting for tcpi_unacked = 0).
   */
  async waitForZeroWindow(timeout_s: number, poll_s = 0.002): Promise<boolean> {
    const until = Date.now() + timeout_s * 1000;
    for (;;) {
      const info = readTcpInfo(this.raw.fd);
      if ((info.snd_wnd ?? 0) === 0 && info.unacked === 0) {
        this.log.record({ kind: 'mark', name: `${this.side} sees a zero window, nothing in flight`, notsent_bytes: info.notsent_bytes });
        return true;
      }
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, poll_s * 1000));
    }
  }
}

/** include/net/tcp_states.h, in order from 1 (TCP_ESTABLISHED). */
export const TCP_STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING'];

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

  /**
   * Hand the socket over to raw syscalls only: hold a dup of the fd, then let Node close
   * its own. The kernel socket lives on in the dup (close(2) of one fd sends nothing),
   * and Node no longer reads it — Node would otherwise swallow the FIN (and answer it
   * with its own FIN, allowHalfOpen being off), the data and the pending error.
   */
  detach(): HeldFd {
    const held = this.holdFd();
    this.socket.destroy();
    this.deps.log.record({ kind: 'mark', name: `${this.side} detached from Node (raw fd only)` });
    return held;
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

