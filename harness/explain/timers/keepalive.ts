// 'keepalive': sk_timer. On an ESTABLISHED socket with SO_KEEPALIVE it is the
// keepalive timer (tcp_keepalive_timer()); on an orphaned FIN-WAIT-2 socket with
// tcp_fin_timeout over 60 s the same timer covers the part beyond 60 s
// (model/fin-wait.ts). COUNT (ss) and PROBES (netstat) are icsk_probes_out.
import { sysctlText, sysctlValue } from '../figures.ts';
import { counterFields, nameField, plural, secs, timeField, type TimerContext, type TimerStory } from './story.ts';

function finWait2(ctx: TimerContext): TimerStory {
  return {
    kind: 'keepalive',
    which:
      `The FIN-WAIT-2 timeout of an orphaned socket, first stage: the application has closed the socket and the peer has acknowledged our FIN but not sent its own. With tcp_fin_timeout above ${ctx.figures.timewait_s} s the kernel uses the keepalive timer for the part beyond ${ctx.figures.timewait_s} s.`,
    fields: [
      nameField(ctx, "'keepalive' = the socket's sk_timer, here standing in for the FIN-WAIT-2 timer."),
      timeField(ctx, 'until the socket turns into a small time-wait socket (timer \'timewait\') for the rest of the wait.'),
      ...counterFields(ctx, { retrans: 'not used here.', probes: 'not used here: no probes are sent.' }),
    ],
    onExpiry: [
      `The socket becomes a time-wait socket in FIN-WAIT-2 for tcp_fin_timeout − ${ctx.figures.timewait_s} s more (ss then shows timer:(timewait,…)); when that expires it disappears without a RST.`,
    ],
    governedBy: [ctx.knobs.fin_timeout, ctx.knobs.linger2],
    notes: [],
  };
}

export function explainKeepalive(ctx: TimerContext): TimerStory {
  if (ctx.state === 'FIN-WAIT-2') return finWait2(ctx);
  const t = ctx.timer;
  const probes = (t.source === 'ss' ? t.count : t.probes) ?? 0;
  const m = ctx.figures.model;
  const { tcp_keepalive_time: idle, tcp_keepalive_intvl: intvl } = m.sysctls;
  const notes: string[] = [];
  if (probes === 0 && t.remaining_s > intvl && t.remaining_s <= idle) {
    notes.push(
      `With ${sysctlText(m, 'tcp_keepalive_time', ' s')} this timer was armed about ${secs(idle - t.remaining_s)} ago. Traffic does not re-arm it: when it fires it looks at the time since the last packet received, and if that is short it simply waits for the rest of the idle time.`,
    );
  }
  if (probes > 0) {
    const extra = probes - 1;
    notes.push(
      `${plural(probes, 'probe')} unanswered: the peer has been silent for at least the idle time${extra > 0 ? ` plus ${plural(extra, 'probe interval')}` : ''}. If TCP_KEEPCNT is ${probes} (the notes used 4 in 000/002, 3 in test-idle), the next firing resets the connection.`,
    );
  }
  if (t.source === 'netstat' && (t.retrans ?? 0) > 0) {
    notes.push(`${plural(t.retrans!, 'retransmission')} happened earlier on this connection and were acknowledged in the end; keepalive only runs with nothing in flight.`);
  }
  return {
    kind: 'keepalive',
    which: 'The keepalive timer: SO_KEEPALIVE is on and nothing is in flight, so the kernel checks now and then that the idle peer is still there.',
    fields: [
      nameField(ctx, "'keepalive' = the keepalive timer is running (and no retransmission timer: nothing is unacknowledged)."),
      timeField(
        ctx,
        probes === 0
          ? `until the kernel next checks the idle time; if the connection has been idle for TCP_KEEPIDLE (tcp_keepalive_time, ${sysctlValue(m, 'tcp_keepalive_time', ' s')}) by then, the first probe goes out.`
          : `until the next probe (TCP_KEEPINTVL apart, tcp_keepalive_intvl, ${sysctlValue(m, 'tcp_keepalive_intvl', ' s')}), or until the RST if the probe limit has been reached.`,
      ),
      ...counterFields(ctx, {
        count: `${plural(probes, 'keepalive probe')} sent and not answered (icsk_probes_out); any packet from the peer resets it to 0.`,
        retrans: 'timeout retransmissions so far (icsk_retransmits); keepalive runs only while nothing is unacknowledged.',
        probes: `${plural(probes, 'keepalive probe')} sent and not answered (icsk_probes_out); any packet from the peer resets it to 0.`,
      }),
    ],
    onExpiry: [
      'If nothing has been received for the idle time: a probe goes out (an ACK with an old sequence number and no data, which the peer must answer) and the timer is re-armed for TCP_KEEPINTVL. If something was received meanwhile, the timer just waits for the rest of the idle time.',
      `After TCP_KEEPCNT unanswered probes (tcp_keepalive_probes, ${sysctlValue(m, 'tcp_keepalive_probes')}) the kernel sends an RST and the application gets ETIMEDOUT. With TCP_USER_TIMEOUT set, TCP_KEEPCNT is ignored: the connection dies at the first firing past the user timeout with at least one probe out.`,
      "Writing data stops keepalive: the retransmission timer ('on') takes over until the data is acknowledged.",
    ],
    governedBy: [ctx.knobs.so_keepalive, ctx.knobs.keepidle, ctx.knobs.keepintvl, ctx.knobs.keepcnt, ctx.knobs.user_timeout],
    notes,
  };
}
