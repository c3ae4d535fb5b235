// Socket options by their catalogue names (lower case, no prefix), and how
// they map onto the kernel's, plus the runner state every scenario object shares.
import type net from 'node:net';
import type { ScenarioClock } from './clock.ts';
import type { EventLog } from './event-log.ts';
import type { SocketOptionName } from './sockopt.ts';

export type Side = 'client' | 'server';

export interface SocketOptions {
  keepalive?: { idle_s: number; interval_s: number; count: number };
  /** TCP_USER_TIMEOUT in ms; 0 leaves it off. */
  user_timeout_ms?: number;
  syncnt?: number;
  nodelay?: boolean;
  rcvbuf?: number;
  sndbuf?: number;
  /** TCP_DEFER_ACCEPT in seconds, on a listener (the kernel rounds it to SYN-ACK retransmission slots). */
  defer_accept_s?: number;
}

export function toKernelOptions(o: SocketOptions): Partial<Record<SocketOptionName, number>> {
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
  if (o.defer_accept_s !== undefined) k.TCP_DEFER_ACCEPT = o.defer_accept_s;
  return k;
}

/** Sockets the runner samples tcp_info from. */
export type SocketRegistry = Map<Side, net.Socket>;

export interface Deps {
  log: EventLog;
  clock: ScenarioClock;
  sockets: SocketRegistry;
}

