import { describe, expect, it } from 'vitest';
import { readerPacedSchedule } from './reader-paced.ts';

describe('readerPacedSchedule', () => {
  it('reads every 100 ms beat the 208 ms persist timer: no window probes', () => {
    const s = readerPacedSchedule({ rto_s: 0.208, read_interval_s: 0.1, duration_s: 30 });
    expect(s.probes).toBe(false);
    expect(s.events.map((e) => [e.id, e.at_s])).toEqual([['window-update', 0], ['refill', 0], ['reader-stops', 30]]);
  });

  it('reads slower than the persist interval let the probe timer fire', () => {
    expect(readerPacedSchedule({ rto_s: 0.208, read_interval_s: 0.5, duration_s: 3 }).probes).toBe(true);
    // tcp_probe0_base() never goes below TCP_RTO_MIN
    expect(readerPacedSchedule({ rto_s: 0.05, read_interval_s: 0.15, duration_s: 3 }).probes).toBe(false);
  });

  it('rejects nonsense', () => {
    expect(() => readerPacedSchedule({ rto_s: 0.2, read_interval_s: 0, duration_s: 1 })).toThrow(/bad parameters/);
  });
});
