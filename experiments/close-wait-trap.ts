// close-wait-trap: a server that never closes its side after the client's FIN keeps
// a CLOSE-WAIT socket the client has long forgotten; a client that reconnects from
// the same source port (a connection pool, a NAT reusing ports) meets that stale
// socket instead of the listener.
//
//   0 s      client connects; the server accepts (raw fd) and will never close it
//   ~0 s     the client closes: FIN; the server reads the EOF and does nothing
//   anchor   the server ACKs the FIN (delayed ACK): the client's orphan is a FIN-WAIT-2
//            time-wait sock for tcp_fin_timeout; the server stays in CLOSE-WAIT
//   +fin     the time-wait sock expires silently; the runner sees the 4-tuple gone
//            from /proc/net/tcp and connects again from the same port
//   at once  SYN → the CLOSE-WAIT socket's challenge ACK (old numbers) → the client's
//            RST, which kills the stale socket (EPIPE for the server)
//   +2 jiffies (5.6+; 1 s before) the SYN again → the listener's SYN-ACK → connected
//
// Real length: the kernel's default tcp_fin_timeout, 60 s. Fast: 2 s, the same path
// (tcp_fin_time() <= TCP_TIMEWAIT_LEN: a time-wait sock at once; its 3.5 RTO floor is
// 0.73 s).
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { closeWaitTrapSchedule, STALE_SOCKET_ERRNO } from '../harness/model/close-wait.ts';
import { loopbackRtoAfterDelayedAck } from '../harness/model/loopback.ts';
import { socketState, SOCKET_TABLE_POLL_S, waitUntilGone } from '../harness/runner/socket-table.ts';
import { count, outcome, RUNNER_MOMENT, timing } from '../harness/verdict/judge.ts';
import { packet, state, syscall } from '../harness/verdict/match.ts';
import { APP_WAKEUP, type Lag } from '../harness/verdict/tolerance.ts';

const SERVER_PORT = 7000;
const CLIENT_FIN = packet({ dir: 'c2s', class: 'fin' });

/**
 * The reconnect is a runner moment: it sees the time-wait sock gone at its next read of
 * /proc/net/tcp (every SOCKET_TABLE_POLL_S), then wakes and calls connect() (RUNNER_MOMENT).
 */
const RECONNECT_LAG: Lag = {
  s: SOCKET_TABLE_POLL_S + RUNNER_MOMENT.s,
  why: 'the runner polls /proc/net/tcp every 5 ms for the old 4-tuple, then wakes and connects (RUNNER_MOMENT)',
};

export default defineExperiment({
  id: 'close-wait-trap',
  title: 'A server that never closes: its CLOSE-WAIT socket answers the client\'s next connection from the same port',
  setup:
    'The server accepts and never closes; the client closes (FIN), its orphan waits tcp_fin_timeout in FIN-WAIT-2 and goes; ' +
    'the client then connects again from the same source port (SO_REUSEADDR + bind) while the server socket is still in CLOSE-WAIT.',
  notesSaw: 'Not in the notes (issue 10); test-pacing3 saw the first half: the client CLOSED after tcp_fin_timeout, the server left in CLOSE-WAIT.',
  why:
    'Servers that leak sockets (never close() after EOF) pile up CLOSE-WAIT; any client that comes back on the same 4-tuple ' +
    '(a connection pool pinning source ports, a NAT or load balancer reusing them) gets a challenge ACK instead of a SYN-ACK, ' +
    'and its connect() needs an RST and a second SYN: milliseconds on 5.6+, a full second (the SYN RTO) before.',

  params: {
    tcp_fin_timeout: param.seconds(60, 'net.ipv4.tcp_fin_timeout: how long the client\'s orphan waits in FIN-WAIT-2', { min: 1, max: 600 }),
  },
  fast: { tcp_fin_timeout: 2 },

  sysctls: (p) => ({ 'net.ipv4.tcp_fin_timeout': p.tcp_fin_timeout }),

  // The client's last RTT sample before FIN-WAIT-2 is the server's delayed ACK of its FIN.
  predict: (p, kernel, rtt) => closeWaitTrapSchedule({ tcp_fin_timeout: p.tcp_fin_timeout, rto_s: loopbackRtoAfterDelayedAck(kernel, rtt?.client_s) }, kernel),

  async scenario({ p, server, client, mark }) {
    const listener = server.listenWithoutAccept({ port: SERVER_PORT });
    const first = await client.connect(listener);
    const port = first.socket.localPort!;
    const stale = await listener.acceptWhenQueued();
    first.close(); // FIN: the client forgets the connection, its kernel keeps an orphan

    // The leak: the server sees the EOF and never closes.
    if (!(await stale.waitForState('CLOSE_WAIT', 5))) throw new Error('the server never saw the client\'s FIN');
    stale.read();

    // The wheel adds at most 1/8 of a delay to a timer (timer-wheel.ts): a time-wait
    // sock still there after that is not the model's, and the scenario says so.
    const gone = await waitUntilGone(port, SERVER_PORT, p.tcp_fin_timeout * (1 + 1 / 8) + 5);
    if (!gone) throw new Error(`the client's old socket (port ${port}) is still ${socketState(port, SERVER_PORT)} long after tcp_fin_timeout`);
    mark('the client\'s old 4-tuple is gone from /proc/net/tcp', { port });

    stale.checkState(); // still CLOSE_WAIT: the trap
    await client.connect(listener, {}, { port });
    stale.checkState(); // CLOSE: the client's RST reset it
    stale.write('x'); // what the server hears of it: the error tcp_reset() left
    await listener.acceptWhenQueued(); // the new connection reached the listener
  },

  // The server's (delayed) ACK of the FIN: where the client's FIN-WAIT-2 starts.
  anchor: packet({ dir: 's2c', after: CLIENT_FIN }),

  expect: (model) => [
    timing('the client\'s FIN-WAIT-2 ends: its orphan is gone (ss), the server still in CLOSE-WAIT', 'closed', state({ side: 'client', state: 'FIN-WAIT-2', edge: 'leave' })),
    outcome('the server\'s socket when the client reconnects', syscall({ side: 'server', call: 'getsockopt', nth: 0 }), 'CLOSE_WAIT'),
    timing('the client connects again from the same port: SYN', 'syn', packet({ dir: 'c2s', class: 'syn', nth: 1 }), RECONNECT_LAG),
    timing('the stale CLOSE-WAIT socket answers with a challenge ACK', 'challenge-ack', packet({ dir: 's2c', class: 'challenge-ack' })),
    timing('the client (SYN-SENT) answers it with an RST', 'rst', packet({ dir: 'c2s', class: 'rst' })),
    timing(model.events.find((e) => e.id === 'syn-retrans-1')!.label, 'syn-retrans-1', packet({ dir: 'c2s', class: 'syn-retrans' })),
    timing('the listener answers with a SYN-ACK', 'synack', packet({ dir: 's2c', class: 'synack', nth: 1 })),
    timing('connect() succeeds', 'connected', syscall({ side: 'client', call: 'connect', nth: 1 }), APP_WAKEUP),
    outcome('the second connect() returns', syscall({ side: 'client', call: 'connect', nth: 1 }), 0),
    count('challenge ACKs (one: the RST frees the 4-tuple)', 1, packet({ class: 'challenge-ack' })),
    count('RSTs (the client\'s only)', 1, packet({ class: 'rst' })),
    count('SYN retransmissions', 1, packet({ class: 'syn-retrans' })),
    count('FINs (the client\'s only: the server never closes)', 1, packet({ class: 'fin' })),
    outcome('the server\'s socket after the RST', syscall({ side: 'server', call: 'getsockopt', nth: 1 }), 'CLOSE'),
    outcome('the server\'s next write on it', syscall({ side: 'server', call: 'write' }), STALE_SOCKET_ERRNO),
    count('connections the listener accepted (the old one and the new one)', 2, syscall({ side: 'server', call: 'accept' })),
  ],
});
