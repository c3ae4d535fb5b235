// The keepalive timer of an idle ESTABLISHED socket whose peer has gone silent.
//
// Read: tcp_keepalive_timer(), net/ipv4/tcp_timer.c, in a 5.1-5.3 era torvalds/linux
// snapshot (01a523b0), a 6.1-6.4 era tree (CachyOS/linux 19599a29), a 6.5-6.6 era
// torvalds/linux snapshot (602bf183), and the mainline form Neal Cardwell quoted on
// netdev in January 2025 (6.13 era, with SK_RST_REASON_TCP_KEEPALIVE_TIMEOUT). Of the
// 6.16+ code (timer moved to icsk_keepalive_timer) only the function header was seen;
// 6.18 itself was not read in full. The decision logic is the same in all of them:
//
//   elapsed = keepalive_time_elapsed(tp);           // now - last packet received
//   if (elapsed >= keepalive_time_when(tp)) {
//     if ((user_timeout && elapsed >= msecs_to_jiffies(user_timeout) && probes_out > 0) ||
//         (!user_timeout && probes_out >= keepalive_probes(tp))) {
//       tcp_send_active_reset(); tcp_write_err();   // RST, sk_err = ETIMEDOUT
//     }
//     tcp_write_wakeup(); probes_out++; elapsed = keepalive_intvl_when(tp);
//   } else elapsed = keepalive_time_when(tp) - elapsed;
//   inet_csk_reset_keepalive_timer(sk, elapsed);
//
// No version clamps the keepalive timer to TCP_USER_TIMEOUT: the next firing is
// always keepalive_intvl later (tcp_clamp_rto_to_user_timeout() is for the
// retransmit timer and tcp_clamp_probe0_to_user_timeout() for the zero-window
// probe timer; neither touches sk_timer). So with a user timeout the socket dies
// at the first keepalive firing at or after the user timeout, not at it.
// The timer only does this while nothing is in flight and the send queue is
// empty (`tp->packets_out || !tcp_write_queue_empty(sk)` → just re-arm).

import { hzOf, modelledFacts, type KernelRef } from './kernel-ref.ts';
import type { PredictedEvent, Schedule } from './schedule.ts';
import { timerEvent } from './timer-event.ts';
import { maxChainLateness_s } from './timer-wheel.ts';

export interface KeepaliveParams {
  /** TCP_KEEPIDLE (or tcp_keepalive_time), seconds. */
  keepidle_s: number;
  /** TCP_KEEPINTVL (or tcp_keepalive_intvl), seconds. */
  keepintvl_s: number;
  /** TCP_KEEPCNT (or tcp_keepalive_probes). */
  keepcnt: number;
  /** TCP_USER_TIMEOUT in ms; 0 = not set. */
  user_timeout_ms: number;
}

const CITE = 'tcp_keepalive_timer(), net/ipv4/tcp_timer.c (same logic in 5.1-5.3, 6.1, 6.5, 6.13 mainline)';

/** Guards the loop against parameters that would probe for ever (keepcnt ignored, huge user timeout). */
const MAX_PROBES = 10_000;

/**
 * Predict keepalive probes and the abort for a peer that never answers.
 * Mirrors tcp_keepalive_timer(), net/ipv4/tcp_timer.c (read in 5.1-5.3, 6.1, 6.5-6.6
 * and January 2025 mainline; no version differs here). Times are nominal; each
 * event carries its timer-wheel window, and `earliest_at_s` on the abort when
 * lateness could reach the user timeout at an earlier firing.
 *
 * Anchor: the client last received a packet (the handshake's SYN-ACK): that is
 * what keepalive_time_elapsed() measures from (tp->rcv_tstamp / icsk_ack.lrcvtime).
 */
export function keepaliveSchedule(p: KeepaliveParams, kernel: KernelRef, hz: number = hzOf(kernel)): Schedule {
  modelledFacts(kernel); // validates; the logic does not vary between versions (4.8+)
  if (!(p.keepidle_s > 0 && p.keepintvl_s > 0 && p.keepcnt >= 1 && p.user_timeout_ms >= 0)) {
    throw new Error(`keepaliveSchedule: bad parameters ${JSON.stringify(p)}`);
  }
  const userTimeout_s = p.user_timeout_ms / 1000;
  const events: PredictedEvent[] = [];
  const notes: string[] = [
    'keepalive runs only while nothing is in flight and the send queue is empty',
    'the keepalive timer is not clamped to TCP_USER_TIMEOUT in any version read (5.1 to 2025 mainline)',
  ];

  let t = p.keepidle_s; // first firing: rcv_tstamp + keepalive_time
  let delay = p.keepidle_s;
  let after: string | null = null;
  let probesOut = 0;
  const delays: number[] = [];
  let earliest: number | undefined;

  for (;;) {
    const elapsed = t; // nothing is ever received after the anchor
    delays.push(delay);
    // Probe 1 is armed by tcp_finish_connect(), outside a timer callback (tick-phase.ts);
    // probe N+1 (and the abort) in the callback of the previous firing.
    const firing = (id: string, label: string): PredictedEvent =>
      timerEvent({ id, label, at_s: t, after, delay_s: delay, previousDelay_s: delays.at(-2), cite: CITE, hz });
    const userTimedOut = userTimeout_s > 0 && elapsed >= userTimeout_s - 1e-9 && probesOut > 0;
    const countExhausted = userTimeout_s === 0 && probesOut >= p.keepcnt;
    if (userTimedOut || countExhausted) {
      const abort = firing('abort', 'RST: keepalive gives up');
      if (earliest !== undefined) {
        abort.earliest_at_s = earliest;
        notes.push(`timer lateness may bring the abort forward to the firing at ${earliest} s`);
      }
      events.push(abort);
      notes.push(
        userTimedOut
          ? `TCP_USER_TIMEOUT ${p.user_timeout_ms} ms: abort at the first keepalive firing at or after it with a probe out; TCP_KEEPCNT ignored`
          : `TCP_KEEPCNT ${p.keepcnt}: abort at the firing after the last probe`,
      );
      return { anchor: 'the client processes the SYN-ACK (its last received packet) and ACKs it', events, error: 'ETIMEDOUT', notes };
    }
    // elapsed is measured in jiffies and every firing is late by up to a granule, so
    // a firing just short of the user timeout nominally may already be past it.
    if (
      earliest === undefined &&
      userTimeout_s > 0 &&
      probesOut > 0 &&
      elapsed + maxChainLateness_s(delays, hz) >= userTimeout_s
    ) {
      earliest = t;
    }
    if (probesOut >= MAX_PROBES) throw new Error('keepaliveSchedule: no abort within 10000 probes');
    probesOut += 1;
    const id = `probe-${probesOut}`;
    events.push(firing(id, `keepalive probe ${probesOut}`));
    after = id;
    delay = p.keepintvl_s;
    // Multiply rather than accumulate, so 0.1 s intervals do not drift in floating point.
    t = p.keepidle_s + probesOut * p.keepintvl_s;
  }
}
