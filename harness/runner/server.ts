// The server side: a Node listener that accepts, or a raw one that never does.
import net from 'node:net';
import { Connection, HeldFd } from './connection.ts';
import { RawListener } from './raw-listener.ts';
import { readTcpInfo } from './tcp-info.ts';
import { type Deps, type SocketOptions, toKernelOptions } from './socket-options.ts';
import { applyOptions, fdOf, getIntOption, type SocketOptionName } from './sockopt.ts';

export class Listener {
  private readonly pending: net.Socket[] = [];
  private waiting: ((s: net.Socket) => void) | undefined;

  constructor(
    readonly server: net.Server,
    readonly host: string,
    readonly port: number,
    readonly options: Record<string, number>,
    private readonly deps: Deps,
  ) {
    server.on('connection', (s) => {
      deps.log.record({ kind: 'syscall', side: 'server', call: 'accept', result: s.remotePort ?? 0 });
      if (this.waiting) this.waiting(s);
      else this.pending.push(s);
    });
  }

  /** The next accepted connection, as the server side of the pair. */
  async accepted(options: SocketOptions = {}): Promise<Connection> {
    const s = this.pending.shift() ?? (await new Promise<net.Socket>((resolve) => (this.waiting = resolve)));
    this.waiting = undefined;
    return new Connection('server', s, applyOptions(fdOf(s), toKernelOptions(options)), this.deps);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A listener nobody accepts from (raw-listener.ts): connections wait in its accept queue. */
export class QuietListener {
  readonly host = '127.0.0.1';

  constructor(
    private readonly raw: RawListener,
    readonly port: number,
    private readonly deps: Deps,
  ) {}

  /** accept() now, without blocking: the connection's held fd, or the errno name (EAGAIN). */
  accept(): HeldFd | string {
    const fd = this.raw.accept();
    const ok = typeof fd !== 'string';
    this.deps.log.record({ kind: 'syscall', side: 'server', call: 'accept', raw: true, ...(ok ? { result: fd.fd } : { error: fd }) });
    return ok ? new HeldFd(fd, 'server', this.deps.log) : fd;
  }

  /**
   * How many connections wait in the accept queue: getsockopt(TCP_INFO) on the listener,
   * whose tcpi_unacked is sk_ack_backlog — the same number ss prints as LISTEN Recv-Q.
   * Recorded as a getsockopt syscall whose result is that number.
   */
  acceptQueue(): number {
    const n = readTcpInfo(this.raw.fd).unacked ?? 0;
    this.deps.log.record({ kind: 'syscall', side: 'server', call: 'getsockopt', raw: true, result: n, what: 'TCP_INFO tcpi_unacked (accept queue)' });
    return n;
  }

  /**
   * accept() once a connection is in the accept queue (polling TCP_INFO, which is not
   * recorded, so the timeline shows one accept, not a row of EAGAINs).
   */
  async acceptWhenQueued(timeout_s = 5): Promise<HeldFd> {
    const until = Date.now() + timeout_s * 1000;
    while ((readTcpInfo(this.raw.fd).unacked ?? 0) === 0) {
      if (Date.now() > until) throw new Error(`no connection reached the accept queue of port ${this.port} within ${timeout_s} s`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const fd = this.accept();
    if (typeof fd === 'string') throw new Error(`accept() failed: ${fd}`);
    return fd;
  }

  close(): void {
    this.raw.close();
  }
}

export class ServerFactory {
  constructor(private readonly deps: Deps) {}

  /** listen() on 127.0.0.1 and never accept: what the notes mean by "the server does not accept". */
  listenWithoutAccept({ port = 7000, backlog = 16, options = {} }: { port?: number; backlog?: number; options?: SocketOptions } = {}): QuietListener {
    const kernelOptions = toKernelOptions(options);
    const raw = RawListener.open(port, backlog, kernelOptions);
    // Read back what took effect (TCP_DEFER_ACCEPT 10 reads back as 15: whole SYN-ACK slots).
    const applied = Object.fromEntries(Object.keys(kernelOptions).map((n) => [n, getIntOption(raw.fd, n as SocketOptionName)]));
    this.deps.log.record({ kind: 'syscall', side: 'server', call: 'listen', raw: true, result: port, ...(Object.keys(applied).length ? { options: applied } : {}) });
    return new QuietListener(raw, port, this.deps);
  }

  /** A listening socket on 127.0.0.1; options are set on the listener before listen(). */
  listen({ port = 7000, backlog = 16, options = {} }: { port?: number; backlog?: number; options?: SocketOptions } = {}): Promise<Listener> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ pauseOnConnect: false });
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port, backlog }, () => {
        const applied = applyOptions(fdOf(server), toKernelOptions(options));
        this.deps.log.record({ kind: 'syscall', side: 'server', call: 'listen', result: port });
        resolve(new Listener(server, '127.0.0.1', port, applied, this.deps));
      });
    });
  }
}

