// The knobs behind each timer, described once. Defaults are the kernel's
// (include/net/tcp.h, and what a fresh network namespace shows: docs/timer-model.md);
// the figures in their effects are the model's for the socket's kernel and sysctls.
import type { Governor } from './explanation.ts';
import { DEFAULT_EXPLAIN_SYSCTLS, type Figures, secsShort } from './figures.ts';

const g = (name: string, kind: Governor['kind'], dflt: string | undefined, effect: string): Governor =>
  dflt === undefined ? { name, kind, effect } : { name, kind, default: dflt, effect };

/** The knobs, with the figures of `f` (the socket's kernel and sysctls). */
export function knobs(f: Figures) {
  const d = DEFAULT_EXPLAIN_SYSCTLS;
  const sc = f.model.sysctls;
  const other = f.synSentOther;
  return {
    tcp_retries2: g('net.ipv4.tcp_retries2', 'sysctl', String(d.tcp_retries2), `bounds how long unacknowledged data is retransmitted — a TIME (${f.retries2Bound_s} s for ${sc.tcp_retries2} with a ${secsShort(f.rtoMin_s)} RTO), not a count — and how many zero-window probes go unanswered`),
    tcp_retries1: g('net.ipv4.tcp_retries1', 'sysctl', '3', 'after this much backoff the kernel only asks for a fresh route; the connection stays up'),
    user_timeout: g('TCP_USER_TIMEOUT', 'socket option', '0 (off)', 'milliseconds unacknowledged data (or unanswered probes) may wait; when set it replaces tcp_retries2, and for keepalive it replaces TCP_KEEPCNT'),
    orphan_retries: g('net.ipv4.tcp_orphan_retries', 'sysctl', `${d.tcp_orphan_retries} (= ${f.orphan.retries} while the RTO is below ${f.rtoMax_s} s)`, 'replaces tcp_retries2 once the application has closed the socket (orphan)'),
    early_retrans: g('net.ipv4.tcp_early_retrans', 'sysctl', '3', 'enables the tail loss probe that goes out before the first RTO retransmission'),
    syn_retries: g('net.ipv4.tcp_syn_retries', 'sysctl', String(d.tcp_syn_retries), `SYN retransmissions before connect() fails with ETIMEDOUT (${sc.tcp_syn_retries}: ${f.synSent.death_s} s on ${f.model.kernel}, ${other.death_s} s on ${other.kernel})`),
    syncnt: g('TCP_SYNCNT', 'socket option', 'unset', 'per-socket tcp_syn_retries; on a listening socket it also replaces tcp_synack_retries'),
    syn_linear: g('net.ipv4.tcp_syn_linear_timeouts', 'sysctl', `${d.tcp_syn_linear_timeouts} (${f.linearSince}+)`, `the first N SYN retransmissions keep a ${f.initialRto_s} s interval before the doubling starts`),
    synack_retries: g('net.ipv4.tcp_synack_retries', 'sysctl', String(d.tcp_synack_retries), `SYN-ACK timer firings before a half-open connection is dropped silently (${sc.tcp_synack_retries}: about ${f.synRecv.drop_s} s)`),
    defer_accept: g('TCP_DEFER_ACCEPT', 'socket option', '0 (off)', 'on the listener: hold the connection in SYN-RECV until data arrives; the SYN-ACK timer fires without resending meanwhile'),
    user_timeout_none: g('TCP_USER_TIMEOUT', 'socket option', undefined, 'has no effect here: a request socket has no user timeout'),
    so_keepalive: g('SO_KEEPALIVE', 'socket option', 'off', 'turns the keepalive timer on for this socket'),
    keepidle: g('TCP_KEEPIDLE / net.ipv4.tcp_keepalive_time', 'socket option or sysctl', `${d.tcp_keepalive_time} s`, 'idle time before the first probe'),
    keepintvl: g('TCP_KEEPINTVL / net.ipv4.tcp_keepalive_intvl', 'socket option or sysctl', `${d.tcp_keepalive_intvl} s`, 'time between unanswered probes'),
    keepcnt: g('TCP_KEEPCNT / net.ipv4.tcp_keepalive_probes', 'socket option or sysctl', String(d.tcp_keepalive_probes), 'unanswered probes before the RST'),
    timewait_len: g('TCP_TIMEWAIT_LEN', 'kernel constant', `${f.timewait_s} s`, 'how long a TIME-WAIT socket lives; fixed at compile time — neither tcp_fin_timeout nor any sysctl changes it'),
    tw_reuse: g('net.ipv4.tcp_tw_reuse', 'sysctl', undefined, 'lets a new outgoing connection reuse a TIME-WAIT port; does not shorten the timer'),
    max_tw: g('net.ipv4.tcp_max_tw_buckets', 'sysctl', undefined, 'how many TIME-WAIT sockets may exist; beyond it they are not kept at all'),
    fin_timeout: g('net.ipv4.tcp_fin_timeout', 'sysctl', `${d.tcp_fin_timeout} s`, 'how long an orphaned socket waits in FIN-WAIT-2 for the peer\'s FIN'),
    linger2: g('TCP_LINGER2', 'socket option', 'unset', 'per-socket tcp_fin_timeout'),
    rcvbuf_peer: g('SO_RCVBUF (of the peer)', 'socket option', undefined, 'a small receive buffer on the peer that is not read makes the zero window in the first place'),
  } as const satisfies Record<string, Governor>;
}
