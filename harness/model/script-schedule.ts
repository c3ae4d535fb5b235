// A scripted exchange (semantics.ts) as a Schedule: the packets the script makes the
// kernel send, each at its scripted moment or at once in answer to another, the `ss`
// state changes they cause, and the result every call must get.
//
// Nothing here is a kernel timer: a FIN leaves inside shutdown()/close(), an RST inside
// the softirq that received the offending segment. So each predicted packet is armed by
// the previous one with the script's own gap (0 when it answers it), and the only
// lateness is the scenario's sleep (a Lag the experiment states, tolerance.ts).

import type { PredictedEvent, Schedule } from './schedule.ts';
import { momentEvent } from './timer-event.ts';
import { type Action, type CallResult, type Direction, type Segment, type Side, type StepOutcome, playScript, ssStateName } from './semantics.ts';

/** One scripted moment: sleep `after_s` after the previous step (or after connect()), then act. */
export type ScriptStep = Action & { after_s: number };

export interface ScriptedPacket {
  /** Schedule event id, e.g. 's2c-fin-0'. */
  id: string;
  dir: Direction;
  class: Segment['class'];
  flags?: string;
  /** Index among the captured packets of this direction and class (the handshake ACK counts). */
  nth: number;
  /** Scripted sleeps between the previous predicted packet and this one (0: it answers it). */
  sleeps: number;
  /** The script step that sends it, and whether it is that step's first segment (the call's own). */
  step: number;
  leads: boolean;
}

export interface CallExpectation {
  side: Side;
  call: 'read' | 'write' | 'shutdown' | 'close';
  /** Index among this side's calls of this kind. */
  nth: number;
  expected: CallResult;
  tag: string;
  why: string;
}

/** A socket state `ss` shows appearing or disappearing, caused by predicted packet `at`. */
export interface StateChange {
  side: Side;
  state: string;
  edge: 'enter' | 'leave';
  at: string;
}

export interface ScriptPrediction {
  schedule: Schedule;
  packets: ScriptedPacket[];
  calls: CallExpectation[];
  changes: StateChange[];
  steps: StepOutcome[];
}

const WHO: Record<Direction, string> = { c2s: 'client', s2c: 'server' };

function cite(s: Segment): string {
  if (s.class === 'fin') return 'tcp_shutdown()/__tcp_close() → tcp_send_fin(), net/ipv4/tcp.c (4.14, 6.2)';
  if (s.class === 'data') return 'tcp_sendmsg_locked() → tcp_push(), net/ipv4/tcp.c (4.14, 6.2)';
  if (s.class === 'ack') return 'tcp_event_data_recv(): the first data segments are ACKed at once (quick ACK), net/ipv4/tcp_input.c';
  return s.flags === 'R'
    ? 'tcp_v4_send_reset() for new data after the reader shut down: tcp_rcv_state_process() step 7 / tcp_timewait_state_process()'
    : 'tcp_send_active_reset(): __tcp_close() with unread data, or a timer giving up';
}

function label(s: Segment, k: number, total: number): string {
  const what = s.class === 'rst' ? `RST [${s.flags}]` : s.class === 'ack' ? 'ACK of data' : s.class.toUpperCase().replace('DATA', 'data');
  return `${WHO[s.dir]} ${what}${total > 1 ? ` ${k + 1}` : ''}`;
}

/**
 * Predict a script: play it (semantics.ts playScript) and lay the packets it sends on a
 * time line. `acksOfData` also predicts the quick ACK that answers each data segment.
 * Anchor: the client's handshake ACK (connect() returns right after it).
 */
export function scriptPrediction(steps: readonly ScriptStep[], { acksOfData = false } = {}): ScriptPrediction {
  const outcomes = playScript(steps);
  const wanted = (s: Segment) => s.class !== 'ack' || (acksOfData && s.acks === 'data');

  // Every simulated segment counts towards nth; the handshake adds one c2s ACK first.
  const seen = new Map<string, number>([['c2s-ack', 1]]);
  const perKind = new Map<string, number>();
  const all = outcomes.flatMap((o, step) => o.segments.map((s, i) => ({ s, step, leads: i === 0 })));
  const totals = new Map<string, number>();
  for (const { s } of all.filter((x) => wanted(x.s))) totals.set(`${s.dir}-${s.class}`, (totals.get(`${s.dir}-${s.class}`) ?? 0) + 1);

  const events: PredictedEvent[] = [];
  const packets: ScriptedPacket[] = [];
  const lastEventOfStep = new Map<number, string>();
  let t = 0;
  const stepAt = steps.map((st) => (t += st.after_s));
  let prev: { id: string; at: number; step: number } | null = null;
  for (const { s, step, leads } of all) {
    const key = `${s.dir}-${s.class}`;
    const nth = seen.get(key) ?? 0;
    seen.set(key, nth + 1);
    if (!wanted(s)) continue;
    const k = perKind.get(key) ?? 0;
    perKind.set(key, k + 1);
    const id = `${key}-${k}`;
    const at = stepAt[step]!;
    const from = prev ? prev.step + 1 : 0;
    const sleeps = steps.slice(from, step + 1).filter((st) => st.after_s > 0).length;
    events.push(momentEvent({ id, label: label(s, k, totals.get(key) ?? 1), at_s: at, after: prev?.id ?? null, delay_s: at - (prev?.at ?? 0), cite: cite(s) }));
    packets.push({ id, dir: s.dir, class: s.class, ...(s.flags ? { flags: s.flags } : {}), nth, sleeps, step, leads });
    lastEventOfStep.set(step, id);
    prev = { id, at, step };
  }

  const counts = new Map<string, number>();
  const calls: CallExpectation[] = [];
  for (const o of outcomes) {
    const a = o.action;
    if (!('call' in a) || o.result === undefined) continue;
    const key = `${a.side}-${a.call}`;
    const nth = counts.get(key) ?? 0;
    counts.set(key, nth + 1);
    calls.push({ side: a.side, call: a.call, nth, expected: o.result, tag: o.tag ?? '', why: o.why ?? '' });
  }

  return { schedule: scheduleOf(events), packets, calls, changes: stateChanges(outcomes, lastEventOfStep), steps: outcomes };
}

function scheduleOf(events: PredictedEvent[]): Schedule {
  return {
    anchor: 'the client ACKs the SYN-ACK (connect() returns right after it)',
    events,
    notes: [
      'FIN, RST and data leave inside the call or softirq that causes them: no kernel timer is involved',
      'scripted gaps are sleeps in the scenario: they can only run late',
    ],
  };
}

/**
 * State appearances/disappearances in ss, each attributed to the last predicted packet of
 * its step (the one that settles it: the RST after the data that provoked it).
 */
function stateChanges(outcomes: readonly StepOutcome[], lastEventOfStep: Map<number, string>): StateChange[] {
  const changes: StateChange[] = [];
  for (const side of ['client', 'server'] as const) {
    const names = [ssStateName('ESTABLISHED'), ...outcomes.map((o) => ssStateName(o.states[side]))];
    const once = (n: string) => names.filter((x, i) => x === n && names[i - 1] !== n).length === 1;
    outcomes.forEach((_, i) => {
      const [from, to] = [names[i], names[i + 1]];
      const at = lastEventOfStep.get(i);
      if (from === to || at === undefined) return;
      if (from && once(from)) changes.push({ side, state: from, edge: 'leave', at });
      if (to && once(to)) changes.push({ side, state: to, edge: 'enter', at });
    });
  }
  return changes;
}
