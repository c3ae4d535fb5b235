// The matcher fields added for netstat samples and window probes (match.ts).
import { describe, expect, it } from 'vitest';
import type { TimelineEvent, TimerEvent } from '../events.ts';
import { observe, packet, state } from './match.ts';

const row = (t: number, over: Partial<TimerEvent>): TimerEvent => ({
  t, kind: 'timer', side: 'server', state: 'ESTABLISHED', timer: 'keepalive', remaining_s: 1, count: 0, ...over,
});

describe('state matcher on netstat rows', () => {
  const events: TimelineEvent[] = [
    row(1.0, { source: 'netstat', probes: 0, sample_next_t: 1.1 }),
    row(1.1, { source: 'netstat', probes: 1, sample_prev_t: 1.0, sample_next_t: 1.2 }),
    row(1.2, { source: 'netstat', timer: 'on', probes: 1, retrans: 1, count: 1, sample_prev_t: 1.1, sample_next_t: 1.4 }),
    // ss sees the same socket under its own name; it must not count as netstat
    row(1.25, { state: 'ESTAB', timer: 'on', count: 1 }),
  ];

  it('brackets an appearance by netstat\'s own samples, not ss\'s', () => {
    expect(observe(state({ source: 'netstat', state: 'ESTABLISHED', probes: 1, edge: 'enter' }), events, [1.05, 1.15])).toEqual({ t: 1.1, since: 1.0 });
  });

  it('brackets a disappearance with the next netstat sample, which listed nothing', () => {
    expect(observe(state({ source: 'netstat', state: 'ESTABLISHED', timer: 'on', probes: 1, edge: 'leave' }), events)).toEqual({ t: 1.4, since: 1.2 });
  });

  it('an appearance may lie up to the end of the netstat run that showed it', () => {
    const withEnd = events.map((e) => (e.t === 1.1 ? { ...e, sample_end_t: 1.13 } : e));
    expect(observe(state({ source: 'netstat', state: 'ESTABLISHED', probes: 1, edge: 'enter' }), withEnd)).toEqual({ t: 1.13, since: 1.0 });
  });

  it('keeps ss and netstat apart', () => {
    expect(observe(state({ state: 'ESTABLISHED', edge: 'enter' }), events)).toBeUndefined();
    expect(observe(state({ state: 'ESTAB', timer: 'on', count: 1, edge: 'enter' }), events, [1.0, 1.25])).toEqual({ t: 1.25, since: 1.0 });
  });
});

describe('packet matcher win', () => {
  it('matches the advertised window exactly', () => {
    const p = (t: number, win: number): TimelineEvent => ({ t, kind: 'packet', dir: 'c2s', flags: '.', seq: 1, ack: 1, win, len: 0, class: 'ack' });
    expect(observe(packet({ dir: 'c2s', win: 0 }), [p(1, 512), p(2, 0)])).toEqual({ t: 2 });
  });
});
