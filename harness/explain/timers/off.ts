// 'off': no timer pending (netstat prints off (0.00/0/0); ss prints no timer field).
import { counterFields, nameField, timeField, type TimerContext, type TimerStory } from './story.ts';

export function explainOff(ctx: TimerContext): TimerStory {
  const t = ctx.timer;
  const notes: string[] = [];
  if (t.absent) notes.push('ss prints no timer field when no timer runs — or when it was run without -o. Run ss -tano to be sure.');
  if (ctx.state === 'LISTEN') notes.push('A listening socket has no timer of its own; its half-open connections (SYN-RECV) carry their own SYN-ACK timers.');
  return {
    kind: 'off',
    which:
      ctx.state === 'LISTEN'
        ? 'No timer: this is a listening socket.'
        : 'No timer is running: nothing is waiting for an acknowledgement, and keepalive is off (SO_KEEPALIVE not set).',
    fields: t.absent
      ? []
      : [
          nameField(ctx, "'off' = no retransmission, keepalive, zero-window or TIME-WAIT timer is pending."),
          timeField(ctx, '(always 0.00 when no timer runs).'),
          ...counterFields(ctx, {
            retrans: 'timeout retransmissions (icsk_retransmits); 0 on an idle connection.',
            probes: 'keepalive or zero-window probes outstanding (icsk_probes_out); 0 on an idle connection.',
          }),
        ],
    onExpiry: [
      'Nothing happens by itself. An idle connection without keepalive stays ESTABLISHED for ever, even if the peer has vanished: only sending data (then the retransmission timer runs) or enabling SO_KEEPALIVE would notice.',
    ],
    governedBy: [ctx.knobs.so_keepalive],
    notes,
  };
}
