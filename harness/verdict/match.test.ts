import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../events.ts';
import { describeMatcher, matchAll, observe, packet, state, syscall } from './match.ts';

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

  it('narrows a state to samples with a given Recv-Q (LISTEN: the accept queue)', () => {
    const listen = (t: number, recv_q: number): TimelineEvent => ({ t, kind: 'timer', side: 'server', state: 'LISTEN', timer: 'off', remaining_s: 0, count: 0, recv_q, send_q: 16 });
    const queue = [listen(0.1, 0), listen(1, 0), listen(2, 1), listen(3, 1)];
    expect(observe(state({ side: 'server', state: 'LISTEN', recv_q: 1, edge: 'enter' }), queue, [0.1, 1, 2, 3])).toEqual({ t: 2, since: 1 });
    expect(observe(state({ side: 'server', state: 'LISTEN', recv_q: 0, edge: 'leave' }), queue, [0.1, 1, 2, 3])).toEqual({ t: 2, since: 1 });
    // Already in the first sample: somewhere between the scenario start and that sample.
    expect(observe(state({ side: 'server', state: 'LISTEN', edge: 'enter' }), queue, [0.1, 1, 2, 3])).toEqual({ t: 0.1, since: 0 });
  });

  it('a state is known only by the end of the ss run that showed it', () => {
    // ss started at 15.232 and 15.364, the second run ended at 15.374: the state it shows
    // may have appeared up to 15.374 (a SYN-ACK captured at 15.370 made it).
    const ends = new Map([[15.232, 15.24], [15.364, 15.374], [15.5, 15.508]]);
    const est = [sample(15.364, 'server', 'ESTAB')];
    expect(observe(state({ side: 'server', state: 'ESTAB', edge: 'enter' }), est, [15.232, 15.364, 15.5], ends)).toEqual({ t: 15.374, since: 15.232 });
    const req = [sample(15.232, 'server', 'SYN-RECV')];
    expect(observe(state({ side: 'server', state: 'SYN-RECV', edge: 'leave' }), req, [15.232, 15.364, 15.5], ends)).toEqual({ t: 15.374, since: 15.232 });
  });

  it('finds the nth packet', () => {
    const pk = (t: number): TimelineEvent => ({ t, kind: 'packet', dir: 'c2s', flags: 'S', seq: 0, ack: 0, win: 1, len: 0, class: 'syn-retrans' });
    expect(observe(packet({ class: 'syn-retrans', nth: 1 }), [pk(1), pk(3), pk(7)])).toEqual({ t: 3 });
    expect(observe(packet({ class: 'syn-retrans', nth: 3 }), [pk(1)])).toBeUndefined();
  });
});

describe('packet matcher: before and counting from the end', () => {
  const pkt = (t: number, dir: 'c2s' | 's2c', cls: 'ack' | 'window-probe', win: number): TimelineEvent => ({ t, kind: 'packet', dir, flags: '.', seq: 0, ack: 0, win, len: 0, class: cls });
  // The window closes, a duplicate zero-window ACK re-arms the persist timer, then the
  // first probe is answered with another zero window.
  const events = [pkt(1, 's2c', 'ack', 512), pkt(2, 's2c', 'ack', 0), pkt(2.04, 's2c', 'ack', 0), pkt(2.25, 'c2s', 'window-probe', 1152), pkt(2.2501, 's2c', 'ack', 0)];
  const firstProbe = packet({ dir: 'c2s', class: 'window-probe' });

  it('finds the last zero-window ACK before the first probe', () => {
    expect(observe(packet({ dir: 's2c', win: 0, before: firstProbe, nth: -1 }), events)).toEqual({ t: 2.04 });
  });

  it('counts nth from the end when negative', () => {
    expect(observe(packet({ dir: 's2c', win: 0, nth: -1 }), events)).toEqual({ t: 2.2501 });
  });

  it('finds nothing when the limit was never observed', () => {
    expect(observe(packet({ dir: 's2c', before: packet({ class: 'rst' }) }), events)).toBeUndefined();
  });

  it('describes the nested matcher', () => {
    expect(describeMatcher(packet({ win: 0, before: firstProbe }))).toBe('packet(win=0, before=packet(dir=c2s, class=window-probe))');
  });
});

describe('matchAll honours before', () => {
  it('counts only the packets before the limit', () => {
    const pkt = (t: number): TimelineEvent => ({ t, kind: 'packet', dir: 'c2s', flags: '.', seq: 0, ack: 0, win: 0, len: 0, class: 'window-probe' });
    const read = (t: number): TimelineEvent => ({ t, kind: 'syscall', side: 'server', call: 'read', result: 576 });
    const events = [pkt(0.5), read(1), read(2), pkt(2.3)];
    expect(matchAll(packet({ class: 'window-probe', before: syscall({ side: 'server', call: 'read', nth: -1 }) }), events)).toHaveLength(1);
    expect(matchAll(packet({ class: 'window-probe' }), events)).toHaveLength(2);
  });
});

describe('packet matcher: after', () => {
  it('finds the first ACK after the FIN', () => {
    const p = (t: number, dir: 'c2s' | 's2c', cls: 'ack' | 'fin'): TimelineEvent => ({ t, kind: 'packet', dir, flags: cls === 'fin' ? 'FP.' : '.', seq: 0, ack: 0, win: 575, len: 0, class: cls });
    const events = [p(1, 's2c', 'ack'), p(2, 'c2s', 'fin'), p(2.0014, 's2c', 'ack'), p(2.05, 's2c', 'ack')];
    expect(observe(packet({ dir: 's2c', after: packet({ dir: 'c2s', class: 'fin' }) }), events)).toEqual({ t: 2.0014 });
    expect(observe(packet({ dir: 's2c', after: packet({ class: 'rst' }) }), events)).toBeUndefined();
  });
});
