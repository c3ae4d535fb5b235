// 'on': the retransmission timer (icsk_retransmit_timer; ss and netstat also show
// the tail loss probe and the RACK reordering timer under this name), and for a
// request socket in SYN-RECV its SYN-ACK timer (rsk_timer).
//
// What the counters are (kernel side):
//   ss      COUNT = icsk_retransmits (full socket) or req->num_retrans (SYN-RECV),
//                   inet_diag's idiag_retrans
//   netstat RETRANS = icsk_retransmits, or req->num_timeout for SYN-RECV
//                   (get_openreq4()); PROBES = icsk_probes_out (0 for SYN-RECV)
import { KNOBS } from '../governors.ts';
import { counterFields, nameField, plural, secs, timeField, type TimerContext, type TimerStory } from './story.ts';

/** How long the SYN timer runs after `n` retransmissions: before 6.5, and from 6.5 with 4 linear timeouts. */
function synInterval(n: number): { classic: number; linear: number } {
  return { classic: Math.min(2 ** n, 120), linear: n <= 4 ? 1 : Math.min(2 ** (n - 4), 120) };
}

function synSent(ctx: TimerContext): TimerStory {
  const t = ctx.timer;
  const n = (t.source === 'ss' ? t.count : t.retrans) ?? 0;
  const notes: string[] = [];
  const { classic, linear } = synInterval(n);
  const left = t.remaining_s;
  if (n === 0) {
    notes.push(`No SYN has been retransmitted yet: the first SYN went out about ${secs(Math.max(0, 1 - left))} ago, and the first retransmission comes 1 s after it.`);
  } else if (left > linear + 0.05 && left <= classic + 0.05) {
    notes.push(
      `After ${plural(n, 'retransmission')} this timer runs for ${classic} s on kernels before 6.5 (doubling from 1 s), but only ${linear} s from 6.5 (tcp_syn_linear_timeouts=4): ${secs(left)} left means a kernel before 6.5, or linear timeouts turned down.`,
    );
  } else {
    notes.push(`After ${plural(n, 'retransmission')} this timer runs for ${classic} s before 6.5, ${linear} s from 6.5 (tcp_syn_linear_timeouts=4); TCP_USER_TIMEOUT can shorten it.`);
  }
  return {
    kind: 'retransmit',
    which: 'The SYN retransmission timer of a socket in connect() (SYN-SENT): the server has not answered, and the kernel resends the SYN until it does.',
    fields: [
      nameField(ctx, "'on' = the retransmission timer is running."),
      timeField(ctx, 'until the next SYN retransmission, or until connect() gives up.'),
      ...counterFields(ctx, {
        retrans: `${plural(n, 'SYN retransmission')} so far (icsk_retransmits).`,
        probes: 'keepalive or zero-window probes (icsk_probes_out); always 0 while connecting.',
      }),
    ],
    onExpiry: [
      'The SYN is sent again and the timer re-armed with the interval doubled: 1, 2, 4, 8 … s (from 6.5 the first tcp_syn_linear_timeouts=4 retransmissions stay 1 s apart).',
      'Once tcp_syn_retries (default 6; TCP_SYNCNT per socket) retransmissions went unanswered — or TCP_USER_TIMEOUT has passed (5.4+, 4.19.77+) — connect() fails with ETIMEDOUT. No RST is sent. With the defaults: after 127 s before 6.5, after about 131 s from 6.5.',
    ],
    governedBy: [KNOBS.syn_retries, KNOBS.syncnt, KNOBS.user_timeout, KNOBS.syn_linear],
    notes,
  };
}

function synRecv(ctx: TimerContext): TimerStory {
  const t = ctx.timer;
  const notes: string[] = [];
  const ss = t.source === 'ss';
  const n = (ss ? t.count : t.retrans) ?? 0;
  if (ss && n === 0 && t.remaining_s > 1.0005) {
    notes.push(
      `The count is 0 but ${secs(t.remaining_s)} are left: the timer starts at 1 s, so it has already fired without resending the SYN-ACK. That is TCP_DEFER_ACCEPT at work: the client's ACK arrived, and the listener holds the connection in SYN-RECV until data comes (or its deferring period ends).`,
    );
  }
  if (ss && n > 5) {
    notes.push(
      `${n} is more than the default tcp_synack_retries (5): the count also includes SYN-ACKs resent in answer to a retransmitted SYN, so the client is probably still in SYN-SENT and retransmitting too (both ends time out in the end).`,
    );
  }
  return {
    kind: 'retransmit',
    which:
      "The SYN-ACK timer of a half-open connection (SYN-RECV, a request socket on the listener): the client's final ACK has not arrived (or TCP_DEFER_ACCEPT is waiting for data), and the kernel resends the SYN-ACK.",
    fields: [
      nameField(ctx, "'on' = the request socket's SYN-ACK timer is running."),
      timeField(ctx, 'until the timer fires again.'),
      ...counterFields(ctx, {
        count: `${plural(n, 'SYN-ACK')} retransmitted so far (req->num_retrans). It also counts SYN-ACKs resent because a retransmitted SYN arrived, and it stays 0 while TCP_DEFER_ACCEPT is deferring.`,
        retrans: `the SYN-ACK timer has fired ${plural(n, 'time')} (req->num_timeout; netstat counts firings, ss counts SYN-ACKs sent).`,
        probes: 'always 0 for a request socket.',
      }),
    ],
    onExpiry: [
      'Until tcp_synack_retries (default 5; TCP_SYNCNT on the listener overrides it) firings: the SYN-ACK is sent again and the timer re-armed at twice the interval — SYN-ACKs at 1, 3, 7, 15, 31 s.',
      'After that the half-open connection is dropped silently at about 63 s: no FIN, no RST, and the application never sees it. TCP_USER_TIMEOUT has no effect on it.',
      'With TCP_DEFER_ACCEPT, firings inside the deferring period send nothing; the first one after it resends the SYN-ACK, and the ACK that answers it completes the connection even without data.',
    ],
    governedBy: [KNOBS.synack_retries, KNOBS.syncnt, KNOBS.defer_accept, KNOBS.user_timeout_none],
    notes,
  };
}

function data(ctx: TimerContext): TimerStory {
  const t = ctx.timer;
  const ss = t.source === 'ss';
  const n = (ss ? t.count : t.retrans) ?? 0;
  const probes = t.probes ?? 0;
  const notes: string[] = [];
  if (!ctx.state) {
    notes.push(
      "Without the socket's state this is most likely data waiting for its ACK; in SYN-SENT it would be the SYN timer, in SYN-RECV the SYN-ACK timer. Paste the whole ss or netstat line to tell.",
    );
  }
  if (n === 0) {
    notes.push(
      'Nothing has been retransmitted yet: either data is simply in flight waiting for its ACK (normal on a busy connection), or the first timeout / tail loss probe is about to fire (about 2×RTT + 200 ms after the send).',
    );
  }
  if (n >= 10 && t.remaining_s < 10) {
    notes.push(
      `${n} retransmissions with only ${secs(t.remaining_s)} on the timer: after 10 doublings from 200 ms the interval would be 120 s, so the RTO is not backing off normally. One known cause is ICMP host/network-unreachable messages from a router: each one undoes a backoff step (RFC 6069, tcp_v4_err()). tcp_retries2 bounds time, not the count, so the count can climb far past 15.`,
    );
  }
  if (n > 15) notes.push('The retransmission counter (icsk_retransmits) is 8 bits wide: it wraps after 255.');
  if (!ss && probes > 0) {
    notes.push(
      `The ${plural(probes, 'probe')} were sent before the data: keepalive (or zero-window) probing had started, then the application wrote. Nothing came back from the peer since, so the probe count was never reset; the retransmission timer has taken over and keepalive no longer runs.`,
    );
  }
  if (ctx.socket && ctx.socket.sendQ > 0) notes.push(`Send-Q ${ctx.socket.sendQ}: bytes sent or queued and not yet acknowledged.`);
  if (ctx.state === 'FIN-WAIT-1' || ctx.state === 'LAST-ACK' || ctx.state === 'CLOSING') {
    notes.push(`In ${ctx.state} the unacknowledged segment may be our FIN. If the application has closed the socket, tcp_orphan_retries applies instead of tcp_retries2.`);
  }
  return {
    kind: 'retransmit',
    which:
      'The retransmission timer: data (or a FIN) has been sent and not acknowledged yet. ss and netstat show the tail loss probe and the RACK reordering timer under the same name.',
    fields: [
      nameField(ctx, "'on' = the retransmission timer is running."),
      timeField(ctx, 'until the next retransmission (or loss probe) of the oldest unacknowledged segment.'),
      ...counterFields(ctx, {
        retrans: `${plural(n, 'timeout retransmission')} of the oldest unacknowledged segment so far (icsk_retransmits); it goes back to 0 when an ACK for new data arrives.`,
        probes:
          probes === 0
            ? 'no keepalive or zero-window probes outstanding (icsk_probes_out).'
            : `${plural(probes, 'keepalive or zero-window probe')} sent and never answered (icsk_probes_out).`,
      }),
    ],
    onExpiry: [
      'The oldest unacknowledged segment is sent again and the timeout doubles (from about 200 ms on a LAN or loopback, at most 120 s).',
      'The connection dies with ETIMEDOUT — no FIN, no RST — at the first timeout after tcp_model_timeout(tcp_retries2) has passed since the first retransmission: 924.6 s for the default 15 with a 200 ms RTO (observed 924.6–1044.6 s). With TCP_USER_TIMEOUT, at the user timeout instead. The application learns it on its next call (or poll).',
      'A socket the application has already closed (orphan) gives up sooner: tcp_orphan_retries (default 0, meaning 8: about 100 s).',
      'Keepalive does not run while data is unacknowledged.',
    ],
    governedBy: [KNOBS.tcp_retries2, KNOBS.user_timeout, KNOBS.orphan_retries, KNOBS.early_retrans, KNOBS.tcp_retries1],
    notes,
  };
}

export function explainRetransmit(ctx: TimerContext): TimerStory {
  if (ctx.state === 'SYN-SENT') return synSent(ctx);
  if (ctx.state === 'SYN-RECV') return synRecv(ctx);
  return data(ctx);
}
