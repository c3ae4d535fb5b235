// Orphaned sockets (closed by the application, SOCK_DEAD): how many retries the
// kernel grants them before it destroys them without telling anyone.
//
// Read: net/ipv4/tcp_timer.c tcp_orphan_retries(), the SOCK_DEAD branches of
// tcp_probe_timer() and tcp_write_timeout(), in a 4.19 stable tree (4.19.325), the
// Jan 2019 torvalds/linux snapshot 01a523b0 (5.0/5.1), the 6.5-6.6 snapshot 602bf183,
// and the 6.15 patch 54a378f43425 (tcp_rto_max(sk) replaces TCP_RTO_MAX there).
//
//   static int tcp_orphan_retries(struct sock *sk, bool alive)
//   {
//           int retries = sysctl_tcp_orphan_retries;      /* May be zero. */
//           if (sk->sk_err_soft && !alive)                 /* an ICMP said something is wrong */
//                   retries = 0;
//           if (retries == 0 && alive)                     /* "8 corresponds to >100 seconds
//                   retries = 8;                            *  with minimal RTO of 200msec" */
//           return retries;
//   }
//
// `alive` differs between the two callers:
// - tcp_probe_timer() (zero-window probes): alive = inet_csk_rto_backoff(icsk, RTO_MAX)
//   < RTO_MAX, i.e. min(icsk_rto << icsk_backoff, RTO_MAX) < RTO_MAX. Then
//   `if (!alive && icsk_backoff >= max_probes) goto abort;` and otherwise the usual
//   `icsk_probes_out >= max_probes` test with max_probes = tcp_orphan_retries().
// - tcp_write_timeout() (data retransmission): alive = icsk_rto < RTO_MAX (icsk_rto is
//   already backed off there); retry_until = tcp_orphan_retries() replaces tcp_retries2
//   in retransmits_timed_out(), a TIME bound (tcp_model_timeout(retry_until, 200 ms)).
//
// Both also call tcp_out_of_resources(), which kills an orphan early only when there
// are too many orphans or TCP memory is short (not modelled: a lab has neither).
// The death itself is tcp_write_err() (sk_err = ETIMEDOUT, tcp_done()): no FIN and no
// RST, and nobody reads the error of an orphan.

import { DEFAULT_SYSCTLS, TCP_RTO_MAX_S } from './kernel-facts.ts';

/** tcp_orphan_retries(), net/ipv4/tcp_timer.c (same in 4.19 stable, 5.0, 6.5, 6.15). */
export function tcpOrphanRetries(sysctl: number = DEFAULT_SYSCTLS.tcp_orphan_retries, alive: boolean, softError = false): number {
  let retries = sysctl;
  if (softError && !alive) retries = 0;
  if (retries === 0 && alive) retries = 8;
  return retries;
}

export interface OrphanProbeState {
  /** icsk_rto in jiffies (not backed off: the persist timer backs off through icsk_backoff). */
  rtoJiffies: number;
  /** icsk_backoff: probes sent so far, capped at tcp_retries2 by tcp_send_probe0(). */
  backoff: number;
  /** icsk_probes_out: probes sent since the last ACK. */
  probesOut: number;
  /** tcp_rto_max(sk) in jiffies (TCP_RTO_MAX unless TCP_RTO_MAX_MS / tcp_rto_max_ms, 6.15+). */
  rtoMaxJiffies: number;
  /** net.ipv4.tcp_orphan_retries. */
  tcpOrphanRetries?: number;
  /** sk_err_soft set (an ICMP error arrived). */
  softError?: boolean;
}

export type OrphanProbeVerdict =
  | { abort: false; maxProbes: number; alive: boolean }
  | { abort: true; maxProbes: number; alive: boolean; reason: 'rto-max' | 'probes' };

/**
 * The SOCK_DEAD branch of tcp_probe_timer(), net/ipv4/tcp_timer.c (4.19 stable, 5.0,
 * 6.5; 6.15 with tcp_rto_max()), plus the probe-count test that follows it:
 *
 *   alive = inet_csk_rto_backoff(icsk, rto_max) < rto_max;
 *   max_probes = tcp_orphan_retries(sk, alive);
 *   if (!alive && icsk->icsk_backoff >= max_probes) goto abort;
 *   ...
 *   if (icsk->icsk_probes_out >= max_probes) abort;
 *
 * With the default sysctl (0): 8 unanswered probes while the backed-off RTO is below
 * RTO_MAX, and death at the first firing once it has reached RTO_MAX, answered or not.
 * (Kernels before 3976535af0cb compare `probes_out > max_probes`; pass offByOne.)
 */
export function orphanProbeVerdict(s: OrphanProbeState, offByOne = false): OrphanProbeVerdict {
  const backedOff = Math.min(s.rtoJiffies * 2 ** s.backoff, s.rtoMaxJiffies);
  const alive = backedOff < s.rtoMaxJiffies;
  const maxProbes = tcpOrphanRetries(s.tcpOrphanRetries ?? DEFAULT_SYSCTLS.tcp_orphan_retries, alive, s.softError ?? false);
  if (!alive && s.backoff >= maxProbes) return { abort: true, maxProbes, alive, reason: 'rto-max' };
  const exhausted = offByOne ? s.probesOut > maxProbes : s.probesOut >= maxProbes;
  if (exhausted) return { abort: true, maxProbes, alive, reason: 'probes' };
  return { abort: false, maxProbes, alive };
}

/**
 * retry_until for an orphan in tcp_write_timeout(), net/ipv4/tcp_timer.c (4.19 stable,
 * 5.0, 6.5; 6.15 compares with tcp_rto_max(sk)): the value that replaces tcp_retries2
 * in retransmits_timed_out(). `rto_s` is the current (backed-off) icsk_rto.
 * With the default sysctl this is 8 (tcp_model_timeout(8, 200 ms) = 102.2 s) while
 * the RTO is below RTO_MAX, and 0 (expired at the next RTO) once it has reached it.
 * rto.ts does not apply it; an orphan with unacked data should be predicted with
 * rtoSchedule({ ..., tcp_retries2: orphanRetransmitRetries(...) }) while alive.
 */
export function orphanRetransmitRetries(
  rto_s: number,
  tcpOrphanRetriesSysctl: number = DEFAULT_SYSCTLS.tcp_orphan_retries,
  rto_max_s: number = TCP_RTO_MAX_S,
  softError = false,
): number {
  return tcpOrphanRetries(tcpOrphanRetriesSysctl, rto_s < rto_max_s, softError);
}
