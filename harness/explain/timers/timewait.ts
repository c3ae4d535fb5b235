// 'timewait': the timer of a time-wait socket (inet_timewait_sock): a real
// TIME-WAIT, or an orphaned FIN-WAIT-2 that the kernel turned into one
// (tcp_time_wait(sk, TCP_FIN_WAIT2, tmo); model/fin-wait.ts). COUNT is always 0.
import { counterFields, nameField, secs, timeField, type TimerContext, type TimerStory } from './story.ts';

function timeWait(ctx: TimerContext): TimerStory {
  const left = ctx.timer.remaining_s;
  const len = ctx.figures.timewait_s;
  const notes = left <= len ? [`${secs(left)} of ${len} s left: this end closed about ${secs(len - left)} ago.`] : [];
  return {
    kind: 'timewait',
    which:
      'The TIME-WAIT timer: this end closed the connection first, and the socket now only lingers so that late packets of the old connection cannot be mistaken for a new one.',
    fields: [
      nameField(ctx, "'timewait' = the socket is a time-wait socket."),
      timeField(ctx, 'until the socket is removed.'),
      ...counterFields(ctx, { retrans: 'always 0 for a time-wait socket.', probes: 'always 0 for a time-wait socket.' }),
    ],
    onExpiry: ['The socket disappears. Nothing is sent.'],
    governedBy: [ctx.knobs.timewait_len, ctx.knobs.tw_reuse, ctx.knobs.max_tw],
    notes: [
      ...notes,
      `TIME-WAIT always lasts ${len} s on Linux (TCP_TIMEWAIT_LEN), not a configurable 2×MSL; tcp_fin_timeout is about FIN-WAIT-2, not TIME-WAIT.`,
    ],
  };
}

function finWait2(ctx: TimerContext): TimerStory {
  return {
    kind: 'timewait',
    which:
      "The FIN-WAIT-2 timer of an orphaned socket: the application has closed the socket, the peer acknowledged our FIN but has not sent its own. The kernel keeps a small time-wait socket in FIN-WAIT-2 for tcp_fin_timeout.",
    fields: [
      nameField(ctx, "'timewait' = the socket is now a time-wait socket (here still in FIN-WAIT-2)."),
      timeField(ctx, "until the socket is removed if the peer's FIN does not come."),
      ...counterFields(ctx, { retrans: 'always 0 here.', probes: 'always 0 here.' }),
    ],
    onExpiry: [
      'The socket disappears silently: no FIN, no RST. If the peer sends its FIN later, it gets an RST, because the socket no longer exists.',
      `If the peer's FIN arrives in time, the socket moves on to TIME-WAIT (${ctx.figures.timewait_s} s).`,
    ],
    governedBy: [ctx.knobs.fin_timeout, ctx.knobs.linger2],
    notes: [
      'Only a closed socket gets this timer: after shutdown(SHUT_WR) alone the socket stays in FIN-WAIT-2 with no timer until the peer sends its FIN.',
    ],
  };
}

export function explainTimewait(ctx: TimerContext): TimerStory {
  if (ctx.state === 'FIN-WAIT-2') return finWait2(ctx);
  if (ctx.state === 'TIME-WAIT') return timeWait(ctx);
  const story = timeWait(ctx);
  story.which += " (In ss output a FIN-WAIT-2 socket can show this timer too: then it is an orphan waiting tcp_fin_timeout for the peer's FIN.)";
  story.governedBy = [...story.governedBy, ctx.knobs.fin_timeout];
  return story;
}
