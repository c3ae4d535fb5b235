import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../events.ts';
import type { Expectation } from '../verdict/judge.ts';
import { APP_WAKEUP } from '../verdict/tolerance.ts';
import { classOf, quantile, samplesOf, summarise, WAKEUP_CLASS, wakeupSamplesOf } from './margins.ts';

const rst: TimelineEvent = { t: 14.01, kind: 'packet', dir: 'c2s', flags: 'R', seq: 1, ack: 0, win: 0, len: 0, class: 'rst' };
const read: TimelineEvent = { t: 14.0112, kind: 'syscall', side: 'client', call: 'read', error: 'ETIMEDOUT' };
const timed = (name: string, expected: number, observed: number, window: [number, number], index: number): Expectation => ({
  name,
  matched: { index, kind: 'packet', t: observed },
  expected_s: expected,
  observed_s: observed,
  tolerance_s: window[1] - expected,
  ok: observed >= window[0] && observed <= window[1],
  window_s: window,
});

describe('soak margins', () => {
  it('classes an observation by what it was: packet class, errno, call return, ss', () => {
    expect(classOf(rst)).toBe('packet rst');
    expect(classOf(read)).toBe('errno (read)');
    expect(classOf({ t: 1, kind: 'syscall', side: 'client', call: 'write', result: 5 })).toBe('write() returns');
    expect(classOf(undefined)).toBe('unknown');
  });

  it('measures observed − expected and the room left to the nearer window edge; counts and outcomes have no time', () => {
    const samples = samplesOf({
      experiment: 'test-idle',
      variant: null,
      events: [rst, read],
      expectations: [
        timed('RST when keepalive gives up', 14.0, 14.01, [13.996, 14.037], 0),
        timed('read() fails with ETIMEDOUT', 14.01, 14.0112, [14.006, 14.036], 1),
        { name: 'RSTs sent', expected_s: null, observed_s: null, tolerance_s: null, ok: true, expected: 1, observed: 1 },
      ],
    });
    expect(samples).toHaveLength(2);
    expect(samples[0]).toMatchObject({ class: 'packet rst', form: 'test-idle', error_ms: 10, margin_ms: 14, ok: true });
    expect(samples[1]).toMatchObject({ class: 'errno (read)', error_ms: 1.2, margin_ms: 5.2 });
  });

  it('a state seen by ss lies between two samples: its margin is measured from the bracket, as the judge holds it', () => {
    const ss: TimelineEvent = { t: 0.4, kind: 'timer', side: 'client', state: 'CLOSE-WAIT', timer: null, raw: '' } as unknown as TimelineEvent;
    const [s] = samplesOf({
      experiment: 'test-rst2',
      variant: 'shut-wr',
      events: [ss],
      expectations: [{ ...timed('client enters CLOSE-WAIT (ss)', 0.4085, 0.452, [0.4045, 0.4135], 0), matched: { index: 0, kind: 'timer', t: 0.4, since: 0.4 }, ok: true }],
    });
    // Seen by the sample that ended at 0.452, taken after the one at 0.400: 13.5 ms of room, not 38.5 ms outside.
    expect(s).toMatchObject({ class: 'ss sample', margin_ms: 13.5, ok: true });
  });

  it('a failed observation has a negative margin, and the class reports it as its worst', () => {
    const s = samplesOf({
      experiment: 'test-syn-recv',
      variant: 'no-close',
      events: [{ ...rst, class: 'synack-retrans', t: 1.046403 }],
      expectations: [timed('SYN-ACK retransmission 1', 1.011788, 1.046403, [1.007788, 1.044788], 0)],
    });
    const [c] = summarise(s);
    expect(c).toMatchObject({ class: 'packet synack-retrans', n: 1, failed: 1, worst: { form: 'test-syn-recv:no-close' } });
    expect(c!.worst_margin_ms).toBeCloseTo(-1.615, 3);
  });

  it('measures the userspace wakeup: a pending call\'s error after its RST, not a raw call made later', () => {
    const lateRaw: TimelineEvent = { t: 14.2, kind: 'syscall', side: 'client', call: 'write', raw: true, error: 'EPIPE' };
    const s = wakeupSamplesOf({ experiment: 'test-idle', variant: null, events: [rst, read, lateRaw] });
    expect(s).toEqual([
      { class: WAKEUP_CLASS, form: 'test-idle', name: 'client read ETIMEDOUT', error_ms: 1.2, margin_ms: APP_WAKEUP.s * 1000 - 1.2, ok: true },
    ]);
    const slow = wakeupSamplesOf({ experiment: 'x', variant: null, events: [rst, { ...read, t: rst.t + APP_WAKEUP.s + 0.001 }] });
    expect(slow[0]!.ok).toBe(false);
    expect(wakeupSamplesOf({ experiment: 'x', variant: null, events: [read] })).toEqual([]);
  });

  it('counts an error stamped just before its RST, with a negative lag, and pairs each RST once', () => {
    const early = { ...read, t: rst.t - 0.0003 };
    expect(wakeupSamplesOf({ experiment: 'x', variant: null, events: [early, rst] })).toMatchObject([{ error_ms: -0.3, ok: true }]);
    const second: TimelineEvent = { ...read, call: 'write', error: 'EPIPE', t: rst.t + 0.002 };
    expect(wakeupSamplesOf({ experiment: 'x', variant: null, events: [rst, read, second] })).toHaveLength(1);
    const laterRst = { ...rst, t: read.t + APP_WAKEUP.s + 0.001 };
    expect(wakeupSamplesOf({ experiment: 'x', variant: null, events: [read, laterRst] })).toEqual([]);
  });

  it('quantiles by nearest rank', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(quantile(xs, 0.5)).toBe(500);
    expect(quantile(xs, 0.999)).toBe(999);
    expect(quantile([3], 0.999)).toBe(3);
  });
});
