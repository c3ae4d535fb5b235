// TCP_DEFER_ACCEPT on a listener: the request socket ignores the client's bare ACK
// and waits for data; SYN-ACKs resume only at the end of the deferring period.
//
// Read: net/ipv4/tcp.c secs_to_retrans()/retrans_to_secs() and the TCP_DEFER_ACCEPT
// setsockopt (rskq_defer_accept = secs_to_retrans(val, TCP_TIMEOUT_INIT/HZ,
// TCP_RTO_MAX/HZ)); net/ipv4/tcp_minisocks.c tcp_check_req(); net/ipv4/
// inet_connection_sock.c reqsk_timer_handler() and syn_ack_recalc(). Read in a
// 4.17/4.18-era torvalds/linux tcp_minisocks.c, 4.x-6.x copies of reqsk_timer_handler(),
// Kuniyuki Iwashima's 2020 refactor (net-next for 5.9: drops syn_ack_recalc()'s
// redundant argument, same behaviour) and 6.x tcp_check_req() (READ_ONCE only):
//
//   tcp_check_req(): /* While TCP_DEFER_ACCEPT is active, drop bare ACK. */
//     if (req->num_timeout < rskq_defer_accept && end_seq == rcv_isn + 1) {
//             inet_rsk(req)->acked = 1; drop; }
//     otherwise (data, or a bare ACK once num_timeout >= rskq_defer_accept):
//             create the child (ESTABLISHED, accept queue)
//   reqsk_timer_handler(): max_retries = listener TCP_SYNCNT ?: tcp_synack_retries
//     syn_ack_recalc(): expire = num_timeout >= max_retries &&
//                                (!acked || num_timeout >= rskq_defer_accept);
//                       resend = !acked || num_timeout >= rskq_defer_accept - 1;
//     if (!expire) { if (resend) inet_rtx_syn_ack(); num_timeout++;
//                    re-arm TCP_TIMEOUT_INIT << num_timeout (max TCP_RTO_MAX); }
//     else drop the request silently.
//
// So with the bare ACK dropped at once: the timer still fires at 1, 3, 7 … s but sends
// nothing (ss: SYN-RECV timer:(on,…,0), retransmit count 0) until num_timeout reaches
// rskq_defer_accept - 1; that firing retransmits the SYN-ACK, the client answers with
// an ACK, num_timeout is now rskq_defer_accept, and that bare ACK creates the child.
// Data arriving earlier creates the child at once, with the data readable.
// No version differs here (the 5.9 refactor is behaviour-neutral). Not modelled: SYN-
// queue pruning under load, a per-listener TCP_RTO_MAX_MS below the SYN-ACK backoff.

import { TCP_RTO_MAX_S, TCP_TIMEOUT_INIT_S } from './kernel-facts.ts';
import { hzOf, modelledFacts, type KernelRef } from './kernel-ref.ts';
import type { PredictedEvent, Schedule } from './schedule.ts';
import { momentEvent, timerEvent } from './timer-event.ts';

/** secs_to_retrans(), net/ipv4/tcp.c (same in 3.x, 4.19, 6.x): TCP_DEFER_ACCEPT seconds → retransmits. */
export function secsToRetrans(seconds: number, timeout: number = TCP_TIMEOUT_INIT_S, rtoMax: number = TCP_RTO_MAX_S): number {
  let res = 0;
  if (seconds > 0) {
    let period = timeout;
    res = 1;
    while (seconds > period && res < 255) {
      res++;
      timeout *= 2;
      if (timeout > rtoMax) timeout = rtoMax;
      period += timeout;
    }
  }
  return res;
}

/** retrans_to_secs(), net/ipv4/tcp.c: what getsockopt(TCP_DEFER_ACCEPT) reports back. */
export function retransToSecs(retrans: number, timeout: number = TCP_TIMEOUT_INIT_S, rtoMax: number = TCP_RTO_MAX_S): number {
  let period = 0;
  if (retrans > 0) {
    period = timeout;
    while (--retrans) {
      timeout *= 2;
      if (timeout > rtoMax) timeout = rtoMax;
      period += timeout;
    }
  }
  return period;
}

export interface DeferAcceptParams {
  /** TCP_DEFER_ACCEPT on the listener, seconds. */
  defer_accept_s: number;
  /** net.ipv4.tcp_synack_retries. */
  tcp_synack_retries: number;
  /** When the client's first data reaches the server, seconds after the first SYN-ACK; null = never. */
  data_at_s: number | null;
  /** TCP_SYNCNT on the listener: overrides tcp_synack_retries. */
  listener_syncnt?: number;
  /** The client ACKs a retransmitted SYN-ACK (default true: a live client always does). */
  client_answers_synack?: boolean;
}

const CITE_TIMER = 'reqsk_timer_handler()/syn_ack_recalc(), net/ipv4/inet_connection_sock.c (4.x, 5.9 refactor, 6.x)';
const CITE_CHILD = 'tcp_check_req() TCP_DEFER_ACCEPT test → syn_recv_sock(), net/ipv4/tcp_minisocks.c (4.17+, 6.x)';
const ANCHOR = 'the server sends the first SYN-ACK (the client\'s bare ACK follows at once and is dropped)';

/**
 * The request socket's life under TCP_DEFER_ACCEPT, when the client completes the
 * handshake at once and sends its first data at `data_at_s`. Mirrors tcp_check_req(),
 * reqsk_timer_handler() and syn_ack_recalc() (read in 4.x, the 5.9 refactor and 6.x;
 * no version differs), with rskq_defer_accept = secs_to_retrans(defer_accept_s).
 *
 * Events: 'reqsk-timer-N' (the request timer fires and sends nothing),
 * 'synack-retrans-N' (it retransmits the SYN-ACK), 'accept' (the child is created: the
 * connection is ESTABLISHED and in the accept queue; LISTEN Recv-Q becomes 1),
 * 'data' (data arriving after that: the accepted socket becomes readable), or 'drop'
 * (the request expires silently; the client, already ESTABLISHED, gets an RST when it
 * sends). Scripted arrivals ('accept' by data, 'data') carry no timer window.
 */
export function deferAcceptSchedule(p: DeferAcceptParams, kernel: KernelRef, hz: number = hzOf(kernel)): Schedule {
  modelledFacts(kernel); // validates; no version difference
  const maxRetries = p.listener_syncnt && p.listener_syncnt > 0 ? p.listener_syncnt : p.tcp_synack_retries;
  if (!(p.defer_accept_s >= 0 && maxRetries >= 0 && (p.data_at_s === null || p.data_at_s >= 0))) {
    throw new Error(`deferAcceptSchedule: bad parameters ${JSON.stringify(p)}`);
  }
  const defer = secsToRetrans(p.defer_accept_s);
  const dataAt = p.data_at_s ?? Infinity;
  const answers = p.client_answers_synack ?? true;
  const notes: string[] = [
    `TCP_DEFER_ACCEPT ${p.defer_accept_s} s → rskq_defer_accept = secs_to_retrans() = ${defer} (getsockopt reports ${retransToSecs(defer)} s)`,
  ];
  const events: PredictedEvent[] = [];
  // Each request timer after the first is re-armed by mod_timer() inside the previous
  // firing's handler, so an equally coarse predecessor fixes its lateness exactly.
  let previousDelayJ: number | undefined;
  const requestTimer = (id: string, label: string, atJ: number, after: string | null, delayJ: number): PredictedEvent => {
    const previous = previousDelayJ !== undefined ? { previousDelay_s: previousDelayJ / hz } : {};
    previousDelayJ = delayJ;
    return timerEvent({ id, label, at_s: atJ / hz, after, delay_s: delayJ / hz, ...previous, cite: CITE_TIMER, hz });
  };
  const scripted = (id: string, label: string, at_s: number, after: string | null, afterAt_s: number): PredictedEvent =>
    momentEvent({ id, label, at_s, after, delay_s: at_s - afterAt_s, cite: CITE_CHILD, hz });
  const done = (): Schedule => ({ anchor: ANCHOR, events, notes });

  if (defer === 0) {
    notes.push('no deferring: the handshake ACK creates the child at once');
    events.push(scripted('accept', 'ESTABLISHED: the handshake ACK creates the child (no TCP_DEFER_ACCEPT)', 0, null, 0));
    if (dataAt < Infinity) events.push(scripted('data', 'the client\'s data arrives: the accepted socket becomes readable', dataAt, 'accept', 0));
    return done();
  }
  notes.push(
    `the request timer fires at 1, 3, 7 … s; it sends nothing while num_timeout < ${defer - 1} (bare ACK seen: acked = 1), then retransmits SYN-ACK; ss shows SYN-RECV timer:(on,…,0) meanwhile`,
  );

  const initJ = Math.round(TCP_TIMEOUT_INIT_S * hz);
  let t = 0;
  let delayJ = initJ;
  let numTimeout = 0;
  let numRetrans = 0;
  let after: string | null = null;
  for (let firing = 1; firing <= 256; firing++) {
    const next = t + delayJ;
    if (dataAt <= next / hz) {
      events.push(scripted('accept', 'the client\'s data arrives: the child is created with it, ESTABLISHED and readable at accept()', dataAt, null, 0));
      notes.push(
        numRetrans === 0
          ? 'data before the end of the deferring period: no SYN-ACK retransmission, accept() and read() succeed together'
          : `data after ${numRetrans} unanswered SYN-ACK retransmission(s): the child is created with it`,
      );
      return done();
    }
    t = next;
    const expire = numTimeout >= maxRetries && numTimeout >= defer; // acked = 1
    if (expire) {
      events.push(requestTimer('drop', 'request dropped silently (no FIN, no RST); the client believes it is ESTABLISHED', t, after, delayJ));
      notes.push(`expired at num_timeout ${numTimeout} (max_retries ${maxRetries}, rskq_defer_accept ${defer}); the client's later data gets an RST`);
      return done();
    }
    const resend = numTimeout >= defer - 1;
    if (resend) {
      numRetrans += 1;
      const id = `synack-retrans-${numRetrans}`;
      events.push(requestTimer(id, `SYN-ACK retransmission ${numRetrans} (end of the deferring period)`, t, after, delayJ));
      after = id;
      if (answers) {
        // num_timeout++ happens in the same handler, before the client's ACK arrives.
        events.push(scripted('accept', 'ESTABLISHED without data: the ACK answering the retransmitted SYN-ACK creates the child; accept() returns, read() waits', t / hz, id, t / hz));
        if (dataAt < Infinity) {
          // Scripted from the start, like data_at_s itself: its time does not move with
          // the (late) timer firing that created the child.
          events.push(scripted('data', 'the client\'s data arrives: the accepted socket becomes readable', dataAt, null, 0));
          notes.push(`the application waits ${dataAt - t / hz} s between accept() and its data`);
        }
        return done();
      }
    } else {
      const id = `reqsk-timer-${firing}`;
      events.push(requestTimer(id, `request timer ${firing} fires: bare ACK already seen, deferring, no SYN-ACK`, t, after, delayJ));
      after = id;
    }
    numTimeout += 1;
    delayJ = Math.min(initJ * 2 ** numTimeout, TCP_RTO_MAX_S * hz);
  }
  throw new Error('deferAcceptSchedule: no result within 256 firings');
}
