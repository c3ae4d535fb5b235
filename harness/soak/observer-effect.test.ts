// The observer-effect comparison on two recorded test-idle runs (harness/diff/fixtures):
// which calls it compares, from which anchor, and what its resolution figure means.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../report/result.ts';
import { bootstrapHalfWidth, callTimes, compareObservers } from './observer-effect.ts';

const fixture = (name: string) =>
  JSON.parse(fs.readFileSync(new URL(`../diff/fixtures/${name}/result.json`, import.meta.url), 'utf8')) as RunResult;

describe('observer effect', () => {
  const a = fixture('keepidle-1');
  const b = fixture('keepidle-2');

  it('times the calls after connect(), test-idle\'s anchor call, from that call', () => {
    const times = callTimes(a)!;
    const connect = a.events.find((e) => e.kind === 'syscall' && e.call === 'connect')!;
    const read = a.events.find((e) => e.kind === 'syscall' && e.call === 'read')!;
    expect([...times.keys()]).toEqual(['client read() ETIMEDOUT']);
    expect(times.get('client read() ETIMEDOUT')).toBeCloseTo((read.t - connect.t) * 1000, 6);
  });

  it('compares the calls both kinds of run share, difference = median(full) − median(minimal)', () => {
    const [row] = compareObservers([a, a], [b]);
    const ta = callTimes(a)!.get('client read() ETIMEDOUT')!;
    const tb = callTimes(b)!.get('client read() ETIMEDOUT')!;
    expect(row).toMatchObject({ form: 'test-idle', event: 'client read() ETIMEDOUT', n_full: 2, n_minimal: 1 });
    expect(row!.difference_ms).toBeCloseTo(ta - tb, 2);
    expect(compareObservers([a], [])).toEqual([]);
  });

  it('resolution: 0 for runs without spread, wider for wider spreads, blind to a shift', () => {
    expect(bootstrapHalfWidth([5, 5, 5], [7, 7, 7])).toBe(0);
    const narrow = bootstrapHalfWidth([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]);
    const wide = bootstrapHalfWidth([0, 10, 20, 30, 40], [0, 10, 20, 30, 40]);
    expect(wide).toBeGreaterThan(narrow * 5);
    expect(bootstrapHalfWidth([100, 101, 102, 103, 104], [0, 1, 2, 3, 4])).toBeCloseTo(narrow, 9);
  });
});
