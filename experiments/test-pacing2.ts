// test-pacing2: like test-pacing, but the server reads slowly and never shuts
// down: the transfer goes on at the reader's pace.
//
//   0 s      the server (SO_RCVBUF small) accepts and does not read yet; the client connects
//   ~0 s     the client writes 64 KiB chunks until the kernel refuses (EAGAIN), waits for
//            the zero window, and closes (its FIN waits behind the data)
//   anchor   the server's first read
//   …        a read every read_interval: each reopens the window, one segment follows
//   duration the reader stops; the drain rate is recorded
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import type { KernelRef } from '../harness/model/kernel-ref.ts';
import { loopbackRtoAfterDelayedAck } from '../harness/model/loopback.ts';
import { readerPacedSchedule } from '../harness/model/reader-paced.ts';
import { count, timing } from '../harness/verdict/judge.ts';
import { packet, syscall } from '../harness/verdict/match.ts';

const LAST_READ = syscall({ side: 'server', call: 'read', nth: -1 });
// Nothing moves between the client's close() and the first read (the window is zero):
// the first packets after it are the read's.
const AFTER_CLOSE = syscall({ side: 'client', call: 'close' });

// The window closes with a delayed ACK: its RTT sample makes the sender's RTO 208 ms.
const paced = (p: { read_interval: number; duration: number }, kernel: KernelRef) =>
  readerPacedSchedule({ rto_s: loopbackRtoAfterDelayedAck(kernel), read_interval_s: p.read_interval / 1000, duration_s: p.duration });

export default defineExperiment({
  id: 'test-pacing2',
  title: 'A slow reader behind a small receive buffer paces the transfer',
  setup:
    'The server sets SO_RCVBUF=1024, accepts, never shuts down, and reads every 100 ms. The client writes 64 KiB chunks until the ' +
    'kernel refuses, then closes.',
  notesSaw: 'The transfer goes on slowly, client and server keep exchanging data. (The notes give no rate.)',

  params: {
    rcvbuf: param.bytes(1024, 'SO_RCVBUF on the server (the kernel doubles it)', { min: 1 }),
    read_interval: param.ms(100, 'milliseconds between the server\'s reads', { min: 1, max: 60_000 }),
    duration: param.seconds(30, 'how long the server reads', { min: 1, max: 3600 }),
  },
  fast: { duration: 2 },

  predict: (p, kernel) => paced(p, kernel),

  async scenario({ p, server, client, sleep, now, mark }) {
    const listener = server.listenWithoutAccept({ options: { rcvbuf: p.rcvbuf } });
    const out = (await client.connect(listener)).detach();
    const accepted = listener.accept();
    if (typeof accepted === 'string') throw new Error(`accept() failed: ${accepted}`);

    const queued = out.fillSendBuffer();
    if (!(await out.waitForZeroWindow(5))) throw new Error('the window never closed');
    out.close();

    const start = now();
    let drained = 0;
    while (now() - start < p.duration) {
      const o = accepted.read();
      if ('result' in o) drained += o.result;
      await sleep(p.read_interval / 1000);
    }
    const seconds = now() - start;
    mark('drain rate', { bytes: drained, seconds, bytes_per_s: Math.round(drained / seconds), queued, left: queued - drained });
  },

  anchor: syscall({ side: 'server', call: 'read' }),

  expect: (_model, p, kernel) => [
    timing('window update at the first read', 'window-update', packet({ dir: 's2c', after: AFTER_CLOSE })),
    timing('one segment answers it', 'refill', packet({ dir: 'c2s', class: 'data', after: AFTER_CLOSE })),
    ...(paced(p, kernel).probes
      ? []
      : [
          count(
            `window probes while the server reads (a read every ${p.read_interval} ms beats the persist timer)`,
            0,
            packet({ dir: 'c2s', class: 'window-probe', before: LAST_READ }),
          ),
        ]),
    count('reads that found nothing (the sender refills the window between reads)', 0, syscall({ side: 'server', call: 'read', error: 'EAGAIN' })),
    count('FINs from the client (data still queued)', 0, packet({ dir: 'c2s', class: 'fin' })),
    count('RSTs', 0, packet({ class: 'rst' })),
  ],
});
