// 'persist' (ss) / 'probe' (netstat): the zero-window probe timer (ICSK_TIME_PROBE0,
// tcp_probe_timer()). COUNT (ss) and PROBES (netstat) are icsk_probes_out.
import { mayBeOrphan } from '../socket-state.ts';
import { secsShort, sinceText, sysctlValue } from '../figures.ts';
import { counterFields, nameField, plural, secs, timeField, type TimerContext, type TimerStory } from './story.ts';

export function explainPersist(ctx: TimerContext): TimerStory {
  const t = ctx.timer;
  const probes = (t.source === 'ss' ? t.count : t.probes) ?? 0;
  const f = ctx.figures;
  const m = f.model;
  const notes: string[] = [];
  const orphanEnd = f.zeroWindow.orphanAnsweredDeath_s === undefined ? "not within the model's horizon" : secs(f.zeroWindow.orphanAnsweredDeath_s);
  if (t.remaining_s === 0) notes.push('No time left: the next window probe is due right now.');
  if (mayBeOrphan(ctx.state)) {
    notes.push(
      `In ${ctx.state} the application has closed (or shut down) the socket while data was still queued: the FIN waits behind that data. A closed socket is an orphan, and tcp_orphan_retries decides: with tcp_orphan_retries ${m.sysctls.tcp_orphan_retries} it is destroyed silently — no FIN, no RST — at the first probe after the interval reaches ${f.rtoMax_s} s: ${orphanEnd} by the model on ${m.kernel} for a peer that answers with a zero window and a ${secsShort(f.rtoMin_s)} RTO (about 5.5 minutes in test-pacing in the notes).`,
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
      `A window probe goes out (a segment with an old sequence number, or one byte of new data) and the timer is re-armed with the interval doubled: from the RTO (at least ${secsShort(f.rtoMin_s)}) up to ${f.rtoMax_s} s.`,
      `After tcp_retries2 (${sysctlValue(m, 'tcp_retries2')}) unanswered probes — ${f.zeroWindow.death_s === undefined ? "not within the model's horizon" : `about ${f.zeroWindow.death_s} s`} with a ${secsShort(f.rtoMin_s)} RTO on ${m.kernel} — the connection dies with ETIMEDOUT, without FIN or RST. With TCP_USER_TIMEOUT: at about the user timeout counted from the first probe (${sinceText('probe0UserTimeoutStamp')}; older kernels waited for the next probe, e.g. 107.5 s for 60 s in the notes).`,
      'While the peer keeps answering (with a zero window) the connection can stay like this for ever — unless the application has closed it (tcp_orphan_retries) or set TCP_USER_TIMEOUT.',
    ],
    governedBy: [ctx.knobs.tcp_retries2, ctx.knobs.user_timeout, ctx.knobs.orphan_retries, ctx.knobs.rcvbuf_peer],
    notes,
  };
}
