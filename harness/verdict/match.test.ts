import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../events.ts';
import { observe, packet, state } from './match.ts';

const sample = (t: number, side: 'client' | 'server', st: string): TimelineEvent => ({ t, kind: 'timer', side, state: st, timer: 'on', remaining_s: 1, count: 0 });

describe('observe', () => {
  const samples = [0.1, 1, 2, 3, 4];
  const events = [sample(1, 'server', 'SYN-RECV'), sample(2, 'server', 'SYN-RECV'), sample(2, 'client', 'ESTAB')];

  it('brackets a state appearing between two samples', () => {
    expect(observe(state({ side: 'server', state: 'SYN-RECV', edge: 'enter' }), events, samples)).toEqual({ t: 1, since: 0.1 });
  });

  it('brackets a state disappearing between its last sample and the next', () => {
    expect(observe(state({ side: 'server', state: 'SYN-RECV', edge: 'leave' }), events, samples)).toEqual({ t: 3, since: 2 });
  });

  it('has no "leave" while the state is still there at the last sample', () => {
    expect(observe(state({ side: 'client', state: 'ESTAB', edge: 'leave' }), events, [0.1, 1, 2])).toBeUndefined();
  });

  it('finds the nth packet', () => {
    const pk = (t: number): TimelineEvent => ({ t, kind: 'packet', dir: 'c2s', flags: 'S', seq: 0, ack: 0, win: 1, len: 0, class: 'syn-retrans' });
    expect(observe(packet({ class: 'syn-retrans', nth: 1 }), [pk(1), pk(3), pk(7)])).toEqual({ t: 3 });
    expect(observe(packet({ class: 'syn-retrans', nth: 3 }), [pk(1)])).toBeUndefined();
  });
});
