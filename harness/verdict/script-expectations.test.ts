import { describe, expect, it } from 'vitest';
import { scriptPrediction, type ScriptStep } from '../model/script-schedule.ts';
import type { TimelineEvent } from '../events.ts';
import { judge, RUNNER_MOMENT } from './judge.ts';
import { packet } from './match.ts';
import { callExpectations, packetExpectations, scriptExpectations } from './script-expectations.ts';
import { TIMER_WAKEUP } from './tolerance.ts';

// test-rst's default script.
const steps: ScriptStep[] = [
  { after_s: 1, side: 'server', call: 'shutdown', how: 'SHUT_WR' },
  { after_s: 1, side: 'server', call: 'close' },
  { after_s: 1, side: 'client', call: 'write', bytes: 11 },
  { after_s: 1, side: 'client', call: 'write', bytes: 11 },
];

describe('scriptExpectations', () => {
  const specs = scriptExpectations(scriptPrediction(steps));
  const timings = specs.filter((s) => s.kind === 'timing');

  it('gives a packet the runner sends its wakeups (two for the first, counted from connect() returning), an answering one the kernel\'s precision', () => {
    expect(timings.filter((s) => s.observe.kind === 'packet').map((s) => [s.predicted, s.lag?.s])).toEqual([
      ['s2c-fin-0', RUNNER_MOMENT.s],
      ['c2s-data-0', TIMER_WAKEUP.s],
      ['s2c-rst-0', undefined],
    ]);
  });

  it('fails a run whose scripted packet comes later than that allowance', () => {
    const p = scriptPrediction(steps);
    const pkt = (t: number, dir: 'c2s' | 's2c', cls: 'ack' | 'fin' | 'data' | 'rst', flags: string): TimelineEvent => ({ t, kind: 'packet', dir, flags, seq: 1, ack: 1, win: 512, len: 0, class: cls });
    const run = (finAt: number) => {
      const events = [pkt(0.001, 'c2s', 'ack', '.'), pkt(finAt, 's2c', 'fin', 'F.'), pkt(finAt + 2, 'c2s', 'data', 'P.'), pkt(finAt + 2.0001, 's2c', 'rst', 'R')];
      return judge(p.schedule, packet({ dir: 'c2s', class: 'ack' }), packetExpectations(p), events).expectations;
    };
    expect(run(1.011).every((e) => e.ok)).toBe(true);
    const late = run(1.101); // the server's shutdown 100 ms after its moment
    expect(late[0]).toMatchObject({ ok: false, note: '100.0 ms late' });
    expect(run(1.04).every((e) => e.ok)).toBe(true); // within the runner's two wakeups
    expect(late.slice(1).every((e) => e.ok)).toBe(true); // the rest is chained from what was observed
  });

  it('expects each call\'s result, and that calls that send something return right after it', () => {
    expect(specs.filter((s) => s.kind === 'outcome').map((s) => [s.name, s.expected])).toEqual([
      ['server shutdown(SHUT_WR) #1 [FIN]', 0],
      ['server close #1 [orphaned]', 0],
      ['client write #1 [sent]', 11],
      ['client write #2 [sk_err]', 'EPIPE'],
    ]);
    expect(timings.filter((s) => s.observe.kind === 'syscall').map((s) => s.predicted)).toEqual(['s2c-fin-0', 'c2s-data-0']);
  });

  it('counts FINs and RSTs in both directions, so an unpredicted one fails the run', () => {
    expect(specs.filter((s) => s.kind === 'count').map((s) => [s.name, s.expected])).toEqual([
      ['FINs from the client', 0],
      ['RSTs from the client', 0],
      ['FINs from the server', 1],
      ['RSTs from the server', 1],
    ]);
  });

  it('can leave out the timings when the schedule is not the script\'s', () => {
    expect(callExpectations(scriptPrediction(steps), { timed: false }).every((s) => s.kind === 'outcome')).toBe(true);
  });
});
