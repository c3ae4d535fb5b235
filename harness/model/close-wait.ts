// The CLOSE-WAIT trap: a server that never closes its side keeps its socket in
// CLOSE-WAIT after the client has gone; a client reconnecting from the same source
// port then meets that stale socket instead of the listener.
//
// The client's side is fin-wait.ts: its orphan waits tcp_fin_time() in FIN-WAIT-2 and
// is removed silently. Until then its own time-wait sock holds the 4-tuple; after it,
// connect() from the same port sends a SYN, and what follows was read in 6.1 and 6.x
// copies of net/ipv4/tcp_input.c and tcp_ipv4.c (and the 3.x-5.x forms quoted below):
//
// - The server: __inet_lookup_established() finds the CLOSE-WAIT socket for the
//   4-tuple before any listener, so tcp_v4_do_rcv() → tcp_rcv_state_process() →
//   tcp_validate_incoming(). A SYN in a synchronized state is answered by
//   tcp_send_challenge_ack() (RFC 5961 4.2, 0c24604b68fc, 3.6) whichever check it fails
//   first: PAWS (`if (unlikely(th->syn)) goto syn_challenge`, 6.4), the sequence check
//   (`if (th->syn) goto syn_challenge`: the new ISN is far outside the old window,
//   secure_tcp_seq() having moved on by 1 per 64 ns) or step 4 (`if (th->syn)`). The
//   challenge ACK is <SEQ=SND.NXT><ACK=RCV.NXT>: the OLD connection's numbers.
//   Its rate limits do not bite here: the per-socket one (tcp_invalid_ratelimit,
//   500 ms, __tcp_oow_rate_limited()) starts from last_oow_ack_time 0, and the
//   per-netns tcp_challenge_ack_limit is INT_MAX since 6.0 (79e3602caa6f; 1000/s before).
// - The client, in SYN-SENT: tcp_rcv_synsent_state_process() finds the ACK outside
//   (snd_una, snd_nxt] and goes to reset_and_undo; tcp_v4_do_rcv() then sends
//   tcp_v4_send_reset(), an RST with SEQ = the ACK's ack number, i.e. the server's
//   RCV.NXT exactly. The client itself stays in SYN-SENT.
// - The server: that RST passes the sequence check and matches RCV.NXT
//   (tcp_validate_incoming() step 2), so tcp_reset(): CLOSE-WAIT → CLOSE with
//   sk_err = EPIPE (`case TCP_CLOSE_WAIT: err = EPIPE`), the error the server's next
//   call reports. The 4-tuple is now free.
// - The client's next SYN therefore reaches the listener and connect() succeeds. When
//   it goes out is version-dependent (kernel-facts.ts synSentQuickRetryAfterBadAck):
//   since 9603d47bad46 (5.6) the same branch first re-arms the retransmission timer to
//   TCP_TIMEOUT_MIN (2 jiffies) while icsk_retransmits == 0 ("Previous FIN/ACK or
//   RST/ACK might be ignored"), so the SYN is resent 2 jiffies after the challenge
//   ACK; before it, the SYN waits for its RTO, TCP_TIMEOUT_INIT (1 s) after the first
//   SYN (tcp_connect()), and connect() takes a second.

import { TCP_TIMEOUT_INIT_S, TCP_TIMEOUT_MIN_JIFFIES } from './kernel-facts.ts';
import { finWait2Schedule } from './fin-wait.ts';
import { hzOf, modelledFacts, type KernelRef } from './kernel-ref.ts';
import { eventById, type Schedule } from './schedule.ts';
import { momentEvent, timerEvent } from './timer-event.ts';

export interface CloseWaitTrapParams {
  /** net.ipv4.tcp_fin_timeout, seconds: how long the client's orphan stays in FIN-WAIT-2. */
  tcp_fin_timeout: number;
  /** The client's icsk_rto when it enters FIN-WAIT-2, seconds (tcp_fin_time() waits at least 3.5 RTO). */
  rto_s: number;
}

/**
 * What the server's next call on its stale socket reports once the RST has reset it:
 * tcp_reset() sets sk_err = EPIPE for a socket in CLOSE-WAIT (ECONNRESET elsewhere), and
 * a write() returns it (tcp_sendmsg_locked() → sk_stream_wait_connect() → sock_error()).
 * A read() still returns 0 first: SOCK_DONE (the FIN) is tested before sk_err (semantics.ts).
 */
export const STALE_SOCKET_ERRNO = 'EPIPE';

const CITE_CHALLENGE = 'tcp_validate_incoming() → tcp_send_challenge_ack(), net/ipv4/tcp_input.c (RFC 5961 4.2, 3.6+; read in 6.1, 6.x)';
const CITE_RST = 'tcp_rcv_synsent_state_process() reset_and_undo → tcp_v4_send_reset() (SEQ = SEG.ACK), net/ipv4/tcp_input.c, tcp_ipv4.c (6.1, 6.x)';
const CITE_QUICK_RETRY = 'tcp_rcv_synsent_state_process(): icsk_retransmits == 0 → inet_csk_reset_xmit_timer(TCP_TIMEOUT_MIN) (9603d47bad46, 5.6)';
const CITE_RTO = 'tcp_connect() arms TCP_TIMEOUT_INIT; tcp_retransmit_timer() resends the SYN (before 9603d47bad46, 5.6)';
const CITE_SYNACK = 'the listener answers: tcp_conn_request() → tcp_v4_send_synack(), net/ipv4/tcp_input.c, tcp_ipv4.c';
const CITE_CONNECT = 'tcp_rcv_synsent_state_process() → tcp_finish_connect(): connect() returns';
const CITE_RECONNECT = 'the runner reconnects as soon as /proc/net/tcp no longer lists the old 4-tuple (the time-wait sock is gone)';

/**
 * Predict the trap (see the header for the kernel functions). Anchor: the server's ACK
 * of the client's FIN, where the client's orphan enters FIN-WAIT-2 (fin-wait.ts).
 *
 * Events: the FIN-WAIT-2 events of finWait2Schedule() ('closed': the client's
 * time-wait sock expires, the server still in CLOSE-WAIT); 'syn', the client's new SYN
 * from the same port, sent when the runner sees the old socket gone; the server's
 * 'challenge-ack'; the client's 'rst'; 'syn-retrans-1'; the listener's 'synack';
 * 'connected', connect() returning.
 */
export function closeWaitTrapSchedule(p: CloseWaitTrapParams, kernel: KernelRef): Schedule {
  const facts = modelledFacts(kernel);
  const hz = hzOf(kernel);
  if (!(p.tcp_fin_timeout >= 0 && p.rto_s > 0)) throw new Error(`closeWaitTrapSchedule: bad parameters ${JSON.stringify(p)}`);
  const finWait = finWait2Schedule({ tcp_fin_timeout: p.tcp_fin_timeout, rto_s: p.rto_s }, kernel, hz);
  const closed = eventById(finWait, 'closed');
  const t = closed.at_s; // nominal: the SYN, its answers and the handshake take microseconds on lo
  const moment = (id: string, label: string, after: string, cite: string) => momentEvent({ id, label, at_s: t, after, delay_s: 0, cite, hz });

  const quick = facts.synSentQuickRetryAfterBadAck;
  const retryDelay_s = quick ? TCP_TIMEOUT_MIN_JIFFIES / hz : TCP_TIMEOUT_INIT_S;
  const retry = timerEvent({
    id: 'syn-retrans-1',
    label: quick ? 'SYN retransmission 2 jiffies after the challenge ACK' : 'SYN retransmission at the SYN RTO',
    at_s: t + retryDelay_s,
    // Re-armed by the challenge ACK's arrival (softirq) or armed by connect() (a syscall): a first arm either way.
    after: quick ? 'challenge-ack' : 'syn',
    delay_s: retryDelay_s,
    firstArm: true,
    cite: quick ? CITE_QUICK_RETRY : CITE_RTO,
    hz,
  });
  const done = (id: string, label: string, after: string, cite: string) =>
    momentEvent({ id, label, at_s: retry.at_s, after, delay_s: 0, cite, hz });

  return {
    anchor: 'the server ACKs the client\'s FIN: the client\'s orphan enters FIN-WAIT-2 (the server stays in CLOSE-WAIT)',
    events: [
      ...finWait.events,
      moment('syn', 'the client connects again from the same port: SYN', 'closed', CITE_RECONNECT),
      moment('challenge-ack', 'the stale CLOSE-WAIT socket answers with a challenge ACK (old numbers)', 'syn', CITE_CHALLENGE),
      moment('rst', 'the client (SYN-SENT) resets it: RST with SEQ = the challenge ACK\'s ack', 'challenge-ack', CITE_RST),
      retry,
      done('synack', 'the listener answers the retransmitted SYN: SYN-ACK', 'syn-retrans-1', CITE_SYNACK),
      done('connected', 'connect() succeeds', 'synack', CITE_CONNECT),
    ],
    notes: [
      ...finWait.notes,
      'the server never closes: its socket stays in CLOSE-WAIT, and the 4-tuple is its alone once the client\'s time-wait sock has expired',
      'a SYN for a synchronized socket draws a challenge ACK (tcp_validate_incoming(), RFC 5961 4.2); the client in SYN-SENT answers its unacceptable ack with an RST whose SEQ is the server\'s RCV.NXT, and tcp_reset() closes the CLOSE-WAIT socket with EPIPE',
      quick
        ? `the SYN is resent ${TCP_TIMEOUT_MIN_JIFFIES} jiffies after the challenge ACK (9603d47bad46, 5.6): connect() takes milliseconds, not the 1 s SYN RTO`
        : `the SYN waits for its RTO (${TCP_TIMEOUT_INIT_S} s): this kernel predates 9603d47bad46 (5.6), so connect() takes a second`,
    ],
  };
}
