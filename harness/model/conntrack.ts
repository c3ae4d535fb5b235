// An idle connection behind a stateful firewall: conntrack forgets it after
// nf_conntrack_tcp_timeout_established, and with nf_conntrack_tcp_loose=0 its
// next packet is INVALID and dropped. Keepalive decides which happens first.
//
// Read: net/netfilter/nf_conntrack_proto_tcp.c and nf_conntrack_core.c in a 6.1
// stable tree (atho13/linux-6.1.y b3970422):
//
// - nf_conntrack_tcp_packet() ends every in-window packet, in EITHER direction,
//   with nf_ct_refresh_acct(ct, ctinfo, skb, timeout): timeout is
//   timeouts[ESTABLISHED] unless it is longer than the RETRANS/UNACK timeouts (300 s
//   by default) and those apply, which a low established timeout never is. So the
//   client's keepalive probe and the server's ACK of it both restart the entry's
//   timeout. A probe (seq = snd_una - 1, no data) passes tcp_in_window(): its end is
//   inside the receiver's window (check II), its ack is what the peer sent.
// - An entry is expired once (s32)(ct->timeout - nfct_time_stamp) <= 0
//   (nf_ct_is_expired(), jiffies, 4.7+: no timer, the GC worker only reclaims).
//   ____nf_conntrack_find() skips an expired entry (nf_ct_gc_expired()) whether or
//   not the GC has got to it: expiry is exact to the jiffy, not to the GC's scan.
// - The next packet then starts a new entry: tcp_new() sees an ACK in state NONE
//   (tcp_conntracks[0][ACK][sNO] = sES, a mid-stream pickup) and, with
//   tcp_loose == 0, refuses it ("Don't try to pick up connections"); the packet has
//   no conntrack and `-m conntrack --ctstate` calls it INVALID. The same for the RST
//   keepalive sends at the end (sNO → sIV). None of them reaches the server, which
//   never learns that the client gave up: the connection is half-open.
// - On loopback the sender's OUTPUT hook classifies the packet and nf_conntrack_in()
//   leaves it alone at PREROUTING ("Previously seen (loopback or untracked)?"), so
//   the state INPUT sees is the one OUTPUT gave it; an INVALID packet carries no
//   entry and is looked at again at PREROUTING, with the same result.
//
// The keepalive side is tcp_keepalive_timer() (keepalive.ts): an answered probe
// resets icsk_probes_out and rcv_tstamp (tcp_ack()), and the timer's elapsed-time
// test then waits a full TCP_KEEPIDLE after that answer before the next probe.

import { hzOf, modelledFacts, type KernelRef } from './kernel-ref.ts';
import { keepaliveSchedule } from './keepalive.ts';
import type { PredictedEvent, Schedule } from './schedule.ts';
import { momentEvent, timerEvent } from './timer-event.ts';

export interface ConntrackHalfOpenParams {
  /** TCP_KEEPIDLE on the client, seconds. */
  keepidle_s: number;
  /** TCP_KEEPINTVL on the client, seconds. */
  keepintvl_s: number;
  /** TCP_KEEPCNT on the client. */
  keepcnt: number;
  /** net.netfilter.nf_conntrack_tcp_timeout_established, seconds (a sysctl in whole seconds). */
  ct_established_s: number;
  /** When the client writes, seconds after the anchor, if its connection is still alive then. */
  write_at_s: number;
}

export type ConntrackFate = 'kept-alive' | 'dies';

const CITE_CT = 'nf_conntrack_tcp_packet() → nf_ct_refresh_acct(); nf_ct_is_expired() in ____nf_conntrack_find(); tcp_new() with tcp_loose=0 (net/netfilter, 6.1)';
const CITE_KEEPALIVE = 'tcp_keepalive_timer(), keepalive_time_elapsed(), net/ipv4/tcp_timer.c; tcp_ack() resets icsk_probes_out and rcv_tstamp (6.1, 6.5)';
const CITE_ACK = 'tcp_validate_incoming(): a segment below rcv_nxt is answered by tcp_send_dupack() (net/ipv4/tcp_input.c, 6.1)';

/**
 * The runner wakes a few ms late for a scripted write (verdict/tolerance.ts
 * RUNNER_MOMENT): a probe due that close to the write may come just before or just
 * after it, so such settings are refused rather than guessed.
 */
const WRITE_MARGIN_S = 0.1;

/** Guards the loop against a write due after a very long idle. */
const MAX_PROBES = 10_000;

/** Seconds between answered probes: the timer waits TCP_KEEPIDLE after the answer, or TCP_KEEPINTVL if that is longer. */
export function answeredProbePeriod(p: Pick<ConntrackHalfOpenParams, 'keepidle_s' | 'keepintvl_s'>): number {
  return Math.max(p.keepidle_s, p.keepintvl_s);
}

/**
 * Whether keepalive keeps the conntrack entry alive or the entry expires first. Every
 * gap between two packets conntrack sees must end (at the latest, with its timer's
 * lateness) a jiffy before the timeout; or the first probe must come (at the earliest) a
 * jiffy after it. Anything in between depends on the timer's phase: refused.
 */
export function conntrackFate(p: ConntrackHalfOpenParams, hz: number): ConntrackFate {
  check(p);
  const jiffy = 1 / hz;
  const first = timerEvent({ id: 'probe-1', label: '', at_s: p.keepidle_s, after: null, delay_s: p.keepidle_s, cite: '', hz });
  if (p.keepidle_s - first.early_s >= p.ct_established_s + jiffy) return 'dies';
  const period = answeredProbePeriod(p);
  const next = nextAnsweredProbe(p, 'probe-1', p.keepidle_s, p.keepidle_s, hz);
  const fits = (gap: number, late: number) => gap + late + jiffy < p.ct_established_s;
  if (!fits(p.keepidle_s, first.late_s)) {
    throw new Error(
      `TCP_KEEPIDLE ${p.keepidle_s} s is within the first probe's timer lateness (${ms(first.late_s)}) of the ${p.ct_established_s} s conntrack timeout: whether the entry expires first depends on the timer's phase; keep them further apart`,
    );
  }
  if (!fits(period, next.late_s)) {
    throw new Error(
      `the first probe (${p.keepidle_s} s) comes before the ${p.ct_established_s} s conntrack timeout, but answered probes then come every ${period} s, ` +
        `which is not safely shorter: a connection that survives one probe and dies later is not modelled; make TCP_KEEPINTVL (and TCP_KEEPIDLE) shorter than the timeout`,
    );
  }
  return 'kept-alive';
}

/**
 * Predict an idle keepalive connection behind `--ctstate ESTABLISHED,RELATED` with
 * nf_conntrack_tcp_loose=0 (see the header for the kernel functions). Anchor: the
 * client's handshake ACK, the last packet conntrack saw and the moment
 * keepalive_time_elapsed() counts from (keepalive.ts).
 *
 * Kept alive: probes answered every answeredProbePeriod() until the client writes at
 * write_at_s, which the server then receives. Dies: the first probe finds the entry
 * expired; every probe and the final RST are dropped, so it is test-idle's schedule
 * (keepaliveSchedule) and the server never hears of it.
 */
export function conntrackHalfOpenSchedule(p: ConntrackHalfOpenParams, kernel: KernelRef): Schedule {
  modelledFacts(kernel); // validates; neither side differs between the versions read
  const hz = hzOf(kernel);
  const fate = conntrackFate(p, hz);
  const expiry = `the conntrack entry expires ${p.ct_established_s} s after the last packet it saw (nf_ct_is_expired(), exact to the jiffy; the GC only reclaims)`;
  if (fate === 'dies') {
    const s = keepaliveSchedule({ keepidle_s: p.keepidle_s, keepintvl_s: p.keepintvl_s, keepcnt: p.keepcnt, user_timeout_ms: 0 }, kernel, hz);
    s.notes.push(
      `${expiry}: at ${p.ct_established_s} s, before the first probe at ${p.keepidle_s} s`,
      'with nf_conntrack_tcp_loose=0 a mid-stream ACK creates no entry (tcp_new()): every probe and the RST are INVALID and dropped before the server',
      'the server hears nothing and stays ESTABLISHED: the connection is half-open',
    );
    return s;
  }

  const events: PredictedEvent[] = [];
  let id = 'probe-1';
  let at = p.keepidle_s;
  let previousDelay = p.keepidle_s;
  let late = 0; // summed along the chain: how late this probe may be, seen from the anchor
  let early = 0;
  let probe: PredictedEvent = timerEvent({ id, label: 'keepalive probe 1 (answered)', at_s: at, after: null, delay_s: at, cite: CITE_KEEPALIVE, hz });
  for (let n = 1; ; n++) {
    late += probe.late_s;
    early += probe.early_s;
    if (at - early <= p.write_at_s + WRITE_MARGIN_S && at + late >= p.write_at_s - WRITE_MARGIN_S) {
      throw new Error(
        `keepalive probe ${n} is due between ${r3(at - early)} and ${r3(at + late)} s, too close to the write at ${p.write_at_s} s to say which comes first; move the write`,
      );
    }
    if (at > p.write_at_s) break;
    if (n > MAX_PROBES) throw new Error(`conntrackHalfOpenSchedule: more than ${MAX_PROBES} probes before the write`);
    events.push(probe, momentEvent({ id: `answer-${n}`, label: `the server ACKs probe ${n}`, at_s: at, after: id, delay_s: 0, cite: CITE_ACK, hz }));
    const next = nextAnsweredProbe(p, id, at, previousDelay, hz);
    id = `probe-${n + 1}`;
    at = next.at_s;
    previousDelay = p.keepintvl_s; // only read when the intvl timer itself fires the probe
    probe = { ...next, id, label: `keepalive probe ${n + 1} (answered)` };
  }
  events.push(momentEvent({ id: 'write', label: `the client writes after ${p.write_at_s} s idle`, at_s: p.write_at_s, after: null, delay_s: p.write_at_s, cite: CITE_CT, hz }));
  return {
    anchor: 'the client ACKs the SYN-ACK: the last packet conntrack saw, and keepalive counts from it',
    events,
    notes: [
      `${expiry}; every probe and every answer refresh it (nf_conntrack_tcp_packet() → nf_ct_refresh_acct(), either direction)`,
      `the longest gap between packets, ${answeredProbePeriod(p)} s, is shorter than the ${p.ct_established_s} s timeout: the entry never expires`,
      'an answered probe resets icsk_probes_out (tcp_ack()): TCP_KEEPCNT is never reached',
    ],
  };
}

/**
 * The probe after an answered one at `at_s`. With TCP_KEEPINTVL >= TCP_KEEPIDLE the
 * intvl timer (re-armed in the probe's callback) finds elapsed >= keepidle and probes.
 * With a shorter intvl it finds elapsed < keepidle and re-arms for keepidle - elapsed:
 * the lateness of the first firing cancels, and the second's granule bounds the rest.
 */
function nextAnsweredProbe(p: ConntrackHalfOpenParams, after: string, at_s: number, previousDelay_s: number, hz: number): PredictedEvent {
  const period = answeredProbePeriod(p);
  const base = { id: 'next', label: 'next', at_s: at_s + period, after, delay_s: period, cite: CITE_KEEPALIVE, hz };
  return p.keepintvl_s >= p.keepidle_s
    ? timerEvent({ ...base, previousDelay_s })
    : timerEvent({ ...base, windowDelay_s: p.keepidle_s - p.keepintvl_s });
}

function check(p: ConntrackHalfOpenParams): void {
  if (!(p.keepidle_s > 0 && p.keepintvl_s > 0 && p.keepcnt >= 1 && p.ct_established_s > 0 && p.write_at_s > 0)) {
    throw new Error(`conntrackHalfOpenSchedule: bad parameters ${JSON.stringify(p)}`);
  }
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const ms = (s: number) => `${Math.round(s * 1000)} ms`;
