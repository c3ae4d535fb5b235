// test-read-noack: the server's ACKs never reach the client, yet the server reads
// the data. What leaves the client depends on Nagle, the loss probe and on whether
// the server has read the data (its socket holds the clones the client would merge).
//
//   0 s      client connects (TCP_NODELAY per variant); the firewall then drops
//            everything the server sends (only s2c)
//   anchor   the last write's own segment: six 10-byte writes back to back; with Nagle
//            only the first leaves, with NODELAY all six
//   +PTO     loss probe: Nagle sends the held-back 50 bytes as new data; NODELAY
//            resends the last segment (2 jiffies after 2*srtt: more than one packet out)
//   …        RTO retransmissions of the first write: 10 bytes while the server has not
//            read, all 60 merged once its copies are freed (tcp_retrans_try_collapse,
//            skb_cloned)
//   1 s      the server reads: all 60 bytes, although none of its ACKs arrived; on the
//            CPU the writes ran on, so the read frees the copies itself on every kernel
//            (from 5.19 a read elsewhere only hands them to that CPU: skb_attempt_defer_free)
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import type { KernelRef } from '../harness/model/kernel-ref.ts';
import { handshakeRto } from '../harness/model/loopback.ts';
import { rtoSchedule } from '../harness/model/rto.ts';
import { tailContent } from '../harness/model/tail-content.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { count, outcome, timing } from '../harness/verdict/judge.ts';
import { packet, syscall } from '../harness/verdict/match.ts';

/** The notes' burst: 10 bytes, six times. */
const WRITES = 6;
const WRITE_BYTES = 10;
const SERVER_READ = syscall({ side: 'server', call: 'read' });

const content = (p: { nodelay: number }, kernel: KernelRef) =>
  tailContent({ writes: WRITES, write_bytes: WRITE_BYTES, nodelay: p.nodelay === 1, read_on_write_cpu: true }, kernel);

export default defineExperiment({
  id: 'test-read-noack',
  title: 'ACKs lost on the way back: the server still reads; Nagle, the loss probe and merged retransmissions',
  setup:
    'Drop everything the server sends. The client writes 10 bytes six times, back to back. The server reads once, 1 s later. ' +
    'Variant: TCP_NODELAY.',
  notesSaw:
    'The server still reads the data. With Nagle the sends go out as 10 bytes, then 30 bytes together about 200 ms later, and from the ' +
    'third retransmission on (after the server read 40 bytes) the retransmissions merge (201:241). With NODELAY each 10 bytes goes out ' +
    'alone (one of them twice within 4 ms), and the retransmissions merge later.',

  params: {
    nodelay: param.flag(false, 'TCP_NODELAY on the client'),
    server_read_at: param.ms(1000, 'when the server reads, in ms after the writes (between two RTO retransmissions)', { min: 1, max: 60_000 }),
    observe: param.seconds(4, 'how long to watch the retransmissions', { min: 1, max: 600 }),
  },
  variants: {
    nodelay: {
      summary: 'TCP_NODELAY: six 10-byte segments at once; the loss probe resends the last one',
      set: { nodelay: 1 },
    },
  },
  fast: {},

  predict: (p, kernel, rtt) =>
    rtoSchedule({ ...handshakeRto(kernel, rtt?.client_s), tcp_retries2: 15, user_timeout_ms: 0, tlp: true, packets_out: content(p, kernel).packetsOutAtProbe }, kernel),

  async scenario({ p, server, client, firewall, sleep, now, oneCpu }) {
    const listener = server.listenWithoutAccept();
    const out = (await client.connect(listener, { nodelay: p.nodelay === 1 })).detach();
    const accepted = listener.accept();
    if (typeof accepted === 'string') throw new Error(`accept() failed: ${accepted}`);

    // The moment: the server's packets (its ACKs) no longer reach the client.
    await firewall.drop({ fromPort: listener.port });

    const start = now();
    await oneCpu(async () => {
      for (let i = 0; i < WRITES; i++) out.write('h'.repeat(WRITE_BYTES));
      await sleep(p.server_read_at / 1000);
      accepted.read();
    });
    await sleep(Math.max(0, start + p.observe - now()));
  },

  // The last segment a write sent by itself arms the loss probe.
  anchor: packet({ dir: 'c2s', class: 'data', len: WRITE_BYTES, before: packet({ dir: 'c2s', class: 'data-retrans' }), nth: -1 }),

  expect: (model, p, kernel) => {
    const c = content(p, kernel);
    // Only what fits in the watch, with room for the wheel's lateness.
    const watched = model.events.filter((e) => e.id !== 'abort' && e.at_s + 2 * e.late_s < p.observe - 0.2);
    const rtos = eventsOf(watched, 'rto');
    const readAt = p.server_read_at / 1000;
    const retrans = [...(c.probe.newData ? [] : watched.filter((e) => e.id === 'tlp')), ...rtos];
    const beforeRead = retrans.filter((e) => e.at_s < readAt).length;
    return [
      c.probe.newData
        ? timing(`loss probe: the ${c.probe.len} bytes Nagle held back, as new data`, 'tlp', packet({ dir: 'c2s', class: 'data', len: c.probe.len }))
        : timing('loss probe: the last segment again', 'tlp', packet({ dir: 'c2s', class: 'data-retrans', nth: 0 })),
      ...rtos.map((e, i) => timing(e.label, e.id, packet({ dir: 'c2s', class: 'data-retrans', nth: i + (c.probe.newData ? 0 : 1) }))),
      count(`segments sent by the writes themselves (${WRITE_BYTES} bytes each)`, c.sent.length, packet({ dir: 'c2s', class: 'data', len: WRITE_BYTES })),
      count(
        `retransmissions of ${c.retransUnread} bytes before the server reads (its socket holds the clones)`,
        beforeRead,
        packet({ dir: 'c2s', class: 'data-retrans', len: c.retransUnread, before: SERVER_READ }),
      ),
      count('retransmissions after the server read', retrans.length - beforeRead, packet({ dir: 'c2s', class: 'data-retrans', after: SERVER_READ })),
      count(
        `retransmissions merged to ${c.retransRead} bytes after the server read`,
        retrans.length - beforeRead,
        packet({ dir: 'c2s', class: 'data-retrans', len: c.retransRead, after: SERVER_READ }),
      ),
      outcome('the server reads everything, though none of its ACKs arrived', SERVER_READ, c.delivered),
      count('RSTs', 0, packet({ class: 'rst' })),
    ];
  },
});
