import { describe, expect, it } from 'vitest';
import { finWait2Schedule } from './fin-wait.ts';
import { eventById } from './schedule.ts';

describe('finWait2Schedule', () => {
  it('the default 60 s: a FIN-WAIT-2 time-wait sock at once, gone 60 s after close (test-pacing3, test-rst)', () => {
    const s = finWait2Schedule({ tcp_fin_timeout: 60 }, '4.19.121-linuxkit');
    expect(s.events.map((e) => e.id)).toEqual(['closed']);
    expect(eventById(s, 'closed')).toMatchObject({ at_s: 60, after: null, delay_s: 60, late_s: 2.048 + 0.004 }); // armed by close(): first-arm jiffy (tick-phase.ts)
    expect(s.error).toBeUndefined();
    expect(s.notes.join('\n')).toMatch(/timewait/);
  });

  it('a shorter tcp_fin_timeout is used as is, but never below 3.5 RTO', () => {
    expect(eventById(finWait2Schedule({ tcp_fin_timeout: 5 }, '6.18.44'), 'closed').at_s).toBe(5);
    expect(eventById(finWait2Schedule({ tcp_fin_timeout: 1, rto_s: 0.4 }, '6.1.0'), 'closed').at_s).toBe(1.4);
    expect(eventById(finWait2Schedule({ tcp_fin_timeout: 0 }, '6.1.0'), 'closed').at_s).toBe(0.7);
  });

  it('tcp_fin_timeout 120: keepalive timer for 60 s, then a 60 s time-wait sock', () => {
    const s = finWait2Schedule({ tcp_fin_timeout: 120 }, '6.1.0');
    expect(s.events.map((e) => [e.id, e.at_s, e.after, e.delay_s])).toEqual([
      ['fin-wait-2-timewait', 60, null, 60],
      ['closed', 120, 'fin-wait-2-timewait', 60],
    ]);
    // 15000 jiffies armed inside the 15000-jiffy keepalive callback (granule 512): 30 x 512 - 15000 = 360 jiffies.
    expect(eventById(s, 'closed').aligned?.late_s).toBeCloseTo(1.44, 9);
  });

  it('tcp_fin_timeout 90 and 180: tcp_keepalive_timer() hands over F - 60 again, so 60 s and 240 s in all', () => {
    const s90 = finWait2Schedule({ tcp_fin_timeout: 90 }, '6.18.44');
    expect(eventById(s90, 'fin-wait-2-timewait').at_s).toBe(30);
    expect(eventById(s90, 'closed')).toMatchObject({ at_s: 60, delay_s: 30 });
    expect(eventById(finWait2Schedule({ tcp_fin_timeout: 180 }, '4.19.121'), 'closed').at_s).toBe(240);
  });

  it('shutdown() without close(): no timer, FIN-WAIT-2 until the peer\'s FIN', () => {
    const s = finWait2Schedule({ tcp_fin_timeout: 60, orphaned: false }, '4.19.121');
    expect(s.events).toEqual([]);
    expect(s.notes.join('\n')).toMatch(/no FIN-WAIT-2 timer without close\(\)/);
  });
});
