// The client side: connect() with options set before the SYN leaves.
import net from 'node:net';
import { Connection } from './connection.ts';
import { type Deps, type SocketOptions, toKernelOptions } from './socket-options.ts';
import { applyOptions, fdOf } from './sockopt.ts';

export class ClientFactory {
  constructor(private readonly deps: Deps) {}

  /**
   * connect(), with every option set on the fd *before* the SYN leaves: giving
   * localAddress makes Node bind() first, so the fd exists at 'connectionAttempt'.
   * Resolves once ESTABLISHED; rejects with a ConnectError (errno name) if connect() fails.
   */
  connect(to: { host: string; port: number }, options: SocketOptions = {}, from: LocalEnd = {}): Promise<Connection> {
    return this.open(to, options, from).established;
  }

  /** A non-blocking connect(): returns at once, while the handshake goes on. */
  open(to: { host: string; port: number }, options: SocketOptions = {}, from: LocalEnd = {}): PendingConnection {
    const { log } = this.deps;
    const local = from.port ? { localPort: from.port } : {};
    const socket = net.connect({ host: to.host, port: to.port, localAddress: '127.0.0.1', ...local });
    let applied: Record<string, number> = {};
    // Node emits 'connectionAttempt' and then calls connect(2) synchronously, so
    // the next tick is the first moment the SYN is surely on its way.
    const issued = new Promise<void>((resolve) =>
      socket.once('connectionAttempt', () => {
        applied = applyOptions(fdOf(socket), toKernelOptions(options));
        log.record({ kind: 'mark', name: 'client options', options: applied });
        process.nextTick(() => {
          log.record({ kind: 'mark', name: 'connect() issued' });
          resolve();
        });
      }),
    );
    const established = new Promise<Connection>((resolve, reject) => {
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
    // A scenario that closes before the handshake ends never awaits this.
    established.catch(() => {});
    return {
      established,
      // Net.connect() only reaches connect(2) a tick later: closing before that
      // would mean no SYN at all, not the notes' "connect, then close at once".
      close: () =>
        issued.then(() => {
          socket.destroy();
          log.record({ kind: 'syscall', side: 'client', call: 'close', result: 0 });
        }),
    };
  }
}

/**
 * Where the client connects from. `port`: bind() to this source port first, e.g. the
 * port of a connection closed a moment ago. libuv sets SO_REUSEADDR on every bind
 * (uv__tcp_bind), so the bind itself never conflicts with a non-listening socket on
 * the port; whether the 4-tuple is free is connect()'s to say (__inet_check_established).
 */
export interface LocalEnd {
  port?: number;
}

export interface PendingConnection {
  established: Promise<Connection>;
  /** close() while the handshake may still be under way: right after connect(2) was issued. */
  close(): Promise<void>;
}

export class ConnectError extends Error {
  constructor(readonly code: string) {
    super(`connect() failed: ${code}`);
  }
}

