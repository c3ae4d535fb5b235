import { describe, expect, it } from 'vitest';
import { keepaliveSendSchedule } from './keepalive-send.ts';
import { tcpModelTimeout } from './rto.ts';
import { eventsOf } from './schedule.ts';

// The notes' "port 2": KEEPALIVE_IDLETIME 30, INTVL 10, NUMPROBES 4; the write after probe 2.
const notes = (tcp_retries2: number) =>
  keepaliveSendSchedule(
    {
      keepalive: { keepidle_s: 30, keepintvl_s: 10, keepcnt: 4, user_timeout_ms: 0 },
      write_after_probes: 2,
      write_delay_s: 5,
      rto: { rto_s: 0.204, tcp_retries2, tlp: true },
    },
    '6.18.0',
  );

describe('keepaliveSendSchedule', () => {
  it('probes at 30 and 40 s, then the write at 45 s, and no third probe', () => {
    const s = notes(15);
    expect(eventsOf(s, 'probe').map((e) => e.at_s)).toEqual([30, 40]);
    expect(s.events.find((e) => e.id === 'data')).toMatchObject({ at_s: 45, after: null, delay_s: 45 });
  });

  it('retransmissions are measured from the write and chained to it', () => {
    const s = notes(15);
    const tlp = s.events.find((e) => e.id === 'tlp')!;
    expect(tlp.after).toBe('data');
    expect(tlp.at_s).toBeCloseTo(45.204, 6);
    const ids = new Set(s.events.map((e) => e.id));
    for (const e of s.events) if (e.after !== null) expect(ids.has(e.after)).toBe(true);
  });

  it('death follows tcp_retries2 (ETIMEDOUT, ~15 min after the write), not keepalive (70 s)', () => {
    const s = notes(15);
    const abort = s.events.find((e) => e.id === 'abort')!;
    expect(s.error).toBe('ETIMEDOUT');
    expect(abort.at_s - 45).toBeGreaterThan(tcpModelTimeout(15));
    expect(abort.at_s).toBeGreaterThan(70);
  });

  it('refuses a write after keepalive would already have given up, or after the next firing', () => {
    expect(() =>
      keepaliveSendSchedule(
        { keepalive: { keepidle_s: 30, keepintvl_s: 10, keepcnt: 4, user_timeout_ms: 0 }, write_after_probes: 5, write_delay_s: 5, rto: { rto_s: 0.204, tcp_retries2: 15, tlp: true } },
        '6.18.0',
      ),
    ).toThrow(/write_after_probes/);
    expect(() =>
      keepaliveSendSchedule(
        { keepalive: { keepidle_s: 30, keepintvl_s: 10, keepcnt: 4, user_timeout_ms: 0 }, write_after_probes: 2, write_delay_s: 10, rto: { rto_s: 0.204, tcp_retries2: 15, tlp: true } },
        '6.18.0',
      ),
    ).toThrow(/before the next keepalive firing/);
  });
});
