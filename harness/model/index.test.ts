import { describe, expect, it } from 'vitest';
import * as model from './index.ts';

describe('harness/model public API', () => {
  it('re-exports every schedule function and the version helpers', () => {
    for (const name of [
      'keepaliveSchedule',
      'rtoSchedule',
      'tcpModelTimeout',
      'synSentSchedule',
      'synRecvSchedule',
      'factsFor',
      'atLeast',
      'parseKernelVersion',
      'fireWindow',
      'granuleJiffies',
      'eventById',
      'predictedEnd',
    ] as const) {
      expect(typeof model[name]).toBe('function');
    }
  });

  it('predictedEnd covers the last event and its lateness', () => {
    const s = model.keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 0 }, '6.1.0');
    expect(model.predictedEnd(s)).toBe(14.256);
  });
});
