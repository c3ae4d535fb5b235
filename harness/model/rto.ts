// Data retransmission: tail loss probe, RTO backoff and the tcp_retries2 / user
// timeout death of a connection whose peer has gone silent with data unacked.
//
// Read: net/ipv4/tcp_timer.c tcp_retransmit_timer(), tcp_write_timeout(),
// retransmits_timed_out(), tcp_model_timeout(), tcp_clamp_rto_to_user_timeout() in a
// 5.0 torvalds/linux snapshot (01a523b0), a late 4.19 stable tree, 6.1 and the 6.5-6.6
// snapshot 602bf183; net/ipv4/tcp_output.c tcp_schedule_loss_probe(),
// tcp_send_loss_probe(), tcp_retransmit_skb() and __tcp_transmit_skb() (6.x).
//
// What the source says, step by step:
// - tcp_schedule_loss_probe(): PTO = 2*srtt + TCP_RTO_MIN when one packet is out, and
//   2*srtt + TCP_TIMEOUT_MIN_US (2 ms) when more are, rounded up to jiffies (before
//   1c2709cfff1d, 6.6: usecs_to_jiffies(2*srtt) + 2 jiffies), capped at the time left of
//   the RTO.
// - tcp_send_loss_probe() resends with __tcp_retransmit_skb() (retrans_stamp is
//   NOT set) and re-arms the RTO timer "from now" with the full icsk_rto.
// - tcp_retransmit_timer(): tcp_write_timeout() decides first; then
//   icsk_retransmits++, tcp_retransmit_skb(), icsk_rto = min(icsk_rto << 1, RTO_MAX),
//   and the timer is re-armed with tcp_clamp_rto_to_user_timeout() jiffies.
// - retransmits_timed_out() is false while icsk_retransmits == 0, and otherwise
//   compares now - retrans_stamp (milliseconds) with the user timeout, or with
//   tcp_model_timeout(tcp_retries2, TCP_RTO_MIN) = jiffies_to_msecs(…).
// - retrans_stamp is set by the first tcp_retransmit_skb(), to the skb's timestamp,
//   which __tcp_transmit_skb() has just set to the time of that retransmission.
//   So the bound runs from the FIRST RTO RETRANSMISSION, not from the original send
//   (the original kernel notes said "since the first unacked transmission"; docs/timer-model.md).
//
// Every delay is whole jiffies (icsk_rto is kept in jiffies: 204 ms on loopback is
// 51 jiffies at HZ=250), and every firing after the first is armed from the callback
// of the previous one, so the timer wheel's lateness is exact wherever the previous
// timer was at least as coarse (timer-wheel.ts alignedFiring) and one granule at most
// elsewhere. The model carries that lateness along the chain to decide WHICH firing
// crosses the tcp_retries2 bound: measured on 6.18, a 204 ms chain runs 6.528 → 6.656 s
// and 13.056 → 13.312 s, i.e. about 1 % late, which decides the count near the bound.

import { TCP_RTO_MAX_S, TCP_RTO_MIN_S, TCP_TIMEOUT_MIN_JIFFIES } from './kernel-facts.ts';
import { hzOf, modelledFacts, type KernelRef } from './kernel-ref.ts';
import type { PredictedEvent, Schedule } from './schedule.ts';
import { timerEvent } from './timer-event.ts';
import { alignedFiring, granuleJiffies, secondsToJiffies } from './timer-wheel.ts';

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
  /** Whether a tail loss probe goes first (tcp_early_retrans 3 or 4, SACK, CA state Open). */
  tlp: boolean;
  /** Smoothed RTT (tcpi_rtt), seconds. Omit on loopback: 2*srtt is then a few microseconds. */
  srtt_s?: number;
  /** Segments in flight when the loss probe is scheduled (default 1: TCP_RTO_MIN is added to the PTO). */
  packets_out?: number;
}

/** include/net/tcp.h TCP_TIMEOUT_MIN_US: the loss probe's floor with several packets out (1c2709cfff1d). */
const TCP_TIMEOUT_MIN_US_S = 0.002;
/** An srtt the caller did not give: a loopback one, well below a jiffy (rounds up to 1). */
const LOOPBACK_FLOOR_S = 1e-6;
const CITE_TLP = 'tcp_schedule_loss_probe()/tcp_send_loss_probe(), net/ipv4/tcp_output.c, v6.x';
const CITE_RTO = 'tcp_retransmit_timer(), net/ipv4/tcp_timer.c (4.19 stable, 5.0, 6.1, 6.5)';
const CITE_DEATH = 'tcp_write_timeout()/retransmits_timed_out(), net/ipv4/tcp_timer.c (4.19 stable, 5.0, 6.1, 6.5)';
const CITE_CLAMP = 'tcp_clamp_rto_to_user_timeout() + retransmits_timed_out(), net/ipv4/tcp_timer.c (4.19 stable, 5.0, 6.1, 6.5)';
const MAX_FIRINGS = 10_000;

/** How late a firing is, in jiffies after its nominal delay: exact when aligned, else 1..granule. */
interface Lateness {
  lo: number;
  hi: number;
}

function lateness(delayJ: number, previousDelayJ: number | undefined, hz: number): Lateness & { aligned?: PredictedEvent['aligned'] } {
  const aligned = previousDelayJ === undefined ? undefined : alignedFiring(delayJ / hz, previousDelayJ / hz, hz);
  if (aligned) {
    const j = Math.round(aligned.late_s * hz);
    return { lo: j, hi: j, aligned };
  }
  return { lo: 1, hi: granuleJiffies(delayJ, hz) };
}

/**
 * Predict the retransmissions of unacked data and the socket's death.
 * Mirrors tcp_retransmit_timer() + tcp_write_timeout() + tcp_clamp_rto_to_user_timeout(),
 * net/ipv4/tcp_timer.c (read in 4.19 stable, 5.0, 6.1, 6.5), with the tail loss probe
 * of tcp_schedule_loss_probe(), net/ipv4/tcp_output.c (6.x), all in jiffies.
 *
 * Events: 'tlp', 'rto-N' (RTO retransmission N), 'abort' (ETIMEDOUT, no RST).
 * `at_s` is nominal (the sum of the armed delays); each event also carries the exact
 * timer-wheel lateness where it is known (`aligned`).
 * Anchor: the first transmission of the data segment that is never acknowledged.
 */
export function rtoSchedule(p: RtoParams, kernel: KernelRef, hz: number = hzOf(kernel)): Schedule {
  const facts = modelledFacts(kernel);
  if (!(p.rto_s > 0 && p.tcp_retries2 >= 0 && p.user_timeout_ms >= 0 && (p.packets_out ?? 1) >= 1)) {
    throw new Error(`rtoSchedule: bad parameters ${JSON.stringify(p)}`);
  }
  const jiffyMs = 1000 / hz;
  const rtoMaxJ = TCP_RTO_MAX_S * hz;
  const utMs = p.user_timeout_ms;
  const boundMs = utMs > 0 ? utMs : Math.round(tcpModelTimeout(p.tcp_retries2) * 1000);
  const clamp = utMs > 0 && facts.rtoClampedToUserTimeout;

  const notes: string[] = [
    utMs > 0
      ? `TCP_USER_TIMEOUT ${utMs} ms bounds the retransmissions; tcp_retries2 is ignored`
      : `tcp_retries2=${p.tcp_retries2}: dies at the first RTO firing ${tcpModelTimeout(p.tcp_retries2)} s or more after the first RTO retransmission`,
    'retrans_stamp (where the bound starts) is the first RTO retransmission, not the original send nor the TLP',
    'delays in whole jiffies; each firing re-arms the next from its callback, so the timer-wheel lateness is carried along the chain',
    'keepalive never runs while data is unacked',
  ];
  if (utMs > 0) {
    notes.push(
      clamp
        ? 'RTO clamped to the remaining user timeout (tcp_clamp_rto_to_user_timeout): death at the first firing at or past the user timeout, at most one granule after it'
        : 'no tcp_clamp_rto_to_user_timeout in this kernel: death at the next RTO firing after the user timeout',
    );
  }

  const events: PredictedEvent[] = [];
  // The send arms the first timer (after: the anchor); every later one is re-armed in
  // the callback of the previous firing (previousJ), which may make its lateness exact.
  const ev = (id: string, label: string, tJ: number, after: string | null, delayJ: number, cite: string, previousDelayJ?: number, windowDelayJ?: number): PredictedEvent =>
    timerEvent({
      id,
      label,
      at_s: tJ / hz,
      after,
      delay_s: delayJ / hz,
      ...(previousDelayJ !== undefined ? { previousDelay_s: previousDelayJ / hz } : {}),
      ...(windowDelayJ !== undefined ? { windowDelay_s: windowDelayJ / hz } : {}),
      cite,
      hz,
    });

  let t = 0; // nominal jiffies since the anchor
  let after: string | null = null;
  let previousJ: number | undefined; // delay of the timer whose callback arms the next one
  let rtoJ = Math.max(1, secondsToJiffies(p.rto_s, hz));
  if (p.tlp) {
    // 2*srtt plus TCP_RTO_MIN with one packet out, else a floor: TCP_TIMEOUT_MIN_US (2 ms)
    // added before the rounding to jiffies since 1c2709cfff1d, 2 jiffies added after it before.
    const one = (p.packets_out ?? 1) === 1;
    const twoSrtt_s = 2 * (p.srtt_s ?? LOOPBACK_FLOOR_S);
    const ptoRawJ = facts.tlpTimeoutMinUs
      ? secondsToJiffies(twoSrtt_s + (one ? TCP_RTO_MIN_S : TCP_TIMEOUT_MIN_US_S), hz)
      : Math.max(1, secondsToJiffies(twoSrtt_s, hz)) + (one ? secondsToJiffies(TCP_RTO_MIN_S, hz) : TCP_TIMEOUT_MIN_JIFFIES);
    const ptoJ = Math.min(ptoRawJ, rtoJ);
    t = ptoJ;
    // Armed by the send itself, not by a timer callback (tick-phase.ts).
    events.push(ev('tlp', 'tail loss probe', t, null, ptoJ, CITE_TLP));
    after = 'tlp';
    previousJ = ptoJ;
  }

  let delayJ = rtoJ; // armed at the send, or re-armed "from now" by the TLP
  let retransmits = 0;
  let stampJ = 0; // nominal time of the first RTO retransmission
  const late: Lateness = { lo: 0, hi: 0 }; // accumulated since the stamp
  let earliest: number | undefined;

  for (let firing = 0; firing < MAX_FIRINGS; firing++) {
    t += delayJ;
    const l = lateness(delayJ, previousJ, hz);
    if (retransmits > 0) {
      late.lo += l.lo;
      late.hi += l.hi;
      // tcp_time_stamp() - retrans_stamp, both in ms truncated from the ns clock: ±1 ms.
      const loMs = (t - stampJ + late.lo) * jiffyMs - 1;
      const hiMs = (t - stampJ + late.hi) * jiffyMs + 1;
      if (loMs >= boundMs) {
        const label = utMs > 0 ? 'ETIMEDOUT: the user timeout has passed (no RST)' : 'ETIMEDOUT: retransmissions give up (no RST)';
        const death = ev('abort', label, t, after, delayJ, CITE_DEATH, previousJ);
        if (earliest !== undefined) {
          death.earliest_at_s = earliest / hz;
          notes.push(`timer lateness may end it one RTO earlier: at ${earliest / hz} s nominal`);
        }
        events.push(death);
        return done(events, notes);
      }
      if (hiMs >= boundMs && earliest === undefined) earliest = t;
    }
    retransmits += 1;
    if (retransmits === 1) stampJ = t;
    const id = `rto-${retransmits}`;
    events.push(ev(id, `RTO retransmission ${retransmits}`, t, after, delayJ, CITE_RTO, previousJ));
    after = id;
    previousJ = delayJ;
    rtoJ = Math.min(rtoJ * 2, rtoMaxJ);
    delayJ = rtoJ;

    if (clamp) {
      // Elapsed since retrans_stamp now, and when an unclamped next firing could land.
      const elapsedLoJ = t - stampJ + late.lo;
      const elapsedHiJ = t - stampJ + late.hi;
      const utJ = utMs / jiffyMs;
      const nextHiJ = elapsedHiJ + rtoJ + granuleJiffies(rtoJ, hz);
      if (nextHiJ * jiffyMs + 1 >= utMs) {
        // tcp_clamp_rto_to_user_timeout(): the next timer is min(icsk_rto, remaining),
        // so death comes at the first firing at or past stamp + user timeout, late by at
        // most the granule of whichever timer was armed (the clamped one is no coarser).
        if (elapsedLoJ + rtoJ + 1 < utJ) {
          notes.push(`the RTO firing at ${(t + rtoJ) / hz} s nominal may still come just before the user timeout (one more retransmission)`);
        }
        // Early by one jiffy (retrans_stamp is in ms: the kernel may decide up to 1 ms
        // early), late by at most the granule of the unclamped RTO.
        const death = ev('abort', 'ETIMEDOUT: the user timeout has passed (no RST)', stampJ + utJ, 'rto-1', utJ, CITE_CLAMP, undefined, rtoJ);
        events.push(death);
        return done(events, notes);
      }
    }
  }
  throw new Error('rtoSchedule: no death within 10000 RTO firings');
}

function done(events: PredictedEvent[], notes: string[]): Schedule {
  return { anchor: 'client first sends the data segment (never acked)', events, error: 'ETIMEDOUT', notes };
}
