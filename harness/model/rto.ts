// Data retransmission: tail loss probe, RTO backoff and the tcp_retries2 / user
// timeout death of a connection whose peer has gone silent with data unacked.
//
// Read: net/ipv4/tcp_timer.c tcp_retransmit_timer(), tcp_write_timeout(),
// retransmits_timed_out(), tcp_model_timeout(), tcp_clamp_rto_to_user_timeout() in a
// 5.1-5.3 torvalds/linux snapshot, a late 4.19 stable tree, 6.1 and 6.5-6.6 trees;
// net/ipv4/tcp_output.c tcp_schedule_loss_probe(), tcp_send_loss_probe(),
// tcp_retransmit_skb() and __tcp_transmit_skb() (6.x).
//
// What the source says, step by step:
// - tcp_schedule_loss_probe(): PTO = 2*srtt (usecs_to_jiffies, so at least one
//   jiffy) + TCP_RTO_MIN when one packet is out, capped at the RTO.
// - tcp_send_loss_probe() resends with __tcp_retransmit_skb() (retrans_stamp is
//   NOT set) and re-arms the RTO timer "from now" with the full icsk_rto.
// - tcp_retransmit_timer(): tcp_write_timeout() decides first; then
//   icsk_retransmits++, tcp_retransmit_skb(), icsk_rto = min(icsk_rto << 1, RTO_MAX),
//   and the timer is re-armed with tcp_clamp_rto_to_user_timeout().
// - retransmits_timed_out() is false while icsk_retransmits == 0, and otherwise
//   compares now - retrans_stamp with the user timeout, or with
//   tcp_model_timeout(tcp_retries2, TCP_RTO_MIN).
// - retrans_stamp is set by the first tcp_retransmit_skb(), to the skb's timestamp,
//   which __tcp_transmit_skb() has just set to the time of that retransmission.
//   So the bound runs from the FIRST RTO RETRANSMISSION, not from the original send
//   (KERNEL-NOTES.md says "since the first unacked transmission").

import { DEFAULT_HZ, TCP_RTO_MAX_S, TCP_RTO_MIN_S, factsFor } from './kernel-facts.ts';
import type { PredictedEvent, Schedule } from './schedule.ts';
import { fireWindow, maxChainLateness_s } from './timer-wheel.ts';

/**
 * The time `boundary` exponential backoffs from `rto_base_s` would take.
 * Mirrors tcp_model_timeout(), net/ipv4/tcp_timer.c (read in 6.1 and 6.5; the same
 * computation sat inline in retransmits_timed_out() before 5.1):
 *   thresh = ilog2(TCP_RTO_MAX / rto_base)
 *   boundary <= thresh: (2^(boundary+1) - 1) * rto_base
 *   otherwise:          (2^(thresh+1) - 1) * rto_base + (boundary - thresh) * TCP_RTO_MAX
 * Computed in integer milliseconds, as jiffies_to_msecs() returns it.
 */
export function tcpModelTimeout(boundary: number, rto_base_s: number = TCP_RTO_MIN_S, rto_max_s: number = TCP_RTO_MAX_S): number {
  const base = Math.round(rto_base_s * 1000);
  const max = Math.round(rto_max_s * 1000);
  const thresh = Math.floor(Math.log2(Math.floor(max / base)));
  const ms =
    boundary <= thresh
      ? (2 ** (boundary + 1) - 1) * base
      : (2 ** (thresh + 1) - 1) * base + (boundary - thresh) * max;
  return ms / 1000;
}

export interface RtoParams {
  /** icsk_rto when the segment is sent (tcpi_rto), seconds: ~0.2 s plus a little on loopback. */
  rto_s: number;
  /** net.ipv4.tcp_retries2. Ignored when user_timeout_ms is set (tcp_write_timeout passes the user timeout). */
  tcp_retries2: number;
  /** TCP_USER_TIMEOUT in ms; 0 = not set. */
  user_timeout_ms: number;
  /** Whether a tail loss probe goes first (tcp_early_retrans 3 or 4, SACK, one segment out). */
  tlp: boolean;
  /** Smoothed RTT (tcpi_rtt), seconds. Omit on loopback: 2*srtt then rounds up to one jiffy. */
  srtt_s?: number;
}

const US = 1e6;
const CITE_TLP = 'tcp_schedule_loss_probe()/tcp_send_loss_probe(), net/ipv4/tcp_output.c, v6.x';
const CITE_RTO = 'tcp_retransmit_timer(), net/ipv4/tcp_timer.c (4.19 stable, 5.1-5.3, 6.1, 6.5)';
const CITE_DEATH = 'tcp_write_timeout()/retransmits_timed_out(), net/ipv4/tcp_timer.c (4.19 stable, 5.1-5.3, 6.1, 6.5)';
const MAX_FIRINGS = 10_000;

/**
 * Predict the retransmissions of one unacked segment and the socket's death.
 * Mirrors tcp_retransmit_timer() + tcp_write_timeout() + tcp_clamp_rto_to_user_timeout(),
 * net/ipv4/tcp_timer.c (read in 4.19 stable, 5.1-5.3, 6.1, 6.5), with the tail loss
 * probe of tcp_schedule_loss_probe(), net/ipv4/tcp_output.c (6.x).
 *
 * Anchor: the first transmission of the data segment that is never acknowledged.
 */
export function rtoSchedule(p: RtoParams, kernel: string, hz: number = DEFAULT_HZ): Schedule {
  const facts = factsFor(kernel);
  if (!(p.rto_s > 0 && p.tcp_retries2 >= 0 && p.user_timeout_ms >= 0)) {
    throw new Error(`rtoSchedule: bad parameters ${JSON.stringify(p)}`);
  }
  const jiffyUs = US / hz;
  const rtoMaxUs = TCP_RTO_MAX_S * US;
  const userTimeoutUs = p.user_timeout_ms * 1000;
  const boundUs = userTimeoutUs > 0 ? userTimeoutUs : Math.round(tcpModelTimeout(p.tcp_retries2) * US);
  const clamp = userTimeoutUs > 0 && facts.rtoClampedToUserTimeout;

  const events: PredictedEvent[] = [];
  const notes: string[] = [
    userTimeoutUs > 0
      ? `TCP_USER_TIMEOUT ${p.user_timeout_ms} ms bounds the retransmissions; tcp_retries2 is ignored`
      : `tcp_retries2=${p.tcp_retries2}: dies at the first RTO firing ${tcpModelTimeout(p.tcp_retries2)} s or more after the first RTO retransmission`,
    'retrans_stamp (where the bound starts) is the first RTO retransmission, not the original send nor the TLP',
    'keepalive never runs while data is unacked',
  ];
  if (userTimeoutUs > 0) {
    notes.push(
      clamp
        ? 'RTO clamped to the remaining user timeout (tcp_clamp_rto_to_user_timeout): death at the user timeout'
        : 'no tcp_clamp_rto_to_user_timeout in this kernel: death at the next RTO firing after the user timeout',
    );
  }

  const ev = (id: string, label: string, tUs: number, after: string | null, delayUs: number, cite: string): PredictedEvent => ({
    id,
    label,
    at_s: tUs / US,
    after,
    delay_s: delayUs / US,
    ...fireWindow(delayUs / US, hz),
    cite,
  });

  let t = 0;
  let after: string | null = null;
  let rto = Math.round(p.rto_s * US);
  if (p.tlp) {
    const twoSrttJiffies = Math.max(1, Math.ceil(2 * (p.srtt_s ?? 0) * hz - 1e-9));
    const pto = Math.min(twoSrttJiffies * jiffyUs + TCP_RTO_MIN_S * US, rto);
    t = pto;
    events.push(ev('tlp', 'tail loss probe', t, null, pto, CITE_TLP));
    after = 'tlp';
  }

  let delay = rto; // armed at the send, or re-armed "from now" by the TLP
  let retransmits = 0;
  let stamp = 0;
  const delaysSinceStamp: number[] = [];
  let earliest: number | undefined;

  for (let firing = 0; firing < MAX_FIRINGS; firing++) {
    t += delay;
    if (retransmits > 0) {
      const elapsed = t - stamp;
      if (elapsed >= boundUs) {
        const death = ev('abort', 'ETIMEDOUT: retransmissions give up (no RST)', t, after, delay, CITE_DEATH);
        if (earliest !== undefined) {
          death.earliest_at_s = earliest / US;
          notes.push(
            `timer lateness may end it one or more RTOs early: at ${earliest / US} s nominal at the earliest`,
          );
        }
        events.push(death);
        return { anchor: 'client first sends the data segment (never acked)', events, error: 'ETIMEDOUT', notes };
      }
      const lateness = maxChainLateness_s(delaysSinceStamp, hz) * US;
      if (earliest === undefined && elapsed + lateness >= boundUs) earliest = t;
    }
    retransmits += 1;
    if (retransmits === 1) stamp = t;
    const id = `rto-${retransmits}`;
    events.push(ev(id, `RTO retransmission ${retransmits}`, t, after, delay, CITE_RTO));
    after = id;
    rto = Math.min(rto * 2, rtoMaxUs);
    delay = rto;
    if (clamp) {
      const remaining = userTimeoutUs - (t - stamp);
      delay = remaining <= 0 ? jiffyUs : Math.min(rto, remaining);
    }
    delaysSinceStamp.push(delay / US);
  }
  throw new Error('rtoSchedule: no death within 10000 RTO firings');
}
