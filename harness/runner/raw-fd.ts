// Raw syscalls on a socket fd (libc through koffi), for the notes' questions
// about *what the kernel returns*: read() → 0 (EOF) or ETIMEDOUT, write() →
// EPIPE, close() then write() → EBADF. Node hides these: after an error it
// destroys the socket and answers later calls itself (ERR_STREAM_DESTROYED).
//
// A Connection keeps a dup() of its fd, so the kernel socket outlives Node's own
// close and can still be asked. The fds are non-blocking (the flag lives on the
// shared file description Node set up), so no call here blocks the event loop.
//
// Every fd made here is close-on-exec, as Node's own are: the runner starts
// children while a scenario runs (ss and netstat samplers, iptables at a
// scripted moment), and a child that inherited a socket fd keeps the socket
// open after the scenario's close(), so its FIN or RST left only when the
// child exited (seen: an RST 4–5 ms after close() returned, test-rst2).
import os from 'node:os';
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const readC = libc.func('long read(int fd, _Out_ uint8_t *buf, size_t n)');
const writeC = libc.func('long write(int fd, const uint8_t *buf, size_t n)');
const sendC = libc.func('long send(int fd, const uint8_t *buf, size_t n, int flags)');
const shutdownC = libc.func('int shutdown(int fd, int how)');
const closeC = libc.func('int close(int fd)');
const fcntlC = libc.func('int fcntl(int fd, int cmd, int arg)');

/** fcntl F_DUPFD_CLOEXEC (linux/fcntl.h): dup(2) with FD_CLOEXEC set on the copy. */
const F_DUPFD_CLOEXEC = 1030;

/** MSG_NOSIGNAL: report EPIPE as an errno instead of raising SIGPIPE. */
const MSG_NOSIGNAL = 0x4000;

export const SHUT = { SHUT_RD: 0, SHUT_WR: 1, SHUT_RDWR: 2 } as const;
export type ShutHow = keyof typeof SHUT;

/** A syscall's outcome: a result (bytes, 0 for EOF) or an errno name. */
export type Outcome = { result: number } | { error: string };

function errnoName(): string {
  const errno = koffi.errno();
  return Object.entries(os.constants.errno).find(([, v]) => v === errno)?.[0] ?? `errno ${errno}`;
}

function outcome(ret: number | bigint): Outcome {
  const n = Number(ret);
  return n < 0 ? { error: errnoName() } : { result: n };
}

export class RawFd {
  constructor(readonly fd: number) {}

  /** dup(2), close-on-exec: a second fd on the same kernel socket. */
  static dup(fd: number): RawFd {
    const copy = fcntlC(fd, F_DUPFD_CLOEXEC, 0) as number;
    if (copy < 0) throw new Error(`dup(${fd}) failed: ${errnoName()}`);
    return new RawFd(copy);
  }

  read(max = 65536): Outcome & { data?: Buffer } {
    const buf = Buffer.alloc(max);
    const o = outcome(readC(this.fd, buf, max));
    return 'result' in o && o.result > 0 ? { ...o, data: buf.subarray(0, o.result) } : o;
  }

  /** send(2) with MSG_NOSIGNAL: write() semantics, but EPIPE comes back as an errno. */
  write(data: Buffer | string): Outcome {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    return outcome(sendC(this.fd, buf, buf.length, MSG_NOSIGNAL));
  }

  /** Plain write(2), for the case where the fd is not a socket any more (EBADF). */
  writePlain(data: Buffer | string): Outcome {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    return outcome(writeC(this.fd, buf, buf.length));
  }

  shutdown(how: ShutHow): Outcome {
    return outcome(shutdownC(this.fd, SHUT[how]));
  }

  close(): Outcome {
    return outcome(closeC(this.fd));
  }
}
