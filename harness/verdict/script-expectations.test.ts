import { describe, expect, it } from 'vitest';
import { scriptPrediction, type ScriptStep } from '../model/script-schedule.ts';
import { callExpectations, scriptExpectations } from './script-expectations.ts';

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

  it('judges a packet the script sends after a sleep only as "not early", an answering one exactly', () => {
    expect(timings.filter((s) => s.observe.kind === 'packet').map((s) => [s.predicted, !!s.scripted])).toEqual([
      ['s2c-fin-0', true],
      ['c2s-data-0', true],
      ['s2c-rst-0', false],
    ]);
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
