// The judge's own logic on hand-made timelines (no kernel behaviour is claimed
// here: the catalogue test judges real runs).
import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../events.ts';
import type { Schedule } from '../model/schedule.ts';
import { count, judge, outcome, RUNNER_MOMENT, scripted, timing } from './judge.ts';
import { packet, state, syscall } from './match.ts';
import { ABSOLUTE_FLOOR_S, APP_WAKEUP, TIMER_CALLBACK_LATENCY_S, CROSS_CPU_TICK_S } from './tolerance.ts';

const schedule: Schedule = {
  anchor: 'synack',
  error: 'ETIMEDOUT',
  notes: [],
  events: [
    { id: 'probe-1', label: 'probe 1', at_s: 1, after: null, delay_s: 1, early_s: 0.004, late_s: 0.032, cite: 'x' },
    { id: 'abort', label: 'abort', at_s: 2, after: 'probe-1', delay_s: 1, early_s: 0.004, late_s: 0.032, cite: 'x' },
  ],
};

const pkt = (t: number, cls: 'synack' | 'keepalive-probe' | 'rst', dir: 'c2s' | 's2c' = 'c2s'): TimelineEvent => ({
  t, kind: 'packet', dir, flags: '.', seq: 0, ack: 1, win: 64, len: 0, class: cls,
});

const specs = [
  timing('probe 1', 'probe-1', packet({ dir: 'c2s', class: 'keepalive-probe' })),
  timing('RST', 'abort', packet({ dir: 'c2s', class: 'rst' })),
  timing('ETIMEDOUT', 'abort', syscall({ side: 'client', error: 'ETIMEDOUT' }), APP_WAKEUP),
  count('probes', 1, packet({ dir: 'c2s', class: 'keepalive-probe' })),
];

describe('judge', () => {
  it('expects each event delay_s after the observed event that armed its timer', () => {
    const events = [pkt(0.01, 'synack', 's2c'), pkt(1.04, 'keepalive-probe'), pkt(2.05, 'rst')];
    const [probe, rst] = judge(schedule, packet({ class: 'synack' }), specs, events).expectations;
    expect(probe).toMatchObject({ expected_s: 1.01, observed_s: 1.04, ok: true, nominal_s: 1.01 });
    // Chained from the observed probe (1.04), not from the nominal 1.01.
    expect(rst).toMatchObject({ expected_s: 2.04, observed_s: 2.05, ok: true, nominal_s: 2.01 });
  });

  it('fails an event later than its timer-wheel granule, and says by how much', () => {
    const events = [pkt(0, 'synack', 's2c'), pkt(1.04, 'keepalive-probe')];
    const [probe] = judge(schedule, packet({ class: 'synack' }), specs, events).expectations;
    expect(probe!.ok).toBe(false);
    expect(probe!.note).toBe('40.0 ms late');
  });

  it('fails an event earlier than one jiffy', () => {
    const events = [pkt(0, 'synack', 's2c'), pkt(1 - ABSOLUTE_FLOOR_S - 0.001, 'keepalive-probe')];
    expect(judge(schedule, packet({ class: 'synack' }), specs, events).expectations[0]!.ok).toBe(false);
  });

  it('judges a userspace observation against the packet of the same kernel moment, plus the wakeup lag', () => {
    const errno = (t: number) => ({ t, kind: 'syscall', side: 'client', call: 'read', error: 'ETIMEDOUT' }) as TimelineEvent;
    const base = [pkt(0, 'synack', 's2c'), pkt(1, 'keepalive-probe'), pkt(2.01, 'rst')];
    const on = judge(schedule, packet({ class: 'synack' }), specs, [...base, errno(2.02)]).expectations[2]!;
    expect(on).toMatchObject({ expected_s: 2.01, ok: true });
    expect(on.tolerance_s).toBeCloseTo(ABSOLUTE_FLOOR_S + TIMER_CALLBACK_LATENCY_S + APP_WAKEUP.s, 6);
    const late = judge(schedule, packet({ class: 'synack' }), specs, [...base, errno(2.01 + ABSOLUTE_FLOOR_S + TIMER_CALLBACK_LATENCY_S + APP_WAKEUP.s + 0.001)]).expectations[2]!;
    expect(late.ok).toBe(false);
  });

  it('without the packet, the userspace observation is judged on the timer chain', () => {
    const errno = { t: 2.03, kind: 'syscall', side: 'client', call: 'read', error: 'ETIMEDOUT' } as TimelineEvent;
    const e = judge(schedule, packet({ class: 'synack' }), specs, [pkt(0, 'synack', 's2c'), pkt(1, 'keepalive-probe'), errno]).expectations[2]!;
    expect(e).toMatchObject({ expected_s: 2, ok: true });
    expect(e.tolerance_s).toBeCloseTo(0.032 + CROSS_CPU_TICK_S + TIMER_CALLBACK_LATENCY_S + APP_WAKEUP.s, 6);
  });

  it('chains from the expectation when the arming event was not observed, widening the window', () => {
    const events = [pkt(0, 'synack', 's2c'), pkt(2.05, 'rst')];
    const [probe, rst, , n] = judge(schedule, packet({ class: 'synack' }), specs, events).expectations;
    expect(probe).toMatchObject({ observed_s: null, ok: false });
    expect(rst).toMatchObject({ expected_s: 2, ok: true });
    expect(rst!.window_s![1]).toBeCloseTo(2.064 + 2 * TIMER_CALLBACK_LATENCY_S + CROSS_CPU_TICK_S, 6); // two chained windows; the second re-armed (cross-CPU jiffy)
    expect(n).toMatchObject({ expected: 1, observed: 0, ok: false });
  });

  it('fails everything, saying why, when the anchor never happened', () => {
    const j = judge(schedule, packet({ class: 'synack' }), specs, [pkt(1, 'keepalive-probe')]);
    expect(j.anchor_s).toBeNull();
    expect(j.expectations.every((e) => !e.ok && /anchor/.test(e.note ?? ''))).toBe(true);
  });

  it('with a phase-aligned timer, expects the exact wheel lateness, give or take its jitter', () => {
    const aligned: Schedule = {
      ...schedule,
      events: [schedule.events[0]!, { ...schedule.events[1]!, aligned: { late_s: 0.024, jitter_s: 0.008 } }],
    };
    const events = [pkt(0, 'synack', 's2c'), pkt(1.02, 'keepalive-probe'), pkt(2.044, 'rst')];
    const rst = judge(aligned, packet({ class: 'synack' }), specs, events).expectations[1]!;
    expect(rst).toMatchObject({ expected_s: 2.044, ok: true });
    expect(rst!.tolerance_s).toBeCloseTo(0.008 + TIMER_CALLBACK_LATENCY_S, 9);
    const off = judge(aligned, packet({ class: 'synack' }), specs, [events[0]!, events[1]!, pkt(2.025, 'rst')]).expectations[1]!;
    expect(off.ok).toBe(false); // within the granule, but not where the wheel puts it
  });

  it('judges an outcome by the errno (or result) the call really got', () => {
    const ev = (error?: string, result?: string): TimelineEvent => ({ t: 5, kind: 'syscall', side: 'client', call: 'write', ...(error ? { error } : { result: result! }) }) as TimelineEvent;
    const spec = [outcome('2nd write gets EPIPE', syscall({ side: 'client', call: 'write', nth: 0 }), 'EPIPE')];
    expect(judge(schedule, packet({ class: 'synack' }), spec, [pkt(0, 'synack', 's2c'), ev('EPIPE')]).expectations[0]).toMatchObject({ ok: true, observed: 'EPIPE', observed_s: 5 });
    expect(judge(schedule, packet({ class: 'synack' }), spec, [pkt(0, 'synack', 's2c'), ev('ECONNRESET')]).expectations[0]).toMatchObject({ ok: false, observed: 'ECONNRESET' });
    expect(judge(schedule, packet({ class: 'synack' }), spec, [pkt(0, 'synack', 's2c')]).expectations[0]).toMatchObject({ ok: false, observed: null });
  });

  it('with the anchor seen by a call (no capture), widens only the early side by the call\'s lag', () => {
    const call = (t: number, error?: string): TimelineEvent => ({ t, kind: 'syscall', side: 'client', call: error ? 'read' : 'connect', ...(error ? { error } : { result: 0 }) });
    const events = [call(0.01), call(2.02, 'ETIMEDOUT')];
    const anchor = syscall({ side: 'client', call: 'connect' });
    const [, , plain] = judge(schedule, anchor, specs, events).expectations;
    const [, , lagged] = judge(schedule, anchor, specs, events, [], new Map(), 0.01).expectations;
    expect(lagged!.expected_s).toBe(plain!.expected_s);
    expect(lagged!.window_s![0]).toBeCloseTo(plain!.window_s![0] - 0.01, 9);
    expect(lagged!.window_s![1]).toBe(plain!.window_s![1]);
  });
});


const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

describe('judge: scripted moments', () => {
  // The scenario writes at 8 s; the kernel reacts to that packet at once.
  const script: Schedule = {
    anchor: 'synack',
    notes: [],
    events: [{ id: 'accept', label: 'data creates the child', at_s: 8, after: null, delay_s: 8, early_s: 0, late_s: 0, cite: 'x' }],
  };
  const listen = (t: number, recv_q: number): TimelineEvent => ({ t, kind: 'timer', side: 'server', state: 'LISTEN', timer: 'off', remaining_s: 0, count: 0, recv_q });
  const data = (t: number): TimelineEvent => ({ t, kind: 'packet', dir: 'c2s', flags: 'P.', seq: 1, ack: 1, win: 512, len: 11, class: 'data' });
  const specsFor = [
    scripted('client writes', 'accept', packet({ dir: 'c2s', class: 'data' })),
    timing('accept queue', 'accept', state({ side: 'server', state: 'LISTEN', recv_q: 1, edge: 'enter' })),
  ];

  it('gives the runner its wakeup allowance, and fails a scripted packet later than that', () => {
    // The model's window for a moment (one jiffy, the callback latency) plus the runner's two wakeups.
    const allowed = ABSOLUTE_FLOOR_S + TIMER_CALLBACK_LATENCY_S + RUNNER_MOMENT.s;
    const onTime = judge(script, packet({ class: 'synack' }), specsFor, [pkt(0, 'synack', 's2c'), listen(8.01, 0), data(8 + allowed - 0.001), listen(8.06, 1)], [8.01, 8.06]).expectations;
    expect(onTime[0]).toMatchObject({ ok: true, expected_s: 8, window_s: [8 - ABSOLUTE_FLOOR_S, 8 + allowed] });
    expect(onTime[1]).toMatchObject({ ok: true, expected_s: r6(8 + allowed - 0.001) });
    const events = [pkt(0, 'synack', 's2c'), listen(8.05, 0), data(8.093), listen(8.095, 1)];
    const [send, queue] = judge(script, packet({ class: 'synack' }), specsFor, events, [8.05, 8.095]).expectations;
    expect(send).toMatchObject({ ok: false, expected_s: 8, observed_s: 8.093, note: '93.0 ms late' });
    expect(send!.tolerance_s).toBeCloseTo(allowed, 9);
    // The kernel's reaction is still judged against the packet that witnessed the moment.
    expect(queue).toMatchObject({ ok: true, expected_s: 8.093 });
  });

  it('still fails a scripted packet that comes early', () => {
    const events = [pkt(0, 'synack', 's2c'), data(7.9)];
    expect(judge(script, packet({ class: 'synack' }), specsFor, events).expectations[0]!.ok).toBe(false);
  });
});

describe('count', () => {
  it('wants exactly as many as expected, neither fewer nor more', () => {
    const sched = { anchor: 'a', events: [], notes: [] };
    const ev = (t: number): TimelineEvent => ({ t, kind: 'packet', dir: 'c2s', flags: '.', seq: 0, ack: 0, win: 0, len: 60, class: 'data-retrans' });
    const spec = count('merged', 2, packet({ len: 60 }));
    expect(judge(sched, packet({}), [spec], [ev(1), ev(2)]).expectations[0]).toMatchObject({ ok: true, observed: 2 });
    expect(judge(sched, packet({}), [spec], [ev(1)]).expectations[0]!.ok).toBe(false);
    expect(judge(sched, packet({}), [spec], [ev(1), ev(2), ev(3)]).expectations[0]!.ok).toBe(false);
  });
});

describe('what each expectation matched', () => {
  it('records the observation as an index into the run\'s events, for timings, outcomes, states and counts', () => {
    const errno: TimelineEvent = { t: 2.02, kind: 'syscall', side: 'client', call: 'read', error: 'ETIMEDOUT' };
    const sample = (t: number, st: string): TimelineEvent => ({ t, kind: 'timer', side: 'client', state: st, timer: 'off', remaining_s: 0, count: 0 });
    const events = [pkt(0, 'synack', 's2c'), sample(0.5, 'ESTAB'), pkt(1.02, 'keepalive-probe'), sample(1.5, 'ESTAB'), pkt(2.01, 'rst'), errno, sample(2.5, 'CLOSE')];
    const all = [
      ...specs,
      timing('client leaves ESTAB', 'abort', state({ side: 'client', state: 'ESTAB', edge: 'leave' })),
      outcome('read fails', syscall({ side: 'client', call: 'read' }), 'ETIMEDOUT'),
      timing('probe 2', 'abort', packet({ class: 'keepalive-probe', nth: 1 })),
    ];
    const [probe, rst, read, n, leave, out, missing] = judge(schedule, packet({ class: 'synack' }), all, events, [0.5, 1.5, 2.5]).expectations;
    expect(probe!.matched).toEqual({ index: 2, kind: 'packet', t: 1.02 });
    expect(rst!.matched).toEqual({ index: 4, kind: 'packet', t: 2.01 });
    expect(read!.matched).toEqual({ index: 5, kind: 'syscall', t: 2.02 });
    expect(n).toMatchObject({ observed: 1, counted: [2] });
    // Left between the last sample showing it (1.5 s: that is the one matched) and the next.
    expect(leave).toMatchObject({ observed_s: 2.5, matched: { index: 3, kind: 'timer', t: 1.5, since: 1.5 } });
    expect(out).toMatchObject({ ok: true, matched: { index: 5, kind: 'syscall' } });
    expect(missing).toMatchObject({ observed_s: null, matcher: { kind: 'packet', class: 'keepalive-probe', nth: 1 } });
    expect(missing!.matched).toBeUndefined();
  });
});
