// 'on': the retransmission timer (icsk_retransmit_timer; ss and netstat also show
// the tail loss probe and the RACK reordering timer under this name), and for a
// request socket in SYN-RECV its SYN-ACK timer (rsk_timer).
//
// What the counters are (kernel side):
//   ss      COUNT = icsk_retransmits (full socket) or req->num_retrans (SYN-RECV),
//                   inet_diag's idiag_retrans
//   netstat RETRANS = icsk_retransmits, or req->num_timeout for SYN-RECV
//                   (get_openreq4()); PROBES = icsk_probes_out (0 for SYN-RECV)
import { secsShort, sinceText, synInterval, sysctlText, sysctlValue, times } from '../figures.ts';
import { counterFields, nameField, plural, secs, timeField, type TimerContext, type TimerStory } from './story.ts';

function synSent(ctx: TimerContext): TimerStory {
  const t = ctx.timer;
  const n = (t.source === 'ss' ? t.count : t.retrans) ?? 0;
  const notes: string[] = [];
  const f = ctx.figures;
  const m = f.model;
  const { classic, linear } = synInterval(m, n);
  const since = f.linearSince;
  const lin = `tcp_syn_linear_timeouts=${m.sysctls.tcp_syn_linear_timeouts}`;
  const left = t.remaining_s;
  if (n === 0) {
    notes.push(`No SYN has been retransmitted yet: the first SYN went out about ${secs(Math.max(0, f.initialRto_s - left))} ago, and the first retransmission comes ${f.initialRto_s} s after it.`);
  } else if (left > linear + 0.05 && left <= classic + 0.05) {
    notes.push(
      `After ${plural(n, 'retransmission')} this timer runs for ${classic} s on kernels before ${since} (doubling from ${f.initialRto_s} s), but only ${linear} s from ${since} (${lin}): ${secs(left)} left means a kernel before ${since}, or linear timeouts turned down.`,
    );
  } else {
    notes.push(`After ${plural(n, 'retransmission')} this timer runs for ${classic} s before ${since}, ${linear} s from ${since} (${lin}); TCP_USER_TIMEOUT can shorten it.`);
  }
  const here = f.synSent;
  const other = f.synSentOther;
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
      `The SYN is sent again and the timer re-armed with the interval doubled from ${f.initialRto_s} s (from ${since} the first tcp_syn_linear_timeouts retransmissions stay ${f.initialRto_s} s apart). On ${m.kernel} the retransmissions go out at ${times(here.resends_s)} after the first SYN${here.linear ? ` (${lin})` : ''}.`,
      `Once tcp_syn_retries (${sysctlValue(m, 'tcp_syn_retries')}; TCP_SYNCNT per socket) retransmissions went unanswered — or TCP_USER_TIMEOUT has passed (${sinceText('synSentHonoursUserTimeout')}) — connect() fails with ETIMEDOUT. No RST is sent. On ${m.kernel}: after ${plural(here.retransmits, 'retransmission')}, ${here.death_s} s after the first SYN (on ${other.kernel}: ${plural(other.retransmits, 'retransmission')}, ${other.death_s} s).`,
    ],
    governedBy: [ctx.knobs.syn_retries, ctx.knobs.syncnt, ctx.knobs.user_timeout, ctx.knobs.syn_linear],
    notes,
  };
}

function synRecv(ctx: TimerContext): TimerStory {
  const t = ctx.timer;
  const notes: string[] = [];
  const ss = t.source === 'ss';
  const n = (ss ? t.count : t.retrans) ?? 0;
  const initial = ctx.figures.initialRto_s;
  if (ss && n === 0 && t.remaining_s > initial + 0.0005) {
    notes.push(
      `The count is 0 but ${secs(t.remaining_s)} are left: the timer starts at ${initial} s, so it has already fired without resending the SYN-ACK. That is TCP_DEFER_ACCEPT at work: the client's ACK arrived, and the listener holds the connection in SYN-RECV until data comes (or its deferring period ends).`,
    );
  }
  const f = ctx.figures;
  const max = f.model.sysctls.tcp_synack_retries;
  if (ss && n > max) {
    notes.push(
      `${n} is more than ${sysctlText(f.model, 'tcp_synack_retries')}: the count also includes SYN-ACKs resent in answer to a retransmitted SYN, so the client is probably still in SYN-SENT and retransmitting too (both ends time out in the end).`,
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
      `Until tcp_synack_retries (${sysctlValue(f.model, 'tcp_synack_retries')}; TCP_SYNCNT on the listener overrides it) firings: the SYN-ACK is sent again and the timer re-armed at twice the interval — SYN-ACKs at ${times(f.synRecv.resends_s)}.`,
      `After that the half-open connection is dropped silently at about ${f.synRecv.drop_s} s: no FIN, no RST, and the application never sees it. TCP_USER_TIMEOUT has no effect on it.`,
      'With TCP_DEFER_ACCEPT, firings inside the deferring period send nothing; the first one after it resends the SYN-ACK, and the ACK that answers it completes the connection even without data.',
    ],
    governedBy: [ctx.knobs.synack_retries, ctx.knobs.syncnt, ctx.knobs.defer_accept, ctx.knobs.user_timeout_none],
    notes,
  };
}

function data(ctx: TimerContext): TimerStory {
  const t = ctx.timer;
  const ss = t.source === 'ss';
  const n = (ss ? t.count : t.retrans) ?? 0;
  const probes = t.probes ?? 0;
  const f = ctx.figures;
  const sc = f.model.sysctls;
  const notes: string[] = [];
  if (!ctx.state) {
    notes.push(
      "Without the socket's state this is most likely data waiting for its ACK; in SYN-SENT it would be the SYN timer, in SYN-RECV the SYN-ACK timer. Paste the whole ss or netstat line to tell.",
    );
  }
  if (n === 0) {
    notes.push(
      `Nothing has been retransmitted yet: either data is simply in flight waiting for its ACK (normal on a busy connection), or the first timeout / tail loss probe is about to fire (about 2×RTT + ${secsShort(f.rtoMin_s)} after the send).`,
    );
  }
  if (n >= f.doublingsToMax && t.remaining_s < 10) {
    notes.push(
      `${n} retransmissions with only ${secs(t.remaining_s)} on the timer: after ${f.doublingsToMax} doublings from ${secsShort(f.rtoMin_s)} the interval would be ${f.rtoMax_s} s, so the RTO is not backing off normally. One known cause is ICMP host/network-unreachable messages from a router: each one undoes a backoff step (RFC 6069, tcp_v4_err()). tcp_retries2 bounds time, not the count, so the count can climb far past ${sc.tcp_retries2}.`,
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
      `The oldest unacknowledged segment is sent again and the timeout doubles (from about ${secsShort(f.rtoMin_s)} on a LAN or loopback, at most ${f.rtoMax_s} s).`,
      `The connection dies with ETIMEDOUT — no FIN, no RST — at the first timeout after tcp_model_timeout(tcp_retries2) has passed since the first retransmission: ${f.retries2Bound_s} s for tcp_retries2 ${sc.tcp_retries2} with a ${secsShort(f.rtoMin_s)} RTO (so up to one ${f.rtoMax_s} s interval later: the notes observed 924.6–1044.6 s for 15). With TCP_USER_TIMEOUT, at the user timeout instead. The application learns it on its next call (or poll).`,
      `A socket the application has already closed (orphan) gives up sooner: tcp_orphan_retries ${sc.tcp_orphan_retries}${sc.tcp_orphan_retries === 0 ? `, meaning ${f.orphan.retries}` : ''}: about ${f.orphan.bound_s} s.`,
      'Keepalive does not run while data is unacknowledged.',
    ],
    governedBy: [ctx.knobs.tcp_retries2, ctx.knobs.user_timeout, ctx.knobs.orphan_retries, ctx.knobs.early_retrans, ctx.knobs.tcp_retries1],
    notes,
  };
}

export function explainRetransmit(ctx: TimerContext): TimerStory {
  if (ctx.state === 'SYN-SENT') return synSent(ctx);
  if (ctx.state === 'SYN-RECV') return synRecv(ctx);
  return data(ctx);
}
