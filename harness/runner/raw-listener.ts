// A listening socket that nobody accepts from. libuv accepts every connection
// as soon as it is ready, so a Node server can never show the notes' "LISTEN
// Recv-Q=1": the connection waiting in the accept queue. This one is made with
// socket/bind/listen through koffi and left alone until the scenario accepts.
import os from 'node:os';
import koffi from 'koffi';
import { RawFd } from './raw-fd.ts';
import { setIntOption, type SocketOptionName } from './sockopt.ts';

const libc = koffi.load('libc.so.6');
const socketC = libc.func('int socket(int domain, int type, int protocol)');
const bindC = libc.func('int bind(int fd, const uint8_t *addr, uint32_t len)');
const listenC = libc.func('int listen(int fd, int backlog)');
const accept4C = libc.func('int accept4(int fd, void *addr, void *len, int flags)');

const AF_INET = 2;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
/** Close-on-exec, as every fd of the runner (raw-fd.ts says why). */
const SOCK_CLOEXEC = 0o2000000;

function errnoName(): string {
  const errno = koffi.errno();
  return Object.entries(os.constants.errno).find(([, v]) => v === errno)?.[0] ?? `errno ${errno}`;
}

/** struct sockaddr_in for 127.0.0.1:port. */
function loopback(port: number): Buffer {
  const sa = Buffer.alloc(16);
  sa.writeUInt16LE(AF_INET, 0);
  sa.writeUInt16BE(port, 2);
  sa.writeUInt32BE(0x7f000001, 4);
  return sa;
}

export class RawListener {
  private constructor(
    readonly fd: number,
    readonly port: number,
  ) {}

  /** socket() + options + bind(127.0.0.1:port) + listen(backlog); options go on before listen(). */
  static open(port: number, backlog: number, options: Partial<Record<SocketOptionName, number>>): RawListener {
    const fd = socketC(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) as number;
    if (fd < 0) throw new Error(`socket() failed: ${errnoName()}`);
    for (const [name, value] of Object.entries(options) as [SocketOptionName, number][]) setIntOption(fd, name, value);
    if (bindC(fd, loopback(port), 16) !== 0) throw new Error(`bind(127.0.0.1:${port}) failed: ${errnoName()}`);
    if (listenC(fd, backlog) !== 0) throw new Error(`listen() failed: ${errnoName()}`);
    return new RawListener(fd, port);
  }

  /** accept4() without blocking, close-on-exec: a connected fd, or the errno name (EAGAIN: queue empty). */
  accept(): RawFd | string {
    const fd = accept4C(this.fd, null, null, SOCK_NONBLOCK | SOCK_CLOEXEC) as number;
    return fd < 0 ? errnoName() : new RawFd(fd);
  }

  close(): void {
    new RawFd(this.fd).close();
  }
}
