// FIN-WAIT-2 of an orphaned socket: how long the kernel waits for the peer's FIN
// after close().
//
// Read: net/ipv4/tcp.c tcp_close() (the TCP_FIN_WAIT2 branch after
// adjudge_to_death), net/ipv4/tcp_input.c tcp_rcv_state_process() (case
// TCP_FIN_WAIT1, when the ACK of our FIN arrives after close()), net/ipv4/tcp_timer.c
// tcp_keepalive_timer() (its FIN_WAIT2 && SOCK_DEAD branch), net/ipv4/tcp_minisocks.c
// tcp_time_wait(), include/net/tcp.h tcp_fin_time(). Read in a 4.19 stable tree
// (4.19.325), the Jan 2019 torvalds/linux snapshot 01a523b0, a 4.17/4.18-era
// torvalds/linux tcp_minisocks.c and several 5.x-6.x copies; the logic is the same in
// all of them (only READ_ONCE() annotations were added, 6.5):
//
//   tcp_fin_time(sk) = max(linger2 ?: sysctl_tcp_fin_timeout, 3.5 * icsk_rto)
//   tmo = tcp_fin_time(sk);
//   if (tmo > TCP_TIMEWAIT_LEN)                       // more than 60 s
//           inet_csk_reset_keepalive_timer(sk, tmo - TCP_TIMEWAIT_LEN);
//   else
//           tcp_time_wait(sk, TCP_FIN_WAIT2, tmo);    // a time-wait sock with substate FIN-WAIT-2
//
//   tcp_keepalive_timer(): if (FIN_WAIT2 && SOCK_DEAD) {
//           tmo = tcp_fin_time(sk) - TCP_TIMEWAIT_LEN;
//           if (tmo > 0) tcp_time_wait(sk, TCP_FIN_WAIT2, tmo);
//           else { tcp_send_active_reset(); tcp_done(); }      // RST
//   }
//   tcp_time_wait(sk, state, timeo): if (timeo < 3.5 * icsk_rto) timeo = 3.5 * icsk_rto;
//           if (state == TCP_TIME_WAIT) timeo = TCP_TIMEWAIT_LEN;
//           inet_twsk_schedule(tw, timeo);
//
// So the time-wait sock of a FIN-WAIT-2 orphan lives `timeo`, not TCP_TIMEWAIT_LEN, and
// `ss` shows it as FIN-WAIT-2 with timer:(timewait,…) (the notes). When it expires it
// is removed silently. With tcp_fin_timeout > 60 s the keepalive timer runs first and
// hands over `tcp_fin_time - 60` AGAIN to the time-wait sock: the total is
// (F - 60) + max(F - 60, 3.5 RTO), which equals F only for F = 120 s (90 s gives 60 s,
// 180 s gives 240 s). Derived from the code, not measured.
// Without close() (shutdown() only) the socket is not SOCK_DEAD: no branch above runs
// and FIN-WAIT-2 lasts until the peer's FIN (or keepalive, if SO_KEEPALIVE is set).

import { TCP_RTO_MIN_S, TCP_TIMEWAIT_LEN_S } from './kernel-facts.ts';
import { hzOf, modelledFacts, type KernelRef } from './kernel-ref.ts';
import type { PredictedEvent, Schedule } from './schedule.ts';
import { timerEvent } from './timer-event.ts';
import { secondsToJiffies } from './timer-wheel.ts';

export interface FinWait2Params {
  /** net.ipv4.tcp_fin_timeout, seconds (default 60). */
  tcp_fin_timeout: number;
  /** icsk_rto at that moment, seconds (default 0.2): tcp_fin_time() waits at least 3.5 RTO. */
  rto_s?: number;
  /** close() was called (default true). false: shutdown() only, no timer at all. */
  orphaned?: boolean;
}

const CITE_ARM = 'tcp_close() / tcp_rcv_state_process() FIN_WAIT1 case + tcp_fin_time() (4.19 stable, 5.0, 6.x)';
const CITE_KA = 'tcp_keepalive_timer() FIN_WAIT2 && SOCK_DEAD branch → tcp_time_wait(), net/ipv4/tcp_timer.c (4.19 stable, 5.0, 6.x)';
const CITE_TW = 'tcp_time_wait(sk, TCP_FIN_WAIT2, timeo) → inet_twsk_schedule(), net/ipv4/tcp_minisocks.c (4.17+, 6.x)';
const ANCHOR = 'the socket is an orphan in FIN-WAIT-2: close() in FIN-WAIT-2, or the ACK of its FIN arriving after close()';

/**
 * When an orphaned FIN-WAIT-2 socket disappears if the peer never sends its FIN.
 * Mirrors tcp_close()/tcp_rcv_state_process() (arming), tcp_keepalive_timer() (the
 * part beyond TCP_TIMEWAIT_LEN) and tcp_time_wait() (the FIN-WAIT-2 time-wait sock),
 * read in 4.19 stable, 5.0 and 6.x: no version differs.
 *
 * Events: 'fin-wait-2-timewait' (only when tcp_fin_timeout > 60 s: the keepalive
 * timer fires and the socket becomes a time-wait sock; ss: keepalive → timewait), then
 * 'closed' (the time-wait sock expires: gone from ss, no RST).
 */
export function finWait2Schedule(p: FinWait2Params, kernel: KernelRef, hz: number = hzOf(kernel)): Schedule {
  modelledFacts(kernel); // validates; no version difference
  if (!(p.tcp_fin_timeout >= 0 && (p.rto_s ?? TCP_RTO_MIN_S) > 0)) {
    throw new Error(`finWait2Schedule: bad parameters ${JSON.stringify(p)}`);
  }
  if (p.orphaned === false) {
    return {
      anchor: 'shutdown(SHUT_WR) is acknowledged: FIN-WAIT-2, socket still open',
      events: [],
      notes: [
        'no FIN-WAIT-2 timer without close(): the socket is not SOCK_DEAD, so neither tcp_close() nor tcp_rcv_state_process() arms one; it stays in FIN-WAIT-2 until the peer sends FIN (keepalive still runs if SO_KEEPALIVE is set)',
      ],
    };
  }
  const rtoJ = Math.max(1, secondsToJiffies(p.rto_s ?? TCP_RTO_MIN_S, hz));
  const floorJ = (rtoJ << 2) - (rtoJ >> 1); // 3.5 * icsk_rto
  const finJ = Math.max(Math.round(p.tcp_fin_timeout * hz), floorJ); // tcp_fin_time()
  const twLenJ = TCP_TIMEWAIT_LEN_S * hz;
  const notes: string[] = [`tcp_fin_time() = max(tcp_fin_timeout, 3.5 RTO) = ${finJ / hz} s`];
  const ev = (id: string, label: string, atJ: number, after: string | null, delayJ: number, cite: string, previousDelayJ?: number): PredictedEvent =>
    timerEvent({
      id,
      label,
      at_s: atJ / hz,
      after,
      delay_s: delayJ / hz,
      ...(previousDelayJ !== undefined ? { previousDelay_s: previousDelayJ / hz } : {}),
      cite: `${cite}; armed by ${CITE_ARM}`,
      hz,
    });

  if (finJ <= twLenJ) {
    notes.push('a time-wait sock with substate FIN-WAIT-2 at once (ss: FIN-WAIT-2 timer:(timewait,…)); it expires silently');
    return {
      anchor: ANCHOR,
      events: [ev('closed', 'FIN-WAIT-2 time-wait sock expires: socket gone, no RST', finJ, null, finJ, CITE_TW)],
      notes,
    };
  }
  const stage1J = finJ - twLenJ; // keepalive timer
  const stage2J = Math.max(finJ - twLenJ, floorJ); // tcp_time_wait(FIN_WAIT2, tcp_fin_time - 60), floored at 3.5 RTO
  notes.push(
    `tcp_fin_timeout > ${TCP_TIMEWAIT_LEN_S} s: the keepalive timer covers ${stage1J / hz} s (ss: keepalive), then a time-wait sock gets tcp_fin_time - 60 = ${stage2J / hz} s again (ss: timewait)`,
    `total ${(stage1J + stage2J) / hz} s, not ${finJ / hz} s: tcp_keepalive_timer() passes tcp_fin_time - TCP_TIMEWAIT_LEN to tcp_time_wait() (derived from the code, unmeasured)`,
  );
  return {
    anchor: ANCHOR,
    events: [
      ev('fin-wait-2-timewait', 'keepalive timer fires: the FIN-WAIT-2 orphan becomes a time-wait sock (ss: keepalive → timewait)', stage1J, null, stage1J, CITE_KA),
      // tcp_time_wait() arms tw_timer from inside the keepalive timer's callback.
      ev('closed', 'FIN-WAIT-2 time-wait sock expires: socket gone, no RST', stage1J + stage2J, 'fin-wait-2-timewait', stage2J, CITE_TW, stage1J),
    ],
    notes,
  };
}
