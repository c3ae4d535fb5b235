import { describe, expect, it } from 'vitest';
import { readNetstatLog } from './netstat-log.ts';

// Lines as netstat -tnao printed them on this project's machine (fixtures/netstat-tno.txt).
const LOG = `# t=0.1 end=0.104
Active Internet connections (servers and established)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       Timer
tcp        0      0 127.0.0.1:5555          0.0.0.0:*               LISTEN      off (0.00/0/0)
tcp        0      0 127.0.0.1:5555          127.0.0.1:54616         ESTABLISHED keepalive (0.99/0/1)
# t=0.2
Active Internet connections (servers and established)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       Timer
# t=0.3
tcp        0      6 127.0.0.1:5555          127.0.0.1:54616         ESTABLISHED on (0.40/1/2)
`;

describe('readNetstatLog', () => {
  const events = readNetstatLog(LOG, 5555);

  it('makes one timer event per socket line, marked as netstat, with both counters', () => {
    expect(events.map((e) => [e.t, e.state, e.timer, e.count, e.retrans, e.probes])).toEqual([
      [0.1, 'LISTEN', 'off', 0, 0, 0],
      [0.1, 'ESTABLISHED', 'keepalive', 1, 0, 1],
      [0.3, 'ESTABLISHED', 'on', 1, 1, 2],
    ]);
    expect(events.every((e) => e.source === 'netstat' && e.side === 'server')).toBe(true);
  });

  it('keeps the neighbouring sample times, even of samples that listed no socket', () => {
    expect(events[1]).toMatchObject({ sample_next_t: 0.2 });
    expect(events[1]!.sample_prev_t).toBeUndefined();
    expect(events[2]).toMatchObject({ sample_prev_t: 0.2 });
    expect(events[2]!.sample_next_t).toBeUndefined();
  });

  it('keeps when each netstat run ended (it read the kernel before that)', () => {
    expect(events[1]).toMatchObject({ sample_end_t: 0.104 });
    expect(events[2]!.sample_end_t).toBeUndefined();
  });

  it('reads the queues and the remaining time', () => {
    expect(events[2]).toMatchObject({ send_q: 6, recv_q: 0, remaining_s: 0.4 });
  });
});
