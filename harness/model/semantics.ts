// What read(), write(), shutdown() and close() return on a TCP socket after the
// application's own shutdown/close or the peer's FIN, RST or silence (the notes'
// test-rst, test-rst2 and "other" list), and which packets the two ends send.
// A pure walk through the kernel's logic for a client/server pair on an ideal
// loopback (every segment arrives at once unless the network is silent).
//
// Read (function, file, tree):
//   tcp_sendmsg_locked()        net/ipv4/tcp.c, torvalds/linux 0076cad3 (~6.2) and feb7474b (~4.14):
//       state not ESTABLISHED/CLOSE_WAIT → err = sk_stream_wait_connect() → do_error;
//       `if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))` err = -EPIPE → do_error;
//       do_error: err = sk_stream_error(sk, flags, err)
//   sk_stream_wait_connect(),
//   sk_stream_error()           net/core/stream.c, torvalds/linux 03c11eb3 (6.x):
//       wait_connect: `err = sock_error(sk); if (err) return err;` then -EPIPE unless SYN_SENT/SYN_RECV;
//       stream_error: `if (err == -EPIPE) err = sock_error(sk) ? : -EPIPE;`
//   sock_error()                include/net/sock.h (2.6 … 6.x): xchg(&sk->sk_err, 0) — reading the error clears it
//   tcp_recvmsg_locked()        net/ipv4/tcp.c 0076cad3: queued data first; with nothing copied:
//       SOCK_DONE → 0; sk_err → sock_error(); RCV_SHUTDOWN → 0; TCP_CLOSE → -ENOTCONN; !timeo → -EAGAIN
//   tcp_reset()                 net/ipv4/tcp_input.c (2.6.18, 4.19, 6.10+ through tcp_done_with_error(),
//       mainline as quoted in a July 2026 netdev patch): SYN_SENT → ECONNREFUSED, CLOSE_WAIT → EPIPE,
//       CLOSE → ignored, otherwise ECONNRESET; then tcp_done(): TCP_CLOSE (unhashed: gone from ss),
//       sk_shutdown = SHUTDOWN_MASK. The receive queue is NOT purged.
//   tcp_fin()                   net/ipv4/tcp_input.c (6.x copies): RCV_SHUTDOWN, SOCK_DONE,
//       ESTABLISHED → CLOSE_WAIT, FIN_WAIT1 → CLOSING, FIN_WAIT2 → TIME_WAIT
//   inet_shutdown()             net/ipv4/af_inet.c, torvalds/linux 006c8b83 (~6.17): how+1 ORed into
//       sk_shutdown (TCP_CLOSE: -ENOTCONN); tcp_shutdown() (tcp.c) sends a FIN for SEND_SHUTDOWN in
//       ESTABLISHED/CLOSE_WAIT (tcp_close_state()); SHUT_RD alone changes nothing on the wire
//   __tcp_close()               net/ipv4/tcp.c 0076cad3: sk_shutdown = SHUTDOWN_MASK; unread data →
//       TCP_CLOSE + tcp_send_active_reset() (RST|ACK); else tcp_close_state() → FIN;
//       an orphan in FIN_WAIT2 becomes a FIN-WAIT-2 time-wait sock (tcp_time_wait())
//   tcp_rcv_state_process()     step 7 (4.19 … 6.x): FIN_WAIT1/2 with RCV_SHUTDOWN and new data →
//       tcp_reset() on itself and an RST back (tcp_v4_do_rcv → tcp_v4_send_reset: no ACK flag)
//   tcp_timewait_state_process() net/ipv4/tcp_minisocks.c (4.x … 6.x): FIN-WAIT-2 substate, new data →
//       TCP_TW_RST; an RST kills it; a FIN makes it a real TIME-WAIT
//   tcp_write_err()             net/ipv4/tcp_timer.c: sk_err = sk_err_soft ?: ETIMEDOUT, tcp_done();
//       the keepalive path sends tcp_send_active_reset() first
// After close(2) the descriptor is gone: read(2)/write(2) fail in the VFS with EBADF.
// None of this changed between 4.19 and 6.18 in the parts read.

export type Side = 'client' | 'server';
export type Errno = 'EPIPE' | 'ECONNRESET' | 'ETIMEDOUT' | 'ECONNREFUSED' | 'ENOTCONN' | 'EBADF' | 'EAGAIN';
/** What a call returns, as the runner records it: bytes, 'EOF' (read → 0), 0, or the errno name. */
export type CallResult = number | 'EOF' | Errno;
export type ShutHow = 'SHUT_RD' | 'SHUT_WR' | 'SHUT_RDWR';

export type TcpState = 'ESTABLISHED' | 'CLOSE_WAIT' | 'FIN_WAIT1' | 'FIN_WAIT2' | 'LAST_ACK' | 'CLOSING' | 'TIME_WAIT' | 'CLOSE';

/** One scripted moment: a call on one side, the network going silent, or a kernel timeout. */
export type Action =
  | { side: Side; call: 'read' }
  | { side: Side; call: 'write'; bytes: number }
  | { side: Side; call: 'shutdown'; how: ShutHow }
  | { side: Side; call: 'close' }
  /** From now on every segment is dropped (the peer vanished; packets still leave). */
  | { network: 'silent' }
  /** The kernel gives up on this side's connection (keepalive or retransmissions): tcp_write_err(). */
  | { side: Side; timeout: 'keepalive' };

export type Direction = 'c2s' | 's2c';
export interface Segment {
  dir: Direction;
  class: 'data' | 'fin' | 'rst' | 'ack';
  /** tcpdump style flags for RSTs: 'R' (tcp_v4_send_reset answering a segment) or 'R.' (active reset). */
  flags?: string;
  /** For ACKs: what they acknowledge. */
  acks?: 'data' | 'fin';
}

export interface StepOutcome {
  action: Action;
  /** The call's result (calls only). */
  result?: CallResult;
  /** The deciding condition, in a word or two (for names). */
  tag?: string;
  /** Why, in kernel terms. */
  why?: string;
  /** Segments sent during this step, in order (including the replies they provoke). */
  segments: Segment[];
  /** State of each end after the step (null: no socket left, or not in any TCP table). */
  states: Record<Side, TcpState | null>;
}

interface Sock {
  side: Side;
  /** null: the socket is gone (an orphan destroyed, or never existed). */
  state: TcpState | null;
  /** sk->sk_err */
  err: Errno | null;
  rcvShutdown: boolean;
  sendShutdown: boolean;
  /** SOCK_DONE: a FIN was received. */
  done: boolean;
  /** Bytes in sk_receive_queue. */
  unread: number;
  /** The application still holds the descriptor. */
  fd: boolean;
  /** Our FIN reached the peer (so the next segment from it acknowledges it). */
  finDelivered: boolean;
}

const dirFrom = (side: Side): Direction => (side === 'client' ? 'c2s' : 's2c');
const other = (side: Side): Side => (side === 'client' ? 'server' : 'client');

class Pair {
  readonly socks: Record<Side, Sock>;
  silent = false;
  sent: Segment[] = [];

  constructor() {
    const mk = (side: Side): Sock => ({
      side, state: 'ESTABLISHED', err: null, rcvShutdown: false, sendShutdown: false, done: false, unread: 0, fd: true, finDelivered: false,
    });
    this.socks = { client: mk('client'), server: mk('server') };
  }

  /** Put a segment on the wire; unless the network is silent it arrives at once. */
  send(from: Side, seg: Omit<Segment, 'dir'>, payload = 0): void {
    const full: Segment = { dir: dirFrom(from), ...seg };
    this.sent.push(full);
    if (this.silent) return;
    this.receive(this.socks[other(from)], full, payload);
  }

  /** tcp_v4_rcv → tcp_rcv_state_process / tcp_timewait_state_process, reduced to what matters here. */
  private receive(sk: Sock, seg: Segment, payload: number): void {
    const peer = other(sk.side);
    if (sk.state === null || sk.state === 'CLOSE') {
      // No socket in the hash tables: tcp_v4_send_reset(), unless it is an RST itself.
      if (seg.class !== 'rst') this.send(sk.side, { class: 'rst', flags: 'R' });
      return;
    }
    if (seg.class === 'rst') {
      tcpReset(sk);
      return;
    }
    // Every non-RST segment carries an ACK of all we sent before it.
    this.ackArrived(sk);
    if (seg.class === 'data') {
      if ((sk.state === 'FIN_WAIT1' || sk.state === 'FIN_WAIT2') && sk.rcvShutdown) {
        // tcp_rcv_state_process() step 7 (live socket after SHUT_RD+SHUT_WR) or
        // tcp_timewait_state_process() (the orphan's FIN-WAIT-2 time-wait sock): reset.
        tcpReset(sk);
        if (!sk.fd) sk.state = null;
        this.send(sk.side, { class: 'rst', flags: 'R' });
        return;
      }
      if (sk.state === 'ESTABLISHED' || sk.state === 'FIN_WAIT1' || sk.state === 'FIN_WAIT2') sk.unread += payload;
      this.send(sk.side, { class: 'ack', acks: 'data' });
      return;
    }
    if (seg.class === 'fin') {
      this.socks[peer].finDelivered = true;
      sk.rcvShutdown = true;
      sk.done = true;
      if (sk.state === 'ESTABLISHED') sk.state = 'CLOSE_WAIT';
      else if (sk.state === 'FIN_WAIT1') sk.state = 'CLOSING';
      else if (sk.state === 'FIN_WAIT2') sk.state = 'TIME_WAIT';
      this.send(sk.side, { class: 'ack', acks: 'fin' });
    }
  }

  /** The ACK of our FIN: FIN_WAIT1 → FIN_WAIT2, CLOSING → TIME_WAIT, LAST_ACK → done. */
  private ackArrived(sk: Sock): void {
    if (!sk.finDelivered) return;
    if (sk.state === 'FIN_WAIT1') sk.state = 'FIN_WAIT2';
    else if (sk.state === 'CLOSING') sk.state = 'TIME_WAIT';
    else if (sk.state === 'LAST_ACK') tcpDone(sk);
  }

  /** tcp_close_state() + tcp_send_fin(): FIN from ESTABLISHED or CLOSE_WAIT. */
  sendFin(sk: Sock): void {
    if (sk.state === 'ESTABLISHED') sk.state = 'FIN_WAIT1';
    else if (sk.state === 'CLOSE_WAIT') sk.state = 'LAST_ACK';
    else return;
    this.send(sk.side, { class: 'fin' });
  }
}

/** tcp_done(): TCP_CLOSE, both directions shut; an orphan is destroyed. */
function tcpDone(sk: Sock): void {
  sk.state = sk.fd ? 'CLOSE' : null;
  sk.rcvShutdown = true;
  sk.sendShutdown = true;
}

/** tcp_reset(): the errno depends on the state the RST finds. */
function tcpReset(sk: Sock): void {
  if (sk.state === 'CLOSE' || sk.state === null) return;
  if (sk.state === 'TIME_WAIT' || (!sk.fd && sk.state === 'FIN_WAIT2')) {
    sk.state = null; // time-wait sock killed, no error to report to anyone
    return;
  }
  sk.err = sk.state === 'CLOSE_WAIT' ? 'EPIPE' : 'ECONNRESET';
  tcpDone(sk);
}

/** sock_error(): return sk_err and clear it. */
function takeError(sk: Sock): Errno | null {
  const e = sk.err;
  sk.err = null;
  return e;
}

/** [result, short tag, why in kernel terms] */
type Answer = [CallResult, string, string];

function read(sk: Sock): Answer {
  if (!sk.fd) return ['EBADF', 'closed fd', 'the descriptor was closed: read(2) fails before TCP is asked'];
  if (sk.unread > 0) {
    const n = sk.unread;
    sk.unread = 0;
    return [n, 'queued data', 'tcp_recvmsg: queued data is returned first, whatever happened since'];
  }
  if (sk.done) return ['EOF', 'SOCK_DONE', 'tcp_recvmsg: SOCK_DONE (a FIN arrived) → 0, before sk_err is looked at'];
  const err = takeError(sk);
  if (err) return [err, 'sk_err', `tcp_recvmsg: sk_err → sock_error() returns ${err} and clears it`];
  if (sk.rcvShutdown) return ['EOF', 'RCV_SHUTDOWN', 'tcp_recvmsg: RCV_SHUTDOWN → 0'];
  if (sk.state === 'CLOSE') return ['ENOTCONN', 'closed', 'tcp_recvmsg: TCP_CLOSE without RCV_SHUTDOWN'];
  return ['EAGAIN', 'nothing queued', 'tcp_recvmsg: nothing queued on a non-blocking socket'];
}

function write(pair: Pair, sk: Sock, bytes: number): Answer {
  if (!sk.fd) return ['EBADF', 'closed fd', 'the descriptor was closed: write(2) fails before TCP is asked'];
  if (sk.state !== 'ESTABLISHED' && sk.state !== 'CLOSE_WAIT') {
    const err = takeError(sk);
    if (err) return [err, 'sk_err', `tcp_sendmsg → sk_stream_wait_connect: sock_error() returns ${err} and clears it`];
    return ['EPIPE', 'not connected', `tcp_sendmsg → sk_stream_wait_connect: ${sk.state} is not a connected state → EPIPE`];
  }
  if (sk.err || sk.sendShutdown) {
    const err = takeError(sk);
    if (err) return [err, 'sk_err', `tcp_sendmsg: sk_err set → sk_stream_error() → sock_error() returns ${err}`];
    return ['EPIPE', 'SEND_SHUTDOWN', 'tcp_sendmsg: SEND_SHUTDOWN → EPIPE'];
  }
  pair.send(sk.side, { class: 'data' }, bytes);
  return [bytes, 'sent', 'tcp_sendmsg: queued and sent'];
}

function shutdown(pair: Pair, sk: Sock, how: ShutHow): Answer {
  if (!sk.fd) return ['EBADF', 'closed fd', 'the descriptor was closed'];
  const rd = how !== 'SHUT_WR';
  const wr = how !== 'SHUT_RD';
  if (rd) sk.rcvShutdown = true;
  if (wr) sk.sendShutdown = true;
  if (sk.state === 'CLOSE' || sk.state === null) return ['ENOTCONN', 'closed', 'inet_shutdown: TCP_CLOSE → ENOTCONN'];
  if (wr) pair.sendFin(sk);
  return [0, wr ? 'FIN' : 'nothing sent', wr ? 'inet_shutdown → tcp_shutdown: FIN' : 'inet_shutdown: RCV_SHUTDOWN only, nothing sent'];
}

function close(pair: Pair, sk: Sock): Answer {
  if (!sk.fd) return ['EBADF', 'closed fd', 'the descriptor was already closed'];
  const unread = sk.unread;
  sk.unread = 0;
  sk.fd = false;
  sk.rcvShutdown = true;
  sk.sendShutdown = true;
  if (sk.state === 'CLOSE') {
    sk.state = null;
    return [0, 'destroyed', '__tcp_close: already reset → destroyed'];
  }
  if (unread > 0) {
    sk.state = null;
    pair.send(sk.side, { class: 'rst', flags: 'R.' });
    return [0, 'unread → RST', `__tcp_close: ${unread} bytes unread → tcp_send_active_reset() (RST, no FIN)`];
  }
  pair.sendFin(sk);
  return [0, 'orphaned', '__tcp_close: nothing unread → FIN (unless already sent); the orphan lingers'];
}

/** tcp_write_err(): the kernel gave up (keepalive): RST (tcp_send_active_reset), sk_err = ETIMEDOUT. */
function timeout(pair: Pair, sk: Sock): void {
  pair.send(sk.side, { class: 'rst', flags: 'R.' });
  sk.err = 'ETIMEDOUT';
  tcpDone(sk);
}

/** Play a script on a fresh ESTABLISHED pair: each step's result, segments and the states after it. */
export function playScript(actions: readonly Action[]): StepOutcome[] {
  const pair = new Pair();
  return actions.map((action) => {
    const before = pair.sent.length;
    let result: CallResult | undefined;
    let why: string | undefined;
    let tag: string | undefined;
    if ('network' in action) pair.silent = true;
    else if ('timeout' in action) timeout(pair, pair.socks[action.side]);
    else {
      const sk = pair.socks[action.side];
      [result, tag, why] =
        action.call === 'read' ? read(sk)
        : action.call === 'write' ? write(pair, sk, action.bytes)
        : action.call === 'shutdown' ? shutdown(pair, sk, action.how)
        : close(pair, sk);
    }
    const visible = (sk: Sock): TcpState | null => sk.state;
    return {
      action,
      ...(result !== undefined ? { result, tag, why } : {}),
      segments: pair.sent.slice(before),
      states: { client: visible(pair.socks.client), server: visible(pair.socks.server) },
    };
  });
}

/** How `ss` names a state (iproute2 sstate_name[]); null: not listed (TCP_CLOSE is unhashed). */
export function ssStateName(s: TcpState | null): string | null {
  const names: Record<TcpState, string | null> = {
    ESTABLISHED: 'ESTAB', CLOSE_WAIT: 'CLOSE-WAIT', FIN_WAIT1: 'FIN-WAIT-1', FIN_WAIT2: 'FIN-WAIT-2',
    LAST_ACK: 'LAST-ACK', CLOSING: 'CLOSING', TIME_WAIT: 'TIME-WAIT', CLOSE: null,
  };
  return s === null ? null : names[s];
}

/**
 * LISTEN Recv-Q in ss (and tcpi_unacked of a listener): sk_ack_backlog, the children
 * that completed the handshake and wait in the accept queue. Requests still in
 * SYN-RECV (the SYN queue) are not counted. Read: get_tcp4_sock() (rx_queue =
 * sk_ack_backlog for TCP_LISTEN, 5.x/6.x copies), tcp_get_info() (feb7474b ~4.14:
 * `if (state == TCP_LISTEN) info->tcpi_unacked = sk->sk_ack_backlog`).
 */
export function listenRecvQ(q: { established: number; synRecv: number }): number {
  return q.established;
}
