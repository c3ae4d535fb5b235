// 'unknown' (ss) / 'unkn-N' (netstat): a timer code the tool has no name for.
import { counterFields, nameField, timeField, type TimerContext, type TimerStory } from './story.ts';

export function explainUnknown(ctx: TimerContext): TimerStory {
  const code = /^unkn-(\d+)$/.exec(ctx.timer.name)?.[1];
  return {
    kind: 'unknown',
    which: `A timer the tool has no name for${code ? ` (/proc/net/tcp timer code ${code})` : ' (inet_diag timer code above 4)'}. The kernel's codes are 1 retransmit, 2 keepalive, 3 TIME-WAIT, 4 zero-window probe; anything else comes from a kernel newer than the tool.`,
    fields: [
      nameField(ctx, 'a timer code the tool does not know.'),
      timeField(ctx, 'until it fires.'),
      ...counterFields(ctx, { retrans: 'the counter the kernel reports with it.', probes: 'the probe counter (icsk_probes_out).' }),
    ],
    onExpiry: ['Unknown: look at the socket state and a packet capture to see what the kernel does.'],
    governedBy: [],
    notes: [],
  };
}
