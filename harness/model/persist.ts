// The persist (zero-window probe) timer: a sender with data queued and nothing in
// flight, facing a zero window, probes with backoff until the window opens or the
// socket gives up.
//
// Read (net/ipv4/tcp_timer.c tcp_probe_timer(), net/ipv4/tcp_output.c
// tcp_send_probe0(), include/net/tcp.h tcp_probe0_base()/tcp_probe0_when()/
// tcp_check_probe_timer(), net/ipv4/tcp_input.c tcp_ack()/tcp_ack_probe()):
// - a 4.19 stable tree (4.19.325) and the 4.19 stable patches of 3976535af0cb;
// - the Jan 2019 torvalds/linux snapshot 01a523b0 (5.0, just before 9721e709fa68);
// - the 5.4 stable backports of 9d9b1ee0b2d1 (5.4.93) and 344db93ae3ee (5.4.96), the
//   5.10 backport of 344db93ae3ee (5.10.13), and the mainline patch mails;
// - the 6.5-6.6 snapshot 602bf183 and the 6.15 patch 54a378f43425 (tcp_rto_max()).
//
// What the source says:
// - tcp_check_probe_timer(): when nothing is in flight and no timer is pending, the
//   persist timer is armed with tcp_probe0_base() = max(icsk_rto, TCP_RTO_MIN), not
//   backed off. That happens when the ACK that closes the window arrives (the anchor).
// - tcp_probe_timer(), at each firing, in this order:
//   1. the TCP_USER_TIMEOUT test, in one of three forms (kernel-facts.ts):
//      - up to 5.0 (4.19 stable): start_ts = timestamp of the unsent head skb, stamped
//        "now" at the first firing; abort once now - start_ts > user_timeout (ms);
//      - 5.1 to the fix (probe0UserTimeoutModelled, 9721e709fa68): abort once
//        tcp_model_timeout(icsk_probes_out, tcp_probe0_base) >= user_timeout. Every
//        ACK resets icsk_probes_out, so answered probes never reach it;
//      - 9d9b1ee0b2d1 on (probe0UserTimeoutStamp): icsk_probes_tstamp = now at the
//        first firing, cleared only by an ACK that opens the window; abort once
//        now - icsk_probes_tstamp >= msecs_to_jiffies(user_timeout);
//   2. max_probes = tcp_retries2, or for an orphan tcp_orphan_retries() and the
//      RTO_MAX test (orphan.ts);
//   3. abort once icsk_probes_out >= max_probes (`>` before 3976535af0cb);
//   4. otherwise tcp_send_probe0(): icsk_probes_out++, icsk_backoff++ (only while
//      below tcp_retries2), re-arm tcp_probe0_when() = min(base << backoff, RTO_MAX),
//      clamped to the remaining user timeout (at least TCP_TIMEOUT_MIN = 2 jiffies)
//      by tcp_clamp_probe0_to_user_timeout() from 344db93ae3ee on.
// - The abort is tcp_write_err(): sk_err = ETIMEDOUT, tcp_done(), no FIN and no RST.
// - A peer that answers a probe with a zero window: tcp_ack() sets icsk_probes_out = 0
//   and tcp_ack_probe() re-arms the timer from the ACK with the same tcp_probe0_when()
//   (clamped from 344db93ae3ee on). icsk_backoff keeps growing, so on loopback the
//   firing times are the same as for unanswered probes; only the counts differ.
// Not modelled: local congestion (tcp_write_wakeup() > 0: TCP_RESOURCE_PROBE_INTERVAL),
// tcp_out_of_resources() (orphan limit, memory pressure), internal pacing delay, and a
// peer that sends its own segments more often than the probe interval (each of its
// zero-window ACKs re-arms the timer, so it may never fire: netdev, Oct 2025).

import { DEFAULT_SYSCTLS, TCP_RTO_MAX_S, TCP_TIMEOUT_MIN_JIFFIES, type KernelFacts } from './kernel-facts.ts';
import { hzOf, modelledFacts, type KernelRef } from './kernel-ref.ts';
import { orphanProbeVerdict } from './orphan.ts';
import type { PredictedEvent, Schedule } from './schedule.ts';
import { timerEvent } from './timer-event.ts';
import { maxChainLateness_s, secondsToJiffies } from './timer-wheel.ts';

export interface PersistParams {
  /** icsk_rto (tcpi_rto) when the window closed, seconds: ~0.2 s plus a little on loopback. */
  rto_s: number;
  /** net.ipv4.tcp_retries2: the probe count for a live socket, and the icsk_backoff cap. */
  tcp_retries2: number;
  /** TCP_USER_TIMEOUT in ms; 0 = not set. */
  user_timeout_ms: number;
  /** The application has closed the socket (SOCK_DEAD): tcp_orphan_retries applies. */
  orphan?: boolean;
  /** When close() made it an orphan, seconds after the anchor (default 0: before the first probe). */
  orphan_at_s?: number;
  /** net.ipv4.tcp_orphan_retries (default 0: "8 while alive"). */
  tcp_orphan_retries?: number;
  /**
   * The peer answers every probe with a zero-window ACK (test-pacing: a live receiver
   * that does not read). Default false: the probes are lost (test-zero: all dropped).
   */
  peer_answers?: boolean;
  /**
   * The answers arrive within the jiffy of the probe (loopback: microseconds later), so
   * tcp_ack_probe() re-arms the timer at the firing's jiffy and its lateness is as exact
   * as a re-arm from the timer callback (timer-wheel.ts alignedFiring). Measured on 6.18:
   * an answered 832 ms probe interval fires 864 ms after the previous probe, as aligned.
   */
  answers_within_jiffy?: boolean;
  /** TCP_RTO_MAX_MS / tcp_rto_max_ms in seconds (1..120); honoured only from 6.15 (rtoMaxSettable). */
  rto_max_s?: number;
  /** Stop predicting after this long when the socket never dies (default 3600 s). */
  horizon_s?: number;
}

type UserTimeoutForm = 'head-skb' | 'modelled' | 'probes-tstamp';

const CITE_PROBE = 'tcp_probe_timer()/tcp_send_probe0(), net/ipv4/tcp_timer.c + tcp_output.c (4.19 stable, 5.0, 5.4/5.10 stable, 6.5, 6.15)';
const CITE_ABORT = 'tcp_probe_timer() → tcp_write_err(), net/ipv4/tcp_timer.c (4.19 stable, 5.0, 5.4/5.10 stable, 6.5, 6.15)';
const CITE_ORPHAN = 'tcp_probe_timer() SOCK_DEAD branch + tcp_orphan_retries(), net/ipv4/tcp_timer.c (4.19 stable, 5.0, 6.5, 6.15)';
const MAX_FIRINGS = 10_000;

function userTimeoutForm(f: KernelFacts): UserTimeoutForm {
  if (f.probe0UserTimeoutStamp) return 'probes-tstamp';
  if (f.probe0UserTimeoutModelled) return 'modelled';
  return 'head-skb';
}

/** tcp_model_timeout(sk, boundary, rto_base) in ms, with TCP_RTO_MAX (the 5.1-5.10 form). */
function modelTimeoutMs(boundary: number, baseJ: number, rtoMaxJ: number, hz: number): number {
  const thresh = Math.floor(Math.log2(Math.floor(rtoMaxJ / baseJ)));
  const j = boundary <= thresh ? (2 ** (boundary + 1) - 1) * baseJ : (2 ** (thresh + 1) - 1) * baseJ + (boundary - thresh) * rtoMaxJ;
  return (j * 1000) / hz;
}

/**
 * Predict the zero-window probes of a sender whose receiver window stays closed, and
 * the socket's death. Mirrors tcp_probe_timer() + tcp_send_probe0() +
 * tcp_clamp_probe0_to_user_timeout() (net/ipv4/tcp_timer.c, tcp_output.c; read in 4.19
 * stable, 5.0, 5.4/5.10 stable patches, 6.5, 6.15), with the version differences of
 * kernel-facts.ts (probe0AbortOffByOneFixed, probe0UserTimeoutModelled,
 * probe0UserTimeoutStamp, zeroWindowProbeClamp, rtoMaxSettable) and the orphan rules
 * of orphan.ts.
 *
 * Events: 'zwp-N' ("zero-window probe N"), then 'abort' when the socket dies.
 * Anchor: the ACK that closes the window arrives (tcp_check_probe_timer()).
 */
export function persistSchedule(p: PersistParams, kernel: KernelRef, hz: number = hzOf(kernel)): Schedule {
  const facts = modelledFacts(kernel);
  if (!(p.rto_s > 0 && p.tcp_retries2 >= 0 && p.user_timeout_ms >= 0 && (p.orphan_at_s ?? 0) >= 0)) {
    throw new Error(`persistSchedule: bad parameters ${JSON.stringify(p)}`);
  }
  const notes: string[] = [];
  const rtoJ = Math.max(1, secondsToJiffies(p.rto_s, hz));
  const baseJ = Math.max(rtoJ, Math.floor(hz / 5)); // tcp_probe0_base(): max(icsk_rto, TCP_RTO_MIN)
  let rtoMaxJ = TCP_RTO_MAX_S * hz;
  if (p.rto_max_s !== undefined) {
    if (!(p.rto_max_s >= 1 && p.rto_max_s <= TCP_RTO_MAX_S)) throw new Error(`persistSchedule: rto_max_s must be 1..120 s`);
    if (facts.rtoMaxSettable) {
      rtoMaxJ = secondsToJiffies(p.rto_max_s, hz);
      notes.push(`RTO_MAX ${p.rto_max_s} s (tcp_rto_max(), 6.15+) caps the probe interval and decides "alive"`);
    } else {
      notes.push('rto_max_s ignored: TCP_RTO_MAX_MS / tcp_rto_max_ms exist only from 6.15');
    }
  }
  const utMs = p.user_timeout_ms;
  const utJ = utMs > 0 ? secondsToJiffies(utMs / 1000, hz) : 0;
  const form = userTimeoutForm(facts);
  const clamp = utMs > 0 && facts.zeroWindowProbeClamp && form === 'probes-tstamp';
  const offByOne = !facts.probe0AbortOffByOneFixed;
  const answered = p.peer_answers ?? false;
  const orphan = p.orphan ?? false;
  const orphanAtJ = Math.round((p.orphan_at_s ?? 0) * hz);
  const horizonJ = Math.round((p.horizon_s ?? 3600) * hz);

  notes.push(
    answered
      ? 'the peer answers each probe with a zero window: every ACK resets icsk_probes_out and re-arms the timer (tcp_ack_probe()); icsk_backoff keeps growing'
      : 'the probes go unanswered: icsk_probes_out counts them',
    `first probe after tcp_probe0_base() = max(icsk_rto, TCP_RTO_MIN) = ${baseJ / hz} s, then doubling (icsk_backoff capped at tcp_retries2 ${p.tcp_retries2}), capped at RTO_MAX`,
  );
  if (offByOne) notes.push('before 3976535af0cb: aborts only when icsk_probes_out > max_probes (one probe more)');
  if (utMs > 0) {
    notes.push(
      form === 'head-skb'
        ? `TCP_USER_TIMEOUT ${utMs} ms timed from the first probe firing (head skb timestamp, 4.19/5.0 form), checked at each later firing: death at the first firing past it`
        : form === 'modelled'
          ? `TCP_USER_TIMEOUT ${utMs} ms judged by tcp_model_timeout(icsk_probes_out, ${baseJ / hz} s) (9721e709fa68, before 9d9b1ee0b2d1)${answered ? ': answered probes reset the count, so it never fires' : ''}`
          : clamp
            ? `TCP_USER_TIMEOUT ${utMs} ms from icsk_probes_tstamp (the first probe firing); the probe timer is clamped to it (344db93ae3ee): death at about first probe + user timeout`
            : `TCP_USER_TIMEOUT ${utMs} ms from icsk_probes_tstamp (the first probe firing, 9d9b1ee0b2d1), no clamp yet: death at the first firing at or past it`,
    );
  }
  if (orphan) {
    notes.push(
      `orphan (closed at ${orphanAtJ / hz} s): tcp_orphan_retries ${p.tcp_orphan_retries ?? DEFAULT_SYSCTLS.tcp_orphan_retries} (0 = 8 unanswered probes while min(icsk_rto << icsk_backoff, RTO_MAX) < RTO_MAX); dies at the first firing once that reaches RTO_MAX; destroyed silently, no error reported, no FIN, no RST`,
    );
  }

  const events: PredictedEvent[] = [];
  const delays: number[] = []; // seconds, every armed delay
  let delaysSinceStart: number[] = [];
  let t = 0; // jiffies since the anchor
  let delayJ = baseJ;
  let after: string | null = null;
  let backoff = 0;
  let probesOut = 0;
  let startJ: number | undefined; // head skb timestamp / icsk_probes_tstamp
  let earliest: number | undefined;

  const ev = (id: string, label: string, cite: string): PredictedEvent => {
    // The first probe's timer is armed by an incoming ACK, not a timer callback (tick-phase.ts);
    // the later ones in the previous probe's callback, or by an answer within its jiffy.
    const previous = delays.at(-2);
    const inPhase = (!answered || p.answers_within_jiffy) && previous !== undefined;
    return timerEvent({ id, label, at_s: t / hz, after, delay_s: delayJ / hz, ...(inPhase ? { previousDelay_s: previous } : {}), cite, hz });
  };

  for (let firing = 0; firing < MAX_FIRINGS; firing++) {
    t += delayJ;
    if (t > horizonJ) {
      notes.push(`no death predicted within ${horizonJ / hz} s${answered && !orphan ? ' (RFC 1122: a live socket whose probes are answered stays open indefinitely)' : ''}`);
      return { anchor: ANCHOR, events, notes };
    }
    delays.push(delayJ / hz);
    if (startJ !== undefined) delaysSinceStart.push(delayJ / hz);
    if (answered) probesOut = 0; // tcp_ack() on the answer to the previous probe
    const dead = orphan && t >= orphanAtJ;

    // 1. TCP_USER_TIMEOUT
    let utAbort = false;
    if (form === 'modelled') {
      if (utMs > 0 && modelTimeoutMs(probesOut, baseJ, TCP_RTO_MAX_S * hz, hz) >= utMs) utAbort = true;
    } else if (startJ === undefined) {
      startJ = t;
      delaysSinceStart = [];
    } else if (utMs > 0) {
      const elapsedJ = t - startJ;
      utAbort = form === 'head-skb' ? (elapsedJ * 1000) / hz > utMs : elapsedJ >= utJ;
      if (!utAbort && earliest === undefined && elapsedJ / hz + maxChainLateness_s(delaysSinceStart, hz) >= utMs / 1000) earliest = t;
    }
    if (utAbort) return finish('abort', 'user-timeout');

    // 2.-3. orphan rules and the probe count
    if (dead) {
      const v = orphanProbeVerdict({ rtoJiffies: rtoJ, backoff, probesOut, rtoMaxJiffies: rtoMaxJ, tcpOrphanRetries: p.tcp_orphan_retries }, offByOne);
      if (v.abort) return finish('abort', v.reason === 'rto-max' ? 'orphan-rto-max' : 'orphan-probes');
    } else if (offByOne ? probesOut > p.tcp_retries2 : probesOut >= p.tcp_retries2) {
      return finish('abort', 'probes');
    }

    // 4. tcp_send_probe0()
    probesOut += 1;
    const n = firing + 1;
    events.push(ev(`zwp-${n}`, `zero-window probe ${n}`, CITE_PROBE));
    after = `zwp-${n}`;
    if (backoff < p.tcp_retries2) backoff += 1;
    let when = Math.min(baseJ * 2 ** backoff, rtoMaxJ); // tcp_probe0_when()
    if (clamp && startJ !== undefined) {
      const remaining = utJ - (t - startJ); // u32 in the kernel: past the bound it wraps and does not clamp
      if (remaining > 0) when = Math.min(Math.max(remaining, TCP_TIMEOUT_MIN_JIFFIES), when);
    }
    delayJ = when;
  }
  throw new Error('persistSchedule: no result within 10000 firings');

  function finish(id: 'abort', why: 'user-timeout' | 'probes' | 'orphan-rto-max' | 'orphan-probes'): Schedule {
    const labels = {
      'user-timeout': 'ETIMEDOUT: TCP_USER_TIMEOUT passed under a zero window (no RST)',
      probes: `ETIMEDOUT: ${probesOut} unanswered probes, tcp_retries2 ${p.tcp_retries2} (no RST)`,
      'orphan-rto-max': 'orphan destroyed silently: backed-off RTO reached RTO_MAX (no FIN, no RST)',
      'orphan-probes': `orphan destroyed silently: ${probesOut} unanswered probes, tcp_orphan_retries (no FIN, no RST)`,
    } as const;
    let abort = ev(id, labels[why], why.startsWith('orphan') ? CITE_ORPHAN : CITE_ABORT);
    const first = events.find((e) => e.id === 'zwp-1');
    if (why === 'user-timeout' && clamp && first) {
      // tcp_clamp_probe0_to_user_timeout() aims the last timer at icsk_probes_tstamp + user
      // timeout, measured in jiffies from the first probe's firing: the lateness of the probes
      // in between is taken out of it. So the abort is timed from zwp-1, late by at most the
      // granule of the clamped delay (which only shrinks when the probes ran late).
      abort = timerEvent({ id, label: abort.label, at_s: first.at_s + utJ / hz, after: first.id, delay_s: utJ / hz, windowDelay_s: delayJ / hz, cite: abort.cite, hz });
    } else if (why === 'user-timeout' && earliest !== undefined && earliest < t) {
      abort.earliest_at_s = earliest / hz;
      notes.push(`timer lateness may end it at the ${earliest / hz} s firing instead`);
    }
    events.push(abort);
    const live = !(orphan && t >= orphanAtJ);
    return { anchor: ANCHOR, events, ...(live ? { error: 'ETIMEDOUT' } : {}), notes };
  }
}

const ANCHOR = 'the ACK that closes the window arrives (nothing in flight, data queued): tcp_check_probe_timer() arms the persist timer';
