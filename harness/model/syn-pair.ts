// A handshake in which neither side hears the other after the first SYN: the
// client stays in SYN-SENT and retransmits its SYN, the server's request socket
// (SYN-RECV) retransmits its SYN-ACK, and every SYN-ACK is lost on the way back.
// (The notes' test-syn-recv without the client's close: "both sides retransmit
// until both time out".)
//
// The client side is synSentSchedule() (syn.ts): it never receives anything.
// The server side is reqsk_timer_handler() (syn.ts synRecvSchedule()), but each
// retransmitted SYN reaching an existing request also goes through tcp_check_req(),
// net/ipv4/tcp_minisocks.c — read in 4.x (`min(TCP_TIMEOUT_INIT << num_timeout,
// TCP_RTO_MAX)`), 6.x (`reqsk_timeout(req, TCP_RTO_MAX)`) and the 6.18-era AccECN
// patches (`tcp_reqsk_timeout(req)`, capped by tcp_rto_max of the listener):
//
//   if (seq == rcv_isn && flg == TCP_FLAG_SYN && !paws_reject) {
//     if (!tcp_oow_rate_limited(..., &last_oow_ack_time) && !rtx_syn_ack(sk, req))
//       mod_timer_pending(&req->rsk_timer, jiffies + (timeout << num_timeout));
//     return NULL;
//   }
//
// So a retransmitted SYN answers at once with a SYN-ACK (num_retrans++, which ss
// shows as the SYN-RECV timer count) and pushes the request timer out, without
// advancing num_timeout. tcp_oow_rate_limited() (tcp_invalid_ratelimit, 500 ms)
// never bites: SYN retransmissions are at least 1 s apart.
// When the request timer expires (num_timeout >= tcp_synack_retries), the request
// is dropped silently; a SYN arriving after that is a new SYN to the listener and
// creates a NEW request (new ISN, a fresh SYN-ACK and a fresh timer).
//
// Same-tick ties: the client's SYN timer and the server's request timer are armed
// in the same jiffy with equal delays (the server re-arms when the SYN arrives,
// microseconds after the client re-armed), so they expire in the same tick. The
// server's timer callback then runs first: the client's SYN leaves through lo in
// timer-softirq context, and netif_rx() only queues it for NET_RX, which runs
// after the timer softirq has run every expired timer of that tick. (6.9+ also
// runs the pinned base, where TIMER_PINNED rsk_timer lives, before the global one.)
// The notes' 4.19 capture shows this order at 15.43 s: SYN-ACK, SYN, SYN-ACK, and
// ss then counted 8 SYN-ACK retransmissions (4 by the timer, 4 by SYNs).

import { TCP_RTO_MAX_S, TCP_TIMEOUT_INIT_S } from './kernel-facts.ts';
import { hzOf, type KernelRef } from './kernel-ref.ts';
import { eventsOf, type PredictedEvent, type Schedule } from './schedule.ts';
import { type SynSentParams, synSentSchedule } from './syn.ts';
import { momentEvent, timerEvent } from './timer-event.ts';

export interface SynPairParams extends SynSentParams {
  /** net.ipv4.tcp_synack_retries. */
  tcp_synack_retries: number;
}

const CITE_TIMER = 'reqsk_timer_handler()/syn_ack_recalc(), net/ipv4/inet_connection_sock.c (4.x, 6.x)';
const CITE_SYN = 'tcp_check_req() retransmitted-SYN branch, net/ipv4/tcp_minisocks.c (4.x, 6.x, 6.18)';
const CITE_NEW = 'tcp_conn_request(), net/ipv4/tcp_input.c: a SYN with no request socket';
const US = 1e6;

interface Request {
  n: number;
  numTimeout: number;
  numRetrans: number;
  expiresUs: number;
  /** id and time of the event that last armed its timer. */
  armedBy: string;
  armedAtUs: number;
}

/**
 * Both halves of a handshake whose SYN-ACKs never arrive. Events: the client's
 * 'syn-retrans-N' and 'abort' (connect() → ETIMEDOUT), as in synSentSchedule();
 * the server's 'synack-retrans-K' (the K-th retransmitted SYN-ACK in capture
 * order, by its timer or answering a SYN), 'synack-new-R' (request R ≥ 2 created
 * by a SYN that found none: a new SYN-ACK with a new ISN) and 'drop-R' (request R
 * expires silently). Anchor: the client's first SYN (the first request and its
 * SYN-ACK are microseconds later).
 */
export function synPairSchedule(p: SynPairParams, kernel: KernelRef, hz: number = hzOf(kernel)): Schedule {
  const client = synSentSchedule(p, kernel, hz);
  const max = p.tcp_synack_retries;
  if (!(max >= 0)) throw new Error(`synPairSchedule: bad parameters ${JSON.stringify(p)}`);
  const abort = client.events.find((e) => e.id === 'abort')!;
  const syns = [
    { id: null as string | null, tUs: 0 },
    ...eventsOf(client, 'syn-retrans').map((e) => ({ id: e.id, tUs: Math.round(e.at_s * US) })),
  ];

  const server: PredictedEvent[] = [];
  let retransK = 0;
  let requests = 0;
  let req: Request | null = null;
  const timeoutUs = (numTimeout: number) => Math.min(TCP_TIMEOUT_INIT_S * US * 2 ** numTimeout, TCP_RTO_MAX_S * US);
  // The first request's timer is armed while the anchor SYN is processed, in
  // connect()'s context, not in a timer tick: it gets the first-arm jiffy
  // (tick-phase.ts) like every other timer the anchor arms (armedBy '' = the anchor).
  const timed = (id: string, label: string, r: Request, cite: string): PredictedEvent =>
    timerEvent({ id, label, at_s: r.expiresUs / US, after: r.armedBy || null, delay_s: (r.expiresUs - r.armedAtUs) / US, cite, hz });
  // A reaction to an arriving SYN: no timer, microseconds after it.
  const reaction = (id: string, label: string, tUs: number, synId: string | null, cite: string): PredictedEvent =>
    momentEvent({ id, label, at_s: tUs / US, after: synId, delay_s: synId === null ? tUs / US : 0, cite, hz });

  /** reqsk_timer_handler(): resend and back off, or drop. */
  const fire = (r: Request): void => {
    if (r.numTimeout >= max) {
      server.push(timed(`drop-${r.n}`, `request ${r.n} dropped silently (no FIN, no RST)`, r, CITE_TIMER));
      req = null;
      return;
    }
    retransK += 1;
    r.numRetrans += 1;
    const id = `synack-retrans-${retransK}`;
    server.push(timed(id, `SYN-ACK retransmission ${retransK} (request timer, request ${r.n})`, r, CITE_TIMER));
    r.numTimeout += 1;
    r.armedBy = id;
    r.armedAtUs = r.expiresUs;
    r.expiresUs += timeoutUs(r.numTimeout);
  };

  for (const syn of syns) {
    // Ties: the request timer of this tick runs before the SYN is processed.
    while (req !== null && (req as Request).expiresUs <= syn.tUs) fire(req);
    if (req === null) {
      requests += 1;
      const r: Request = { n: requests, numTimeout: 0, numRetrans: 0, expiresUs: syn.tUs + timeoutUs(0), armedBy: '', armedAtUs: syn.tUs };
      if (requests > 1) {
        const id = `synack-new-${requests}`;
        server.push(reaction(id, `SYN-ACK of a new request ${requests} (new ISN): the SYN found none`, syn.tUs, syn.id, CITE_NEW));
        r.armedBy = id;
      } else {
        r.armedBy = syn.id ?? '';
      }
      req = r;
      continue;
    }
    const r: Request = req;
    retransK += 1;
    r.numRetrans += 1;
    const id = `synack-retrans-${retransK}`;
    server.push(reaction(id, `SYN-ACK retransmission ${retransK} (answering the SYN, request ${r.n})`, syn.tUs, syn.id, CITE_SYN));
    r.armedBy = id;
    r.armedAtUs = syn.tUs;
    r.expiresUs = syn.tUs + timeoutUs(r.numTimeout);
  }
  // The client has given up (no more SYNs): the last request runs out on its own.
  for (let guard = 0; req !== null && guard < 1000; guard++) fire(req);

  const events = [...client.events, ...server].sort((a, b) => a.at_s - b.at_s);
  const last = eventsOf(server, 'drop').at(-1)!;
  return {
    anchor: 'the client sends the first SYN (the server answers within microseconds)',
    events,
    error: client.error,
    notes: [
      ...client.notes.map((n) => `client: ${n}`),
      `server: each retransmitted SYN is answered with a SYN-ACK and pushes the request timer out (tcp_check_req())`,
      `server: ${requests} request socket(s); the last is dropped at ${last.at_s} s, the client fails at ${abort.at_s} s`,
      'same-tick ties: the request timer fires before the SYN of that tick is processed',
    ],
  };
}

/** SYN-ACK retransmissions (timer + SYN-driven) of the request alive at `t_s`: what ss shows as the SYN-RECV timer count. */
export function synRecvCountAt(s: Schedule, t_s: number): number {
  // A new request, or the old one dropped, starts the count again.
  const restarts = new Set([...eventsOf(s, 'synack-new'), ...eventsOf(s, 'drop')]);
  const retransmissions = new Set(eventsOf(s, 'synack-retrans'));
  let count = 0;
  for (const e of s.events) {
    if (e.at_s > t_s) break;
    if (restarts.has(e)) count = 0;
    else if (retransmissions.has(e)) count += 1;
  }
  return count;
}
