// test-pacing3: like test-pacing, but the server reads everything once the client
// has closed: the client's FIN follows its data, and the orphan then waits in
// FIN-WAIT-2 for tcp_fin_timeout before it is removed; the server stays in CLOSE-WAIT.
//
//   0 s      the server (SO_RCVBUF small) accepts and sleeps; the client connects
//   ~0 s     the client writes 64 KiB chunks until the kernel refuses, waits for the
//            zero window, and closes: FIN-WAIT-1 with its data still queued
//   sleep    the server reads everything, down to the EOF of the client's FIN
//   anchor   the server ACKs the FIN: the client orphan enters FIN-WAIT-2 with a
//            timer:(timewait,…) (tcp_time_wait(sk, TCP_FIN_WAIT2, tcp_fin_time))
//   +fin     the time-wait sock expires: gone without a packet; the server never closes
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { finWait2Schedule } from '../harness/model/fin-wait.ts';
import { loopbackRtoAfterDelayedAck } from '../harness/model/loopback.ts';
import { count, outcome, timing } from '../harness/verdict/judge.ts';
import { packet, state, syscall } from '../harness/verdict/match.ts';

const CLIENT_FIN = packet({ dir: 'c2s', class: 'fin' });

export default defineExperiment({
  id: 'test-pacing3',
  title: 'The FIN waits for the data; then FIN-WAIT-2 lasts tcp_fin_timeout after close()',
  setup:
    'The server sets SO_RCVBUF=1024, accepts, never shuts down, sleeps, and reads everything only after the client has closed. ' +
    'The client writes 64 KiB chunks until the kernel refuses, then closes.',
  notesSaw:
    'The client sends all of its buffer, then FIN (FP. with the last 576 bytes). It goes to FIN-WAIT-2 with timer:(timewait,55sec,0) and is ' +
    'CLOSED after tcp_fin_timeout (60 s). The server stays in CLOSE-WAIT. The FIN-WAIT-2 timer starts only after close, not after shutdown.',

  params: {
    rcvbuf: param.bytes(1024, 'SO_RCVBUF on the server (the kernel doubles it)', { min: 1 }),
    sndbuf: param.bytes(0, 'SO_SNDBUF on the client (0 = autotuned, as in the notes): how much data waits behind the FIN'),
    // Short, so the anchor comes soon after the start: the ss sampler is dense around the
    // model's times counted from the scenario start.
    server_sleep: param.ms(1000, 'how long the server sleeps (after the client closed) before it reads', { min: 1, max: 600_000 }),
    tcp_fin_timeout: param.seconds(60, 'net.ipv4.tcp_fin_timeout: how long an orphan waits in FIN-WAIT-2', { min: 1, max: 600 }),
  },
  // A 3 s FIN-WAIT-2 and a 64 KiB send buffer (128 KiB once doubled) that drains in a moment.
  fast: { tcp_fin_timeout: 3, server_sleep: 100, sndbuf: 65536 },

  sysctls: (p) => ({ 'net.ipv4.tcp_fin_timeout': p.tcp_fin_timeout }),

  predict: (p, kernel, rtt) => finWait2Schedule({ tcp_fin_timeout: p.tcp_fin_timeout, rto_s: loopbackRtoAfterDelayedAck(kernel, rtt?.client_s) }, kernel),

  async scenario({ p, server, client, sleep, now, at, mark, predictedEnd_s }) {
    const listener = server.listenWithoutAccept({ options: { rcvbuf: p.rcvbuf } });
    const out = (await client.connect(listener, p.sndbuf ? { sndbuf: p.sndbuf } : {})).detach();
    const accepted = listener.accept();
    if (typeof accepted === 'string') throw new Error(`accept() failed: ${accepted}`);

    const queued = out.fillSendBuffer();
    if (!(await out.waitForZeroWindow(5))) throw new Error('the window never closed');
    out.close(); // FIN-WAIT-1, the FIN queued behind the data

    await sleep(p.server_sleep / 1000);
    let drained = 0;
    const start = now();
    for (;;) {
      const o = accepted.read();
      if ('result' in o && o.result === 0) break; // the client's FIN
      if ('result' in o) drained += o.result;
      else await sleep(0.002);
    }
    mark('server drained the client', { bytes: drained, queued, seconds: now() - start });

    // Outlast the FIN-WAIT-2 timer (the wheel adds at most 8/63 of it), then ask the server.
    await at(now() + predictedEnd_s * (1 + 8 / 63) + 1);
    accepted.checkState();
  },

  // The timer starts when the client processes the ACK of its FIN.
  anchor: packet({ dir: 's2c', after: CLIENT_FIN }),

  expect: () => [
    timing(
      'FIN-WAIT-2 with timer:(timewait,…) ends: the orphan is gone (no RST)',
      'closed',
      state({ side: 'client', state: 'FIN-WAIT-2', timer: 'timewait', edge: 'leave' }),
    ),
    count('FINs from the client (once, after all its data)', 1, CLIENT_FIN),
    count('RSTs', 0, packet({ class: 'rst' })),
    count('EOFs read by the server', 1, syscall({ side: 'server', call: 'read', result: 'EOF' })),
    outcome('the server, afterwards', syscall({ side: 'server', call: 'getsockopt' }), 'CLOSE_WAIT'),
  ],
});
