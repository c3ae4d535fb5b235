// The event timeline: the public shape of `events` in result.json (docs/architecture.md).
// `t` is always seconds since the scenario start. Fields may be added, never renamed.

export type Direction = 'c2s' | 's2c';

export type PacketClass =
  | 'syn'
  | 'syn-retrans'
  | 'synack'
  | 'synack-retrans'
  | 'ack'
  | 'challenge-ack'
  | 'data'
  | 'data-retrans'
  | 'keepalive-probe'
  | 'window-probe'
  | 'fin'
  | 'rst';

export interface PacketEvent {
  t: number;
  kind: 'packet';
  dir: Direction;
  /** tcpdump style: S, S., ., P., F., R, R. … */
  flags: string;
  /** Relative to the sender's ISN, as tcpdump prints after the handshake. */
  seq: number;
  ack: number;
  win: number;
  len: number;
  class: PacketClass;
}

export interface SyscallEvent {
  t: number;
  kind: 'syscall';
  side: 'client' | 'server';
  call: string;
  result?: string | number;
  /** errno name, e.g. ETIMEDOUT */
  error?: string;
  /** Made directly on the fd (runner/raw-fd.ts), not through Node's socket. */
  raw?: boolean;
  /** For shutdown(): SHUT_RD, SHUT_WR or SHUT_RDWR. */
  how?: string;
}

export interface TimerEvent {
  t: number;
  kind: 'timer';
  side: 'client' | 'server';
  state: string;
  timer: string;
  remaining_s: number;
  count: number;
  /** ss Recv-Q: unread bytes; on a LISTEN socket, connections waiting in the accept queue. */
  recv_q?: number;
  /** ss Send-Q: unsent + unacked bytes; on a LISTEN socket, the backlog. */
  send_q?: number;
  /** Which sampler saw it: absent = ss; 'netstat' rows name states netstat's way (ESTABLISHED …). */
  source?: 'ss' | 'netstat';
  /** netstat only: its RETRANS and PROBES fields (`on (0.21/2/2)`); `count` is RETRANS for `on`, PROBES otherwise. */
  retrans?: number;
  probes?: number;
  /** netstat only: the previous and next netstat sample times (for bracketing state changes). */
  sample_prev_t?: number;
  sample_next_t?: number;
  /** netstat only: when this sample's and the next sample's netstat run ended (it read the kernel in between). */
  sample_end_t?: number;
  sample_next_end_t?: number;
}

export interface FirewallEvent {
  t: number;
  kind: 'firewall';
  action: 'add' | 'remove';
  rule: string;
}

/** A free-form note from the scenario (a scripted moment, a state reached). */
export interface MarkEvent {
  t: number;
  kind: 'mark';
  name: string;
  [key: string]: unknown;
}

/** One getsockopt(TCP_INFO) sample, taken in-process. */
export interface TcpInfoEvent {
  t: number;
  kind: 'tcp_info';
  side: 'client' | 'server';
  info: Record<string, number>;
}

export type TimelineEvent = PacketEvent | SyscallEvent | TimerEvent | FirewallEvent | MarkEvent | TcpInfoEvent;

export function byTime(a: { t: number }, b: { t: number }): number {
  return a.t - b.t;
}
