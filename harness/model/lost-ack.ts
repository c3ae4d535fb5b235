// A handshake whose final ACK is lost (only that: the client's data gets through).
// The client is ESTABLISHED as soon as the SYN-ACK arrives; the server's request
// socket does not know and behaves exactly as in test-syn-recv until the client's
// first data segment arrives.
//
// Read: net/ipv4/tcp_minisocks.c tcp_check_req() (4.x and 6.x, including the
// 6.18-era AccECN patches): a segment for a request socket that carries ACK with
// ack_seq == snt_isn + 1 and lies in the receive window goes on to
// inet_csk(sk)->icsk_af_ops->syn_recv_sock() — whether it is a bare ACK or data —
// which creates the child (ESTABLISHED) and puts it in the accept queue
// (inet_csk_complete_hashdance()); the data is then queued on the child
// (tcp_child_process()). Until then the request timer runs as in
// reqsk_timer_handler() (syn.ts synRecvSchedule()). A request that has expired is
// gone: the data then finds no socket but the listener, which answers with an RST
// (tcp_v4_rcv() → tcp_v4_do_rcv() → the listener sees an ACK without a request:
// tcp_v4_send_reset()); that case is reported, not run, by test-syn-ack.

import { hzOf, type KernelRef } from './kernel-ref.ts';
import { eventsOf, type PredictedEvent, type Schedule } from './schedule.ts';
import { synRecvSchedule } from './syn.ts';
import { momentEvent } from './timer-event.ts';

export interface LostAckParams {
  /** net.ipv4.tcp_synack_retries. */
  tcp_synack_retries: number;
  /** When the client's first data reaches the server, seconds after the first SYN-ACK. */
  data_at_s: number;
}

const CITE_CHILD = 'tcp_check_req() → syn_recv_sock() → inet_csk_complete_hashdance(), net/ipv4/tcp_minisocks.c (4.x, 6.x)';

/**
 * Events: 'established' (the client, at once), the server's 'synack-retrans-N'
 * before the data, then 'accept' (the data creates the child: ESTABLISHED,
 * LISTEN Recv-Q 1, the data readable) — or, if the request expired first,
 * 'drop' and then 'reset' (the data is answered with an RST). Scripted arrivals
 * carry no timer window. Anchor: the server sends the first SYN-ACK.
 */
export function lostAckSchedule(p: LostAckParams, kernel: KernelRef, hz: number = hzOf(kernel)): Schedule {
  if (!(p.data_at_s >= 0)) throw new Error(`lostAckSchedule: bad parameters ${JSON.stringify(p)}`);
  const request = synRecvSchedule({ tcp_synack_retries: p.tcp_synack_retries }, kernel, hz);
  const scripted = (id: string, label: string, at_s: number): PredictedEvent =>
    momentEvent({ id, label, at_s, after: null, delay_s: at_s, cite: CITE_CHILD, hz });
  const before = request.events.filter((e) => e.at_s < p.data_at_s);
  const dropped = before.some((e) => e.id === 'drop');
  const events = [
    scripted('established', 'the client is ESTABLISHED at once (its ACK is lost)', 0),
    ...before,
    dropped
      ? scripted('reset', 'the data finds no request socket: the listener answers with an RST', p.data_at_s)
      : scripted('accept', 'the client\'s data completes the handshake: ESTABLISHED, in the accept queue, readable', p.data_at_s),
  ];
  const retrans = eventsOf(before, 'synack-retrans').length;
  return {
    anchor: 'the server sends the first SYN-ACK',
    events,
    ...(dropped ? { error: 'ECONNRESET' } : {}),
    notes: [
      `${retrans} SYN-ACK retransmission(s) before the data at ${p.data_at_s} s, each answered by an ACK that is lost too`,
      dropped
        ? `the request expired before the data (tcp_synack_retries ${p.tcp_synack_retries}): RST`
        : 'the first data segment carries the ACK the server never got: it creates the child with the data',
    ],
  };
}
