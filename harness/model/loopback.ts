// What the model assumes about a loopback connection (every experiment of the
// catalogue runs on lo, like the notes).
//
// The handshake gives the first RTT sample m (tcp_ack_update_rtt → tcp_rtt_estimator(),
// net/ipv4/tcp_input.c): srtt = m, rttvar = max(2m, TCP_RTO_MIN) in the kernel's units,
// so icsk_rto = usecs_to_jiffies(m + 200 ms) (rto-estimate.ts initialRto). On lo, m is
// tens of microseconds (measured 20-80 us on this project's 6.18 machines, tcpi_rtt),
// and any m in (0, 1 jiffy) gives the same RTO: 201 ms at HZ=1000, 204 ms at HZ=250
// (51 jiffies, the figure measured on 6.18: docs/timer-model.md), 210 ms at HZ=100.

import { hzOf, type KernelRef } from './kernel-ref.ts';
import { initialRto } from './rto-estimate.ts';
import type { Schedule } from './schedule.ts';

/** A representative loopback RTT: only its being above 0 and below one jiffy matters. */
export const LOOPBACK_SRTT_S = 50e-6;

/**
 * The handshake's RTT sample of each side, as the run measured it (ss -i `rtt:`
 * in the first ESTAB sample; observe/handshake-rtt.ts). An input of the model, like
 * a sysctl: the kernel derives the RTO from it. On a host it is tens of µs and
 * changes nothing; in a TCG guest it is milliseconds (measured 13.5 ms for the
 * client, 5.3 ms for the server in a 6.1 guest), which moves every RTO by as much.
 * Before a run (and where ss saw nothing) the representative LOOPBACK_SRTT_S stands in.
 */
export interface LoopbackRtt {
  client_s: number;
  server_s: number;
}

/**
 * A loopback sender's RTO and SRTT after the handshake, its one RTT sample (`srtt_s`:
 * the run's measurement of that side, else LOOPBACK_SRTT_S), in whole jiffies of the
 * kernel's HZ: 204 ms at HZ=250, 201 ms at HZ=1000. What rto.ts starts its chain from.
 */
export function handshakeRto(kernel: KernelRef, srtt_s: number = LOOPBACK_SRTT_S): { rto_s: number; srtt_s: number } {
  return { rto_s: initialRto({ srtt_s }, hzOf(kernel)), srtt_s };
}

/**
 * With netem's delay on lo, tcpdump sees a sent packet only when the qdisc
 * releases it: taps run in dev_queue_xmit_nit(), called from xmit_one() at
 * dequeue (net/core/dev.c, 5.x and 6.x). Every captured send is then `delay_s`
 * after the kernel's timer sent it, while what the application observes (an
 * errno from read()) is not delayed. Measured from a captured packet, such
 * events come `delay_s` sooner: measured in a 6.1 guest with 200 ms, ETIMEDOUT
 * 174.6 ms and 46.7 ms "early" against the unshifted prediction.
 */
export function seenBehindEgressDelay(s: Schedule, delay_s: number, notCapturedIds: readonly string[]): Schedule {
  if (delay_s <= 0) return s;
  const events = s.events.map((e) =>
    notCapturedIds.includes(e.id)
      ? { ...e, at_s: e.at_s - delay_s, delay_s: e.delay_s - delay_s, ...(e.earliest_at_s !== undefined ? { earliest_at_s: e.earliest_at_s - delay_s } : {}) }
      : e,
  );
  return { ...s, events, notes: [...s.notes, `netem delays every captured send by ${delay_s * 1000} ms (tcpdump taps lo after the qdisc); the errno is not delayed`] };
}

/** include/net/tcp.h: TCP_DELACK_MIN = TCP_ATO_MIN = HZ/25, the receiver's delayed-ACK timeout (40 ms). */
export const TCP_ATO_MIN_S = 0.04;

/**
 * icsk_rto of a loopback sender whose last RTT sample was a DELAYED ACK: the ACK that
 * closes a small receive window (test-zero, test-pacing) comes from the receiver's
 * delayed-ACK timer, TCP_ATO_MIN (+ up to one jiffy) after the segment, not at once.
 * tcp_rtt_estimator() (net/ipv4/tcp_input.c) then moves srtt by 1/8 of that sample
 * (srtt = 7/8 srtt + m/8, about 5.3 ms) while rttvar stays at its 200 ms floor, so the
 * RTO is usecs_to_jiffies(200 ms + ~5.3 ms): 208 ms (52 jiffies) at HZ=250, 206 ms at
 * HZ=1000 (the delayed ACK is then 41 ms). Measured on 6.18 (HZ=250): tcpi_rtt 5359 us,
 * tcpi_rto 208000 us, zero-window probes every 52 << n jiffies; the notes' 4.19 probes
 * back off from the same 208 ms. `handshake_s`: the handshake's RTT sample.
 */
export function loopbackRtoAfterDelayedAck(kernel: KernelRef, handshake_s: number = LOOPBACK_SRTT_S): number {
  const hz = hzOf(kernel);
  const sample_s = TCP_ATO_MIN_S + 1 / hz; // the delayed-ACK timer is a level-0 wheel timer: +1 jiffy
  return initialRto({ srtt_s: (7 * handshake_s + sample_s) / 8, rttvar_s: sample_s / 4 }, hz);
}
