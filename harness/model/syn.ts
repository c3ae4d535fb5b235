// The handshake timers: SYN retransmission in SYN-SENT (connect()) and SYN-ACK
// retransmission of a request socket (SYN-RECV on the listener).
//
// Read: net/ipv4/tcp_timer.c tcp_write_timeout(), retransmits_timed_out() and
// tcp_retransmit_timer() in a 5.1-5.3 torvalds/linux snapshot, a late 4.19 stable
// tree, 6.1, and 6.5-6.6 (with tcp_syn_linear_timeouts); net/ipv4/tcp_output.c
// tcp_connect() (sets retrans_stamp at the first SYN, 3.18 through 6.x);
// net/ipv4/inet_connection_sock.c reqsk_timer_handler() and syn_ack_recalc() (6.x).

import { DEFAULT_SYSCTLS, TCP_RTO_MAX_S, TCP_RTO_MIN_S, TCP_TIMEOUT_INIT_S } from './kernel-facts.ts';
import { hzOf, modelledFacts, type KernelRef } from './kernel-ref.ts';
import { tcpModelTimeout } from './rto.ts';
import type { PredictedEvent, Schedule } from './schedule.ts';
import { timerEvent } from './timer-event.ts';
import { maxChainLateness_s } from './timer-wheel.ts';

export interface SynSentParams {
  /** net.ipv4.tcp_syn_retries. */
  tcp_syn_retries: number;
  /** TCP_SYNCNT on the socket; overrides tcp_syn_retries (icsk_syn_retries ?: sysctl). */
  syncnt?: number;
  /** TCP_USER_TIMEOUT in ms; 0 or absent = not set. */
  user_timeout_ms?: number;
  /** net.ipv4.tcp_syn_linear_timeouts (6.5+, default 4). Ignored by older kernels. */
  tcp_syn_linear_timeouts?: number;
}

const US = 1e6;
const CITE_SYN = 'tcp_retransmit_timer(), net/ipv4/tcp_timer.c (4.19 stable, 5.1-5.3, 6.1, 6.5)';
const CITE_SYN_DEATH = 'tcp_write_timeout()/retransmits_timed_out(), net/ipv4/tcp_timer.c (4.19 stable, 5.1-5.3, 6.1, 6.5)';
const CITE_SYNACK = 'reqsk_timer_handler()/syn_ack_recalc(), net/ipv4/inet_connection_sock.c (6.x)';
const MAX_FIRINGS = 10_000;

/**
 * previousDelayUs: the delay of the timer whose callback re-armed this one (both
 * handlers re-arm from inside the callback: tcp_retransmit_timer() via
 * inet_csk_reset_xmit_timer(), reqsk_timer_handler() via mod_timer()). The callback
 * runs at that timer's bucket expiry, so an equally coarse predecessor makes the
 * lateness exact (timer-wheel.ts alignedFiring). Measured on 6.18: SYNs 24 ms late
 * after a 1 s RTO, 16 ms after 2 s, 192 ms after 8 s, 1.536 s after 64 s.
 */
function event(id: string, label: string, tUs: number, after: string | null, delayUs: number, cite: string, hz: number, previousDelayUs?: number): PredictedEvent {
  // A one-jiffy clamp (past the user timeout) is not aligned: the phase is unknown.
  const previous = previousDelayUs !== undefined && delayUs > US / hz ? { previousDelay_s: previousDelayUs / US } : {};
  return timerEvent({ id, label, at_s: tUs / US, after, delay_s: delayUs / US, ...previous, cite, hz });
}

/**
 * SYN retransmissions and the connect() failure for a server that never answers.
 * Mirrors tcp_retransmit_timer() + tcp_write_timeout() + retransmits_timed_out(),
 * net/ipv4/tcp_timer.c, with the version differences of kernel-facts.ts:
 *
 * - every version: expired when icsk_retransmits >= retry_until
 *   (TCP_SYNCNT ?: tcp_syn_retries); the RTO starts at TCP_TIMEOUT_INIT and doubles.
 * - synSentHonoursUserTimeout (a41e8a88b06e, 5.4 / 4.19.77): also expired when
 *   retransmits_timed_out(sk, retry_until, user_timeout): now - retrans_stamp (the
 *   first SYN, set in tcp_connect()) >= user timeout, or, with none set,
 *   >= tcp_model_timeout(retry_until, rto_base).
 * - synSentRtoBaseRegression: that rto_base was TCP_RTO_MIN (0.2 s) instead of
 *   tcp_timeout_init() (1 s): 6 retries become a 25.4 s bound, so it gives up at the
 *   31 s firing after 4 retries.
 * - synLinearTimeouts (ccce324dabfe, 6.5): in SYN-SENT the count limit is
 *   retry_until + tcp_syn_linear_timeouts, and the RTO doubles only once
 *   icsk_backoff > tcp_syn_linear_timeouts. The TIME bound above still uses
 *   retry_until alone, so with a small TCP_SYNCNT it, not the count, ends connect().
 * - rtoClampedToUserTimeout: the re-armed timer is min(rto, remaining user timeout),
 *   or one jiffy once it has passed. Without synSentHonoursUserTimeout that makes the
 *   "burst of SYNs at the user timeout" until the count runs out.
 *
 * Anchor: the client sends the first SYN (connect()).
 */
export function synSentSchedule(p: SynSentParams, kernel: KernelRef, hz: number = hzOf(kernel)): Schedule {
  const facts = modelledFacts(kernel);
  const retryUntil = p.syncnt && p.syncnt > 0 ? p.syncnt : p.tcp_syn_retries;
  if (!(retryUntil >= 1)) throw new Error(`synSentSchedule: bad parameters ${JSON.stringify(p)}`);
  const linear = facts.synLinearTimeouts ? p.tcp_syn_linear_timeouts ?? DEFAULT_SYSCTLS.tcp_syn_linear_timeouts : 0;
  const maxRetransmits = retryUntil + linear;
  const userTimeoutUs = (p.user_timeout_ms ?? 0) * 1000;
  const rtoBase = facts.synSentRtoBaseRegression ? TCP_RTO_MIN_S : TCP_TIMEOUT_INIT_S;
  const timeBoundUs = facts.synSentHonoursUserTimeout
    ? userTimeoutUs > 0
      ? userTimeoutUs
      : Math.round(tcpModelTimeout(retryUntil, rtoBase) * US)
    : Infinity;
  const clamp = userTimeoutUs > 0 && facts.rtoClampedToUserTimeout;
  const jiffyUs = US / hz;

  const notes: string[] = [`retry limit ${maxRetransmits} SYN retransmissions (${p.syncnt ? 'TCP_SYNCNT' : 'tcp_syn_retries'} ${retryUntil}${linear ? ` + tcp_syn_linear_timeouts ${linear}` : ''})`];
  if (linear) notes.push(`first ${linear} backoffs linear at ${TCP_TIMEOUT_INIT_S} s (6.5+)`);
  if (p.tcp_syn_linear_timeouts !== undefined && !facts.synLinearTimeouts) {
    notes.push('tcp_syn_linear_timeouts does not exist before 6.5; ignored');
  }
  if (facts.synSentHonoursUserTimeout && userTimeoutUs === 0) {
    notes.push(`time bound tcp_model_timeout(${retryUntil}, ${rtoBase} s) = ${timeBoundUs / US} s from the first SYN`);
  }
  if (facts.synSentRtoBaseRegression) {
    notes.push('rto_base regression (a41e8a88b06e before 3256a2d6ab1f): SYN-SENT bound computed from 0.2 s');
  }
  if (userTimeoutUs > 0) {
    notes.push(
      facts.synSentHonoursUserTimeout
        ? `TCP_USER_TIMEOUT ${p.user_timeout_ms} ms bounds connect() in place of the time bound (a41e8a88b06e)`
        : clamp
          ? 'SYN-SENT ignores TCP_USER_TIMEOUT here, but the clamped RTO fires every jiffy past it: a burst of SYNs until the retry count runs out'
          : 'SYN-SENT ignores TCP_USER_TIMEOUT in this kernel',
    );
  }

  const events: PredictedEvent[] = [];
  let t = 0;
  let rto = TCP_TIMEOUT_INIT_S * US;
  let delay = rto; // tcp_connect() arms icsk_rto, unclamped
  let after: string | null = null;
  let retransmits = 0;
  let backoff = 0;
  const delays: number[] = [];
  let earliest: number | undefined;
  // Set when the clamp, not the RTO, timed the next firing: it is then due at
  // retrans_stamp + user timeout, i.e. measured from the anchor (see below).
  let clampedFromAnchor = false;
  const firing = (id: string, label: string, cite: string): PredictedEvent =>
    clampedFromAnchor
      ? // Measured from the anchor, but armed in the previous firing's callback with the clamped delay.
        timerEvent({ id, label, at_s: t / US, after: null, delay_s: t / US, firstArm: false, windowDelay_s: delay / US, cite, hz })
      : event(id, label, t, after, delay, cite, hz, delays.at(-2) === undefined ? undefined : delays.at(-2)! * US);

  for (let n = 0; n < MAX_FIRINGS; n++) {
    t += delay;
    delays.push(delay / US);
    const elapsed = t; // retrans_stamp = the first SYN (tcp_connect())
    const countExpired = retransmits >= maxRetransmits;
    const timeExpired = retransmits > 0 && elapsed >= timeBoundUs;
    if (countExpired || timeExpired) {
      const abort = firing('abort', 'connect() fails: ETIMEDOUT (no RST)', CITE_SYN_DEATH);
      if (earliest !== undefined) {
        abort.earliest_at_s = earliest / US;
        notes.push(`timer lateness may end it at the ${earliest / US} s firing instead`);
      }
      events.push(abort);
      notes.push(
        countExpired
          ? `gives up after ${retransmits} retransmissions (count)`
          : `gives up after ${retransmits} retransmissions (time bound ${timeBoundUs / US} s${userTimeoutUs > 0 ? ': TCP_USER_TIMEOUT' : ''})`,
      );
      return { anchor: 'client sends the first SYN (connect())', events, error: 'ETIMEDOUT', notes };
    }
    if (
      earliest === undefined &&
      retransmits > 0 &&
      Number.isFinite(timeBoundUs) &&
      elapsed + maxChainLateness_s(delays, hz) * US >= timeBoundUs
    ) {
      earliest = t;
    }
    retransmits += 1;
    backoff += 1;
    const id = `syn-retrans-${retransmits}`;
    events.push(firing(id, `SYN retransmission ${retransmits}`, CITE_SYN));
    after = id;
    // out_reset_timer: exponential unless SYN-SENT is still within its linear backoffs.
    if (!(linear > 0 && backoff <= linear)) rto = Math.min(rto * 2, TCP_RTO_MAX_S * US);
    delay = rto;
    if (clamp) {
      const remaining = userTimeoutUs - elapsed;
      delay = remaining <= 0 ? jiffyUs : Math.min(rto, remaining);
      // tcp_clamp_rto_to_user_timeout() computes the remaining time from
      // retrans_stamp (the first SYN) at the moment it re-arms, so the lateness of
      // earlier firings does not carry into this one: it fires at the user timeout
      // plus only its own wheel lateness. A remaining time equal to the RTO counts
      // too, because the real firings were late and the real remainder is smaller.
      clampedFromAnchor = remaining > 0 && remaining <= rto;
    }
  }
  throw new Error('synSentSchedule: no failure within 10000 firings');
}

export interface SynRecvParams {
  /** net.ipv4.tcp_synack_retries. */
  tcp_synack_retries: number;
  /** TCP_SYNCNT set on the LISTENING socket: reqsk_timer_handler() prefers it to the sysctl. */
  listener_syncnt?: number;
}

/**
 * SYN-ACK retransmissions of a request socket whose final ACK never arrives, and the
 * silent drop of the request. Mirrors reqsk_timer_handler() and syn_ack_recalc(),
 * net/ipv4/inet_connection_sock.c (read in a 6.x tree):
 *   max_syn_ack_retries = listener icsk_syn_retries ?: tcp_synack_retries
 *   expire = num_timeout >= max_syn_ack_retries  → inet_csk_reqsk_queue_drop_and_put()
 *   else resend, num_timeout++, re-arm min(timeout << num_timeout, TCP_RTO_MAX)
 * with the request's timeout = tcp_timeout_init() = TCP_TIMEOUT_INIT.
 * A request socket has no icsk_user_timeout and the handler never reads the
 * listener's, so TCP_USER_TIMEOUT has no effect. The drop sends no FIN and no RST.
 * Not modelled: the pruning of old requests when the SYN queue is more than half
 * full (max_syn_ack_retries shrinks), and TCP_DEFER_ACCEPT.
 *
 * Anchor: the server sends the first SYN-ACK.
 */
export function synRecvSchedule(p: SynRecvParams, kernel: KernelRef, hz: number = hzOf(kernel)): Schedule {
  modelledFacts(kernel); // validates; no version difference at default RTO_MAX
  const max = p.listener_syncnt && p.listener_syncnt > 0 ? p.listener_syncnt : p.tcp_synack_retries;
  if (!(max >= 0)) throw new Error(`synRecvSchedule: bad parameters ${JSON.stringify(p)}`);
  const timeout = TCP_TIMEOUT_INIT_S * US;
  const events: PredictedEvent[] = [];
  let t = 0;
  let delay = timeout;
  let previous: number | undefined;
  let after: string | null = null;
  for (let numTimeout = 0; ; numTimeout++) {
    t += delay;
    if (numTimeout >= max) {
      events.push(event('drop', 'request dropped silently (no FIN, no RST)', t, after, delay, CITE_SYNACK, hz, previous));
      return {
        anchor: 'server sends the first SYN-ACK',
        events,
        notes: [
          `${max} SYN-ACK retransmissions (${p.listener_syncnt ? 'listener TCP_SYNCNT' : 'tcp_synack_retries'})`,
          'TCP_USER_TIMEOUT has no effect on a request socket',
          'assumes a lightly loaded listener (no SYN-queue pruning)',
        ],
      };
    }
    const id = `synack-retrans-${numTimeout + 1}`;
    events.push(event(id, `SYN-ACK retransmission ${numTimeout + 1}`, t, after, delay, CITE_SYNACK, hz, previous));
    after = id;
    previous = delay;
    delay = Math.min(timeout * 2 ** (numTimeout + 1), TCP_RTO_MAX_S * US);
  }
}
