// test-pacing: the client closes with its send buffer full against a zero window.
// Its FIN waits behind the data, the orphan probes the window, and the kernel
// finally drops it without a FIN or RST; the server stays in FIN-WAIT-2 for ever.
//
//   0 s      the server (SO_RCVBUF small) accepts and sends shutdown(SHUT_WR) at once,
//            then never reads; the client connects
//   ~0 s     the client writes 64 KiB chunks until the kernel refuses (EAGAIN)
//   anchor   the server's last zero-window ACK: the persist timer is armed
//   ~0 s     the client closes: CLOSE-WAIT → LAST-ACK, but no FIN leaves (data first)
//   …        window probes, each answered with a zero window, backing off
//   …        once the backed-off RTO reaches RTO_MAX the orphan is destroyed silently
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { optionalSysctl } from '../harness/experiment/sysctls.ts';
import { loopbackRtoAfterDelayedAck } from '../harness/model/loopback.ts';
import { persistSchedule } from '../harness/model/persist.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { count, outcome, timing } from '../harness/verdict/judge.ts';
import { packet, state, syscall } from '../harness/verdict/match.ts';

const FIRST_PROBE = packet({ dir: 'c2s', class: 'window-probe' });

export default defineExperiment({
  id: 'test-pacing',
  title: 'close() with a full send buffer against a zero window: no FIN, window probes, a silent end',
  setup:
    'The server sets SO_RCVBUF=1024, accepts, sends shutdown(SHUT_WR) at once and never reads. The client writes 64 KiB chunks until ' +
    'the kernel refuses, then closes.',
  notesSaw:
    'close returns at once but no FIN is sent, because the send buffer is full (ss: LAST-ACK, Send-Q 814465, timer:(persist,…)). ' +
    'The orphan sends window probes for about 5.5 min (the 11th retransmission slot), then disappears without FIN or RST. The server stays in FIN-WAIT-2.',

  params: {
    rcvbuf: param.bytes(1024, 'SO_RCVBUF on the server (the kernel doubles it): a window that closes at once', { min: 1 }),
    tcp_orphan_retries: param.count(0, 'net.ipv4.tcp_orphan_retries (0: 8 unanswered probes while alive)', { max: 255 }),
    tcp_retries2: param.count(15, 'net.ipv4.tcp_retries2: caps the probe backoff', { max: 255 }),
    tcp_rto_max_ms: param.ms(120_000, 'net.ipv4.tcp_rto_max_ms (6.15+): the RTO_MAX an orphan must reach to be dropped', { min: 1000, max: 120_000 }),
  },
  // RTO_MAX 1 s (6.15+): the backoff reaches it after three probes, so the orphan goes
  // at the 4th firing (~2.5 s) instead of after 10 probes (~5.5 min).
  fast: { tcp_rto_max_ms: 1000 },

  sysctls: (p) => ({
    'net.ipv4.tcp_orphan_retries': p.tcp_orphan_retries,
    'net.ipv4.tcp_retries2': p.tcp_retries2,
    [optionalSysctl('net.ipv4.tcp_rto_max_ms')]: p.tcp_rto_max_ms,
  }),

  // The ACK that closes the window is a delayed ACK: its RTT sample makes the RTO 208 ms.
  predict: (p, kernel, rtt) =>
    persistSchedule(
      {
        rto_s: loopbackRtoAfterDelayedAck(kernel, rtt?.client_s),
        tcp_retries2: p.tcp_retries2,
        user_timeout_ms: 0,
        orphan: true,
        orphan_at_s: 0,
        tcp_orphan_retries: p.tcp_orphan_retries,
        peer_answers: true,
        answers_within_jiffy: true, // loopback
        rto_max_s: p.tcp_rto_max_ms / 1000,
      },
      kernel,
    ),

  async scenario({ p, server, client, now, at, predictedEnd_s }) {
    const listener = server.listenWithoutAccept({ options: { rcvbuf: p.rcvbuf } });
    // Node would answer the server's FIN with its own (allowHalfOpen off): raw fd only.
    const out = (await client.connect(listener)).detach();
    const accepted = listener.accept();
    if (typeof accepted === 'string') throw new Error(`accept() failed: ${accepted}`);
    accepted.shutdown('SHUT_WR');

    out.fillSendBuffer();
    if (!(await out.waitForZeroWindow(5))) throw new Error('the window never closed');
    out.close(); // the last fd: the kernel closes the socket, which becomes an orphan

    // Outlast the orphan: the wheel may add up to 8/63 of each backed-off delay (the
    // coarsest level granule per delay), so wait that much past the model's end.
    await at(now() + predictedEnd_s * (1 + 8 / 63) + 1);
    accepted.checkState();
  },

  anchor: packet({ dir: 's2c', win: 0, before: FIRST_PROBE, nth: -1 }),

  expect: (model) => {
    const probes = eventsOf(model, 'zwp');
    return [
      ...probes.map((e, i) => timing(e.label, e.id, packet({ dir: 'c2s', class: 'window-probe', nth: i }))),
      timing('the orphan is gone from ss (LAST-ACK, no FIN, no RST)', 'abort', state({ side: 'client', state: 'LAST-ACK', edge: 'leave' })),
      count('window probes', probes.length, packet({ dir: 'c2s', class: 'window-probe' })),
      count('FINs from the client (its data never left)', 0, packet({ dir: 'c2s', class: 'fin' })),
      count('RSTs', 0, packet({ class: 'rst' })),
      outcome('the server, afterwards', syscall({ side: 'server', call: 'getsockopt' }), 'FIN_WAIT2'),
    ];
  },
});
