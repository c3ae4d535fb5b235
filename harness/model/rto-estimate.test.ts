import { describe, expect, it } from 'vitest';
import { initialRto } from './rto-estimate.ts';
import { rtoSchedule } from './rto.ts';
import { eventsOf } from './schedule.ts';

describe('initialRto (tcp_set_rto / __tcp_set_rto, rttvar_us from tcp_rtt_estimator)', () => {
  it('loopback: srtt + the 200 ms floor, rounded up to a jiffy (204 ms at HZ=250, as measured on 6.18)', () => {
    expect(initialRto({ srtt_s: 0.00005, rttvar_s: 0.000025 }, 250)).toBe(0.204);
    expect(initialRto({ srtt_s: 0.00005, rttvar_s: 0.000025 }, 1000)).toBe(0.201);
    expect(initialRto({ srtt_s: 0.00005, rttvar_s: 0.000025 }, 100)).toBe(0.21);
  });

  it('first sample of 400 ms (netem): RTTVAR = RTT/2, so RTO = 3 x RTT = 1.2 s', () => {
    expect(initialRto({ srtt_s: 0.4 }, 250)).toBe(1.2);
  });

  it('steady 400 ms with little jitter: srtt + 200 ms', () => {
    expect(initialRto({ srtt_s: 0.4, rttvar_s: 0.01 }, 250)).toBe(0.6);
    expect(initialRto({ srtt_s: 0.4, rttvar_s: 0.1 }, 250)).toBe(0.8);
  });

  it('a lowered rto_min (route option, 6.11+ sysctl) and the RTO_MAX bound', () => {
    expect(initialRto({ srtt_s: 0.00005, rttvar_s: 0.000025, rto_min_s: 0.005 }, 250)).toBe(0.008);
    expect(initialRto({ srtt_s: 100, rttvar_s: 10 }, 250)).toBe(120);
    expect(initialRto({ srtt_s: 100, rttvar_s: 10, rto_max_s: 60 }, 250)).toBe(60);
  });

  it('rto-retries2 with RTT 400 ms and tcp_retries2 10 (via rto.ts): 8 retransmissions, not the notes\' 3', () => {
    const s = rtoSchedule({ rto_s: initialRto({ srtt_s: 0.4 }, 250), tcp_retries2: 10, user_timeout_ms: 0, tlp: false }, '6.1.0');
    expect(eventsOf(s, 'rto').map((e) => e.at_s)).toEqual([1.2, 3.6, 8.4, 18, 37.2, 75.6, 152.4, 272.4]);
    expect(s.events.at(-1)).toMatchObject({ id: 'abort', at_s: 392.4 });
  });

  it('rejects nonsense', () => {
    expect(() => initialRto({ srtt_s: -1 }, 250)).toThrow(/bad parameters/);
  });
});
