// This namespace's TCP sockets as the kernel lists them in /proc/net/tcp, for a
// scenario that must know when the kernel has let go of a 4-tuple: a closed socket
// has no fd left to ask, and its orphan lives on (FIN-WAIT-2, TIME-WAIT) unseen.
//
// Read: net/ipv4/tcp_ipv4.c tcp4_seq_show() (6.x): get_tcp4_sock() prints a full
// socket's sk_state, get_timewait4_sock() a time-wait sock's tw_substate, so an
// orphan's FIN-WAIT-2 time-wait sock (tcp_time_wait(sk, TCP_FIN_WAIT2, …)) is listed
// as 05, FIN_WAIT2, until it expires. Addresses and ports are hex in network order
// as a little-endian host prints them (127.0.0.1:7000 is 0100007F:1B58); only ports
// are compared here, every tcplab connection being on 127.0.0.1.
import fs from 'node:fs';
import { TCP_STATES } from './connection.ts';

/** A row of /proc/net/tcp: local and remote port, and the state (include/net/tcp_states.h names). */
export interface SocketRow {
  localPort: number;
  remotePort: number;
  state: string;
}

export function parseProcNetTcp(text: string): SocketRow[] {
  return text
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const m = /^\s*\d+:\s+[0-9A-F]+:([0-9A-F]{4})\s+[0-9A-F]+:([0-9A-F]{4})\s+([0-9A-F]{2})\s/i.exec(line);
      if (!m) return [];
      const st = parseInt(m[3]!, 16);
      return [{ localPort: parseInt(m[1]!, 16), remotePort: parseInt(m[2]!, 16), state: TCP_STATES[st] ?? `state ${st}` }];
    });
}

/** The kernel's state of the socket from localPort to remotePort, or undefined when it has none. */
export function socketState(localPort: number, remotePort: number, text = fs.readFileSync('/proc/net/tcp', 'utf8')): string | undefined {
  return parseProcNetTcp(text).find((r) => r.localPort === localPort && r.remotePort === remotePort)?.state;
}

/**
 * Poll until the kernel lists no socket from localPort to remotePort (every poll_s:
 * the caller's lag in seeing it go). Resolves with whether that happened within timeout_s.
 */
export async function waitUntilGone(localPort: number, remotePort: number, timeout_s: number, poll_s = SOCKET_TABLE_POLL_S): Promise<boolean> {
  const until = Date.now() + timeout_s * 1000;
  while (socketState(localPort, remotePort) !== undefined) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, poll_s * 1000));
  }
  return true;
}

/** How often waitUntilGone() reads the table: a read of a few lines, cheap enough every 5 ms. */
export const SOCKET_TABLE_POLL_S = 0.005;
