// The vocabulary an experiment's scenario is written in: a server, a client,
// the firewall and the clock. Every call that reaches the kernel is recorded as
// a `syscall` event with its result or errno name.
import net from 'node:net';
import type { ScenarioClock } from './clock.ts';
import type { EventLog } from './event-log.ts';
import type { Firewall } from './firewall.ts';
import { applyOptions, fdOf, type SocketOptionName } from './sockopt.ts';

export type Side = 'client' | 'server';

/** Socket options by their catalogue names (DESIGN/issue: lower case, no prefix). */
export interface SocketOptions {
  keepalive?: { idle_s: number; interval_s: number; count: number };
  /** TCP_USER_TIMEOUT in ms; 0 leaves it off. */
  user_timeout_ms?: number;
  syncnt?: number;
  nodelay?: boolean;
  rcvbuf?: number;
  sndbuf?: number;
}

function toKernelOptions(o: SocketOptions): Partial<Record<SocketOptionName, number>> {
  const k: Partial<Record<SocketOptionName, number>> = {};
  if (o.keepalive) {
    k.SO_KEEPALIVE = 1;
    k.TCP_KEEPIDLE = o.keepalive.idle_s;
    k.TCP_KEEPINTVL = o.keepalive.interval_s;
    k.TCP_KEEPCNT = o.keepalive.count;
  }
  if (o.user_timeout_ms) k.TCP_USER_TIMEOUT = o.user_timeout_ms;
  if (o.syncnt !== undefined) k.TCP_SYNCNT = o.syncnt;
  if (o.nodelay !== undefined) k.TCP_NODELAY = o.nodelay ? 1 : 0;
  if (o.rcvbuf !== undefined) k.SO_RCVBUF = o.rcvbuf;
  if (o.sndbuf !== undefined) k.SO_SNDBUF = o.sndbuf;
  return k;
}

/** Sockets the runner samples tcp_info from. */
export type SocketRegistry = Map<Side, net.Socket>;

interface Deps {
  log: EventLog;
  clock: ScenarioClock;
  sockets: SocketRegistry;
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

export class ServerFactory {
  constructor(private readonly deps: Deps) {}

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

export class ClientFactory {
  constructor(private readonly deps: Deps) {}

  /**
   * connect(), with every option set on the fd *before* the SYN leaves: giving
   * localAddress makes Node bind() first, so the fd exists at 'connectionAttempt'.
   * Resolves once ESTABLISHED; rejects with the errno name if connect() fails.
   */
  connect(to: Listener | { host: string; port: number }, options: SocketOptions = {}): Promise<Connection> {
    const { log } = this.deps;
    return new Promise((resolve, reject) => {
      let applied: Record<string, number> = {};
      const socket = net.connect({ host: to.host, port: to.port, localAddress: '127.0.0.1' });
      socket.once('connectionAttempt', () => {
        applied = applyOptions(fdOf(socket), toKernelOptions(options));
        log.record({ kind: 'mark', name: 'client options', options: applied });
      });
      const onError = (err: NodeJS.ErrnoException) => {
        log.record({ kind: 'syscall', side: 'client', call: 'connect', error: err.code ?? err.message });
        reject(new ConnectError(err.code ?? err.message));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        log.record({ kind: 'syscall', side: 'client', call: 'connect', result: 0 });
        resolve(new Connection('client', socket, applied, this.deps));
      });
    });
  }
}

export class ConnectError extends Error {
  constructor(readonly code: string) {
    super(`connect() failed: ${code}`);
  }
}

export interface ScenarioContext<P> {
  /** The resolved parameters. */
  p: P;
  server: ServerFactory;
  client: ClientFactory;
  firewall: Firewall;
  /** Seconds since the scenario started. */
  now(): number;
  sleep(seconds: number): Promise<void>;
  /** Wait until scenario time t (a scripted moment). */
  at(t: number): Promise<void>;
  /** Note a moment in the timeline. */
  mark(name: string, data?: Record<string, unknown>): void;
}

export function scenarioContext<P>(p: P, deps: Deps & { firewall: Firewall }): ScenarioContext<P> {
  return {
    p,
    server: new ServerFactory(deps),
    client: new ClientFactory(deps),
    firewall: deps.firewall,
    now: () => deps.clock.now(),
    sleep: (s) => deps.clock.sleep(s),
    at: (t) => deps.clock.at(t),
    mark: (name, data = {}) => deps.log.record({ kind: 'mark', name, ...data }),
  };
}
