import { describe, expect, it } from 'vitest';
import { readSsLog } from './run-folder.ts';

// Lines as the runner wrote them on 6.18 (test-syn-ack: a listener nobody accepts from).
const LOG = `# t=0.005511
LISTEN 0      16     127.0.0.1:7000 0.0.0.0:* bbr cwnd:10
# t=0.113499
LISTEN   1      16     127.0.0.1:7000   0.0.0.0:*     bbr cwnd:10
ESTAB    11     0      127.0.0.1:7000 127.0.0.1:40905 bbr wscale:7,7 rto:204 rtt:0.03/0.015 mss:32768 cwnd:10
SYN-RECV 0      0      127.0.0.1:7000 127.0.0.1:40906 timer:(on,892ms,2)
`;

describe('readSsLog', () => {
  it('keeps LISTEN sockets as the server\'s, with Recv-Q (the accept queue) and Send-Q (the backlog)', () => {
    const events = readSsLog(LOG, 7000);
    expect(events.filter((e) => e.state === 'LISTEN').map((e) => [e.t, e.side, e.recv_q, e.send_q])).toEqual([
      [0.005511, 'server', 0, 16],
      [0.113499, 'server', 1, 16],
    ]);
  });

  it('records Recv-Q on connections and the timer of a request socket', () => {
    const events = readSsLog(LOG, 7000);
    expect(events.find((e) => e.state === 'ESTAB')).toMatchObject({ side: 'server', recv_q: 11, send_q: 0, timer: 'off' });
    expect(events.find((e) => e.state === 'SYN-RECV')).toMatchObject({ timer: 'on', remaining_s: 0.892, count: 2, recv_q: 0 });
  });
});
