// `explain`: what a line of `ss -o` or `netstat -o` timer text means.
import type { Explanation, TimerKind } from './explanation.ts';
import { ExplainError } from './explain-error.ts';
import { type ExplainModel, type Figures, explainModel, figuresFor } from './figures.ts';
import { knobs } from './governors.ts';
import { locate, type Located } from './locate.ts';
import { coarseWarning, mislabelWarning } from './mislabel.ts';
import { normaliseState } from './socket-state.ts';
import { ssInfoNote } from './ss-info-note.ts';
import { explainKeepalive } from './timers/keepalive.ts';
import { explainOff } from './timers/off.ts';
import { explainPersist } from './timers/persist.ts';
import { explainRetransmit } from './timers/retransmit.ts';
import type { TimerContext, TimerStory } from './timers/story.ts';
import { explainTimewait } from './timers/timewait.ts';
import { explainUnknown } from './timers/unknown.ts';

const BY_NAME: Record<string, (ctx: TimerContext) => TimerStory> = {
  on: explainRetransmit,
  keepalive: explainKeepalive,
  timewait: explainTimewait,
  persist: explainPersist,
  probe: explainPersist,
  off: explainOff,
};

function story(l: Located, figures: Figures): TimerStory {
  const state = l.socket ? normaliseState(l.socket.state) : undefined;
  const ctx: TimerContext = { timer: l.timer, ...(state ? { state } : {}), ...(l.socket ? { socket: l.socket } : {}), figures, knobs: knobs(figures) };
  return (BY_NAME[l.timer.name] ?? explainUnknown)(ctx);
}

/**
 * Explain one timer: a netstat -o timer ('on (0.21/2/2)'), an ss -o timer
 * ('timer:(on,1.999ms,1)'), a whole ss or netstat line, or a line of prose that
 * quotes one. Throws ExplainError (a UsageError: exit 2 with a hint) otherwise.
 * The figures it quotes are the model's for `model`: by default this machine's
 * kernel with the kernel's default sysctls (figures.ts explainModel()).
 */
export function explain(text: string, model: ExplainModel = explainModel()): Explanation {
  return explainWith(text, figuresFor(model));
}

function explainWith(text: string, figures: Figures): Explanation {
  const l = locate(text);
  const s = story(l, figures);
  const t = l.timer;
  const warnings: string[] = [];
  if (t.mislabelled) warnings.push(mislabelWarning(t.timeText, t.remaining_s));
  const coarse = t.source === 'ss' ? coarseWarning(t.timeText) : undefined;
  if (coarse) warnings.push(coarse);
  const notes = [...s.notes];
  if (l.context) notes.unshift(`Read from the text around it ("${l.context}"); the socket's state is not known.`);
  const info = ssInfoNote(l.socket?.info);
  if (info) notes.push(info);
  const timer: Explanation['timer'] = {
    name: t.name,
    kind: s.kind as TimerKind,
    remaining_s: t.remaining_s,
    ...(t.source === 'ss' ? { count: t.count ?? 0 } : { retrans: t.retrans ?? 0, probes: t.probes ?? 0 }),
  };
  return {
    input: text,
    source: t.source,
    timerText: t.text,
    timer,
    ...(l.socket ? { socket: { state: l.socket.state, local: l.socket.local, peer: l.socket.peer, recvQ: l.socket.recvQ, sendQ: l.socket.sendQ } } : {}),
    which: s.which,
    fields: s.fields,
    onExpiry: s.onExpiry,
    governedBy: s.governedBy,
    notes,
    warnings,
    model: { kernel: figures.model.kernel, sysctls: figures.model.sysctlSource },
  };
}

/**
 * Explain every socket line of pasted `ss` / `netstat` output that has a timer
 * (headers, blank lines and `-i` continuation lines are skipped). Throws
 * ExplainError when no line has one.
 */
export function explainLines(text: string, model: ExplainModel = explainModel()): Explanation[] {
  const figures = figuresFor(model);
  const out: Explanation[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || /^\t/.test(line) || /^(State|Netid|Active|Proto|Recv-Q)\b/.test(line.trim())) continue;
    try {
      const e = explainWith(line, figures);
      if (e.timerText !== '') out.push(e); // ss lines without a timer field say nothing about timers
    } catch (e) {
      if (!(e instanceof ExplainError)) throw e;
    }
  }
  if (out.length === 0) throw new ExplainError(text, 'no line has an ss or netstat timer');
  return out;
}
