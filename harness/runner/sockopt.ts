// setsockopt/getsockopt on a Node socket's fd through koffi (libc), because Node
// exposes neither TCP_USER_TIMEOUT nor the keepalive knobs faithfully: libuv's
// setKeepAlive() rewrites TCP_KEEPINTVL=1 and TCP_KEEPCNT=10 (docs/architecture.md).
import koffi from 'koffi';
import type net from 'node:net';
import os from 'node:os';

const libc = koffi.load('libc.so.6');
const setsockoptC = libc.func('int setsockopt(int fd, int level, int name, const void *val, uint32_t len)');
const getsockoptC = libc.func('int getsockopt(int fd, int level, int name, _Out_ void *val, _Inout_ uint32_t *len)');

// <sys/socket.h>, <netinet/in.h>, <netinet/tcp.h> (x86_64 and arm64 agree).
export const SOL_SOCKET = 1;
export const IPPROTO_TCP = 6;

export const SOCKET_OPTIONS = {
  SO_SNDBUF: [SOL_SOCKET, 7],
  SO_RCVBUF: [SOL_SOCKET, 8],
  SO_KEEPALIVE: [SOL_SOCKET, 9],
  TCP_NODELAY: [IPPROTO_TCP, 1],
  TCP_KEEPIDLE: [IPPROTO_TCP, 4],
  TCP_KEEPINTVL: [IPPROTO_TCP, 5],
  TCP_KEEPCNT: [IPPROTO_TCP, 6],
  TCP_SYNCNT: [IPPROTO_TCP, 7],
  TCP_DEFER_ACCEPT: [IPPROTO_TCP, 9],
  TCP_INFO: [IPPROTO_TCP, 11],
  TCP_USER_TIMEOUT: [IPPROTO_TCP, 18],
} as const satisfies Record<string, readonly [number, number]>;

export type SocketOptionName = Exclude<keyof typeof SOCKET_OPTIONS, 'TCP_INFO'>;

export class SockoptError extends Error {}

function errnoName(): string {
  const errno = koffi.errno();
  const entry = Object.entries(os.constants.errno).find(([, v]) => v === errno);
  return entry ? entry[0] : `errno ${errno}`;
}

/** The kernel fd behind a Node socket or server (undefined before it exists). */
export function fdOf(handleOwner: net.Socket | net.Server): number {
  const fd = (handleOwner as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new SockoptError('socket has no file descriptor yet');
  return fd;
}

export function setIntOption(fd: number, name: SocketOptionName, value: number): void {
  const [level, opt] = SOCKET_OPTIONS[name];
  const buf = Buffer.alloc(4);
  buf.writeInt32LE(value);
  if (setsockoptC(fd, level, opt, buf, 4) !== 0) {
    throw new SockoptError(`setsockopt(${name}=${value}) failed: ${errnoName()}`);
  }
}

export function getIntOption(fd: number, name: SocketOptionName): number {
  const [level, opt] = SOCKET_OPTIONS[name];
  const buf = Buffer.alloc(4);
  const len = [4];
  if (getsockoptC(fd, level, opt, buf, len) !== 0) {
    throw new SockoptError(`getsockopt(${name}) failed: ${errnoName()}`);
  }
  return buf.readInt32LE();
}

/** Raw getsockopt into a buffer; returns the bytes the kernel filled in. */
export function getRawOption(fd: number, level: number, opt: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  const len = [size];
  if (getsockoptC(fd, level, opt, buf, len) !== 0) {
    throw new SockoptError(`getsockopt(${level}/${opt}) failed: ${errnoName()}`);
  }
  return buf.subarray(0, len[0]);
}

/**
 * Set options and read each back: the value that took effect is what gets
 * recorded (the kernel may round, e.g. SO_RCVBUF is doubled).
 */
export function applyOptions(fd: number, options: Partial<Record<SocketOptionName, number>>): Record<string, number> {
  const applied: Record<string, number> = {};
  for (const [name, value] of Object.entries(options) as [SocketOptionName, number][]) {
    setIntOption(fd, name, value);
    applied[name] = getIntOption(fd, name);
  }
  return applied;
}
