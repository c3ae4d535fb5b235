// socket-semantics:accept-queue: what LISTEN's Recv-Q counts. Both handshake ACKs to
// the server are dropped, so each connection completes its handshake only with its
// first data segment, whose ACK flag does what the lost ACK would have done:
// tcp_check_req() creates the child and inet_csk_reqsk_queue_add() queues it for
// accept() (net/ipv4/tcp_minisocks.c, net/ipv4/inet_connection_sock.c, 6.x).
// Connection A writes at once (→ accept queue); B connects right after and writes a
// step later (a SYN-RECV request until then). LISTEN's Recv-Q is sk_ack_backlog: the
// children in the accept queue, not the requests in the SYN queue (semantics.ts
// listenRecvQ).
//
// Nothing here is a kernel timer: every event is a scripted moment or a packet sent in
// answer to one, so no event has a wheel window.

import { TCP_TIMEOUT_INIT_S } from './kernel-facts.ts';
import type { PredictedEvent, Schedule } from './schedule.ts';
import { momentEvent } from './timer-event.ts';

export interface AcceptQueueParams {
  /** Seconds between B's connect() and B's data. */
  step_s: number;
}

const COMPLETES = 'its ACK flag completes the handshake: tcp_check_req() creates the child and queues it for accept()';

// No kernel is given (nothing here depends on one): the events carry no jiffy_s.
const moment = (id: string, label: string, at_s: number, after: string | null, delay_s: number, cite: string): PredictedEvent =>
  momentEvent({ id, label, at_s, after, delay_s, cite });

/**
 * Events: 'data-a' (A's data: A joins the accept queue), 'synack-b' (B's SYN-ACK: B is
 * a SYN-RECV request), 'data-b' (B's data: B joins the accept queue).
 * Anchor: connection A's client ACKs its SYN-ACK (the ACK is dropped).
 * B's data must come before the server's first SYN-ACK retransmission
 * (TCP_TIMEOUT_INIT after it), or the request would be answered by the timer first.
 */
export function acceptQueueSchedule(p: AcceptQueueParams): Schedule {
  if (!(p.step_s >= 0)) throw new Error(`acceptQueueSchedule: bad parameters ${JSON.stringify(p)}`);
  if (p.step_s >= TCP_TIMEOUT_INIT_S) throw new Error(`accept_queue needs step < ${TCP_TIMEOUT_INIT_S * 1000} ms (TCP_TIMEOUT_INIT)`);
  return {
    anchor: 'connection A\'s client ACKs its SYN-ACK (the ACK is dropped)',
    events: [
      moment('data-a', 'A\'s data (completes its handshake)', 0, null, 0, `scripted: A writes at once; ${COMPLETES}`),
      moment('synack-b', 'SYN-ACK of connection B', 0, 'data-a', 0, 'scripted: B connects right after; tcp_v4_send_synack()'),
      moment('data-b', 'B\'s data (completes its handshake)', p.step_s, 'synack-b', p.step_s, `scripted: B writes a step later; ${COMPLETES}`),
    ],
    notes: ['LISTEN Recv-Q = sk_ack_backlog: children that finished the handshake; SYN-RECV requests are not counted'],
  };
}
