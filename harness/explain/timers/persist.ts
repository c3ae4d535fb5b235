// 'persist' (ss) / 'probe' (netstat): the zero-window probe timer (ICSK_TIME_PROBE0,
// tcp_probe_timer()). COUNT (ss) and PROBES (netstat) are icsk_probes_out.
import { KNOBS } from '../governors.ts';
import { mayBeOrphan } from '../socket-state.ts';
import { counterFields, nameField, plural, timeField, type TimerContext, type TimerStory } from './story.ts';

export function explainPersist(ctx: TimerContext): TimerStory {
  const t = ctx.timer;
  const probes = (t.source === 'ss' ? t.count : t.probes) ?? 0;
  const notes: string[] = [];
  if (t.remaining_s === 0) notes.push('No time left: the next window probe is due right now.');
  if (mayBeOrphan(ctx.state)) {
    notes.push(
      `In ${ctx.state} the application has closed (or shut down) the socket while data was still queued: the FIN waits behind that data. A closed socket is an orphan, and tcp_orphan_retries decides: with the default it is destroyed silently — no FIN, no RST — at the first probe after the interval reaches 120 s, about 5.5 minutes (test-pacing in the notes).`,
    );
  }
  if (probes === 0) {
    notes.push('0 unanswered probes: either the first probe has not gone out yet, or the peer answers every probe (with a zero window), which resets the count.');
  }
  if (ctx.socket && ctx.socket.sendQ > 0) notes.push(`Send-Q ${ctx.socket.sendQ}: bytes waiting for the window to open.`);
  return {
    kind: 'zero-window',
    which:
      'The zero-window probe (persist) timer: the peer advertised a receive window of 0, this end has data queued and nothing in flight, so it asks from time to time whether the window has opened.',
    fields: [
      nameField(ctx, t.source === 'ss' ? "'persist' = the zero-window probe timer is running." : "'probe' = the zero-window probe timer is running (ss calls it 'persist')."),
      timeField(ctx, 'until the next window probe.'),
      ...counterFields(ctx, {
        count: `${plural(probes, 'window probe')} sent and not answered (icsk_probes_out); any ACK from the peer resets it, even one that still says window 0.`,
        retrans: 'timeout retransmissions (icsk_retransmits); usually 0 while probing.',
        probes: `${plural(probes, 'window probe')} sent and not answered (icsk_probes_out); any ACK from the peer resets it, even one that still says window 0.`,
      }),
    ],
    onExpiry: [
      'A window probe goes out (a segment with an old sequence number, or one byte of new data) and the timer is re-armed with the interval doubled: from the RTO (at least 200 ms) up to 120 s.',
      'After tcp_retries2 (default 15) unanswered probes — about 924.6 s with a 200 ms RTO — the connection dies with ETIMEDOUT, without FIN or RST. With TCP_USER_TIMEOUT: at about the user timeout counted from the first probe (5.11+, 5.10.13+, 5.4.96+; older kernels waited for the next probe, e.g. 107.5 s for 60 s in the notes).',
      'While the peer keeps answering (with a zero window) the connection can stay like this for ever — unless the application has closed it (tcp_orphan_retries) or set TCP_USER_TIMEOUT.',
    ],
    governedBy: [KNOBS.tcp_retries2, KNOBS.user_timeout, KNOBS.orphan_retries, KNOBS.rcvbuf_peer],
    notes,
  };
}
