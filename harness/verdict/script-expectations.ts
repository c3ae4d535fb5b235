// The expectations a scripted exchange implies (model/script-schedule.ts): every packet
// at its moment, every call's result, every ss state change, and no packet the model
// did not predict. Experiments add their own on top.
import type { ScriptPrediction } from '../model/script-schedule.ts';
import { count, type ExpectationSpec, outcome, scripted, timing } from './judge.ts';
import { packet, state, syscall } from './match.ts';
import { APP_WAKEUP, TIMER_WAKEUP } from './tolerance.ts';

/** Everything a script implies: packets, calls, ss state changes, FIN/RST counts. */
export function scriptExpectations(p: ScriptPrediction): ExpectationSpec[] {
  return [...packetExpectations(p), ...callExpectations(p), ...stateExpectations(p), ...countExpectations(p)];
}

/**
 * Each predicted packet at its moment, chained to the previous one. The first is
 * counted from connect() returning (runner/script.ts), so it is a scripted moment
 * with both of the runner's wakeups (judge.ts scripted). A later packet the runner
 * sends (a call leads its step) is counted from the previous call, which returned
 * with its own packet on the wire: the runner goes on after a sleep or a resolved
 * call (TIMER_WAKEUP) on top of the model's window, as is one that answers a packet
 * the model does not predict, sent after a sleep (the sleep is in its chain). A packet the kernel sends in answer to
 * the previous predicted one is judged to the kernel's precision.
 */
export function packetExpectations(p: ScriptPrediction): ExpectationSpec[] {
  const specs: ExpectationSpec[] = [];
  for (const pk of p.packets) {
    const e = p.schedule.events.find((x) => x.id === pk.id)!;
    const m = packet({ dir: pk.dir, class: pk.class, nth: pk.nth, ...(pk.flags ? { flags: pk.flags } : {}) });
    if (e.after === null) specs.push(scripted(e.label, pk.id, m));
    else specs.push(timing(e.label, pk.id, m, pk.leads || pk.sleeps > 0 ? TIMER_WAKEUP : undefined));
  }
  return specs;
}

/**
 * Each call's result (the model's), and — for a call that sends something — that it
 * returns right after its packet is on the wire. `timed: false` when the schedule is
 * not the script's (e.g. a keepalive death), so no packet of it can be referred to.
 */
export function callExpectations(p: ScriptPrediction, { timed = true } = {}): ExpectationSpec[] {
  const specs: ExpectationSpec[] = [];

  // A call that sends something returns right after it is on the wire.
  const firstOfStep = new Map(p.packets.filter((pk) => pk.leads).map((pk) => [pk.step, pk.id]));
  const seen = new Map<string, number>();
  p.steps.forEach((o, step) => {
    const a = o.action;
    if (!('call' in a)) return;
    const key = `${a.side}-${a.call}`;
    const nth = seen.get(key) ?? 0;
    seen.set(key, nth + 1);
    const c = p.calls.find((x) => x.side === a.side && x.call === a.call && x.nth === nth)!;
    const what = `${a.side} ${a.call}${a.call === 'shutdown' ? `(${a.how})` : ''}`;
    specs.push(outcome(`${what} #${nth + 1} [${c.tag}]`, syscall({ side: a.side, call: a.call, nth }), c.expected));
    const first = timed ? firstOfStep.get(step) : undefined;
    if (first) specs.push(timing(`${what} #${nth + 1} returns`, first, syscall({ side: a.side, call: a.call, nth }), APP_WAKEUP));
  });

  return specs;
}

/** Each ss state change at the packet that causes it. */
export function stateExpectations(p: ScriptPrediction): ExpectationSpec[] {
  const specs: ExpectationSpec[] = [];
  for (const ch of p.changes) {
    specs.push(timing(`${ch.side} ${ch.edge === 'enter' ? 'enters' : 'leaves'} ${ch.state} (ss)`, ch.at, state({ side: ch.side, state: ch.state, edge: ch.edge })));
  }

  return specs;
}

/** No FIN or RST the model did not predict, in either direction. */
export function countExpectations(p: ScriptPrediction): ExpectationSpec[] {
  const specs: ExpectationSpec[] = [];
  for (const dir of ['c2s', 's2c'] as const) {
    for (const cls of ['fin', 'rst'] as const) {
      const n = p.steps.flatMap((o) => o.segments).filter((s) => s.dir === dir && s.class === cls).length;
      specs.push(count(`${cls.toUpperCase()}s from the ${dir === 'c2s' ? 'client' : 'server'}`, n, packet({ dir, class: cls })));
    }
  }
  return specs;
}
