// What every timer module gets (the reading and the socket's state) and gives
// back (its part of the Explanation), plus the field builders they share.
import type { ExplainedField, Governor, TimerKind } from '../explanation.ts';
import type { Figures } from '../figures.ts';
import type { knobs } from '../governors.ts';
import type { LocatedSocket, LocatedTimer } from '../locate.ts';
import type { SocketState } from '../socket-state.ts';

export interface TimerContext {
  timer: LocatedTimer;
  /** The socket's state, when the input was a whole line and the state is known. */
  state?: SocketState;
  socket?: LocatedSocket;
  /** The model's figures for the socket's kernel and sysctls (figures.ts). */
  figures: Figures;
  /** The knobs, described with those figures (governors.ts). */
  knobs: ReturnType<typeof knobs>;
}

export interface TimerStory {
  kind: TimerKind;
  which: string;
  fields: ExplainedField[];
  onExpiry: string[];
  governedBy: Governor[];
  notes: string[];
}

/** 1.999 → '1.999 s'; 6176.47 → '6176.47 s (1 h 42 min 56 s)'. */
export function secs(s: number): string {
  const main = `${Number(s.toFixed(3))} s`;
  if (Math.abs(s) < 120) return main;
  const total = Math.round(Math.abs(s));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const r = total % 60;
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', r ? `${r} s` : ''].filter(Boolean);
  return `${main} (${parts.join(' ')})`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function nameField(ctx: TimerContext, meaning: string): ExplainedField {
  return { text: ctx.timer.name, name: 'timer name', meaning };
}

export function timeField(ctx: TimerContext, meaning: string): ExplainedField {
  const t = ctx.timer;
  const text = t.timeText === '' ? '(empty)' : t.timeText;
  const prefix = t.source === 'ss' && t.timeText === '' ? 'ss prints nothing for 0: ' : '';
  const overdue = t.remaining_s < 0 ? ' (negative: the timer is overdue, the kernel has not run it yet)' : '';
  return { text, name: t.source === 'ss' ? 'time left' : 'seconds left', meaning: `${prefix}${secs(t.remaining_s)}${overdue} ${meaning}` };
}

/** The counters: ss's COUNT, or netstat's RETRANS and PROBES. */
export function counterFields(
  ctx: TimerContext,
  meanings: { count?: string; retrans: string; probes: string },
): ExplainedField[] {
  const t = ctx.timer;
  if (t.source === 'ss') {
    return [{ text: String(t.count ?? 0), name: 'count', meaning: meanings.count ?? meanings.retrans }];
  }
  return [
    { text: String(t.retrans ?? 0), name: 'retransmissions', meaning: meanings.retrans },
    { text: String(t.probes ?? 0), name: 'probes', meaning: meanings.probes },
  ];
}
