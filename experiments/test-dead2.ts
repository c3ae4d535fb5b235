// test-dead2: like test-dead, but with TCP_USER_TIMEOUT, and the client keeps
// writing: the user timeout (not tcp_retries2) ends it, and the writes report it.
//
//   0 s      client connects with TCP_USER_TIMEOUT; Node lets go of the socket, the
//            scenario keeps the fd and writes through it from now on
//   ~0 s     the firewall drops everything, both ways
//   anchor   the first write's segment (never acked); TLP, then RTO backoff
//   …        every write_interval another write: accepted, since the buffer has room
//   UT       user_timeout after the first RTO retransmission: the socket dies
//   then     the next write gets ETIMEDOUT, later writes EPIPE, a read 0 (EOF)
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { handshakeRto } from '../harness/model/loopback.ts';
import { rtoSchedule } from '../harness/model/rto.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { count, outcome, timing } from '../harness/verdict/judge.ts';
import { packet, syscall } from '../harness/verdict/match.ts';
import { type Lag, TIMER_WAKEUP } from '../harness/verdict/tolerance.ts';

/** Writes after the first failed one: each must get EPIPE. */
const LATER_WRITES = 2;

export default defineExperiment({
  id: 'test-dead2',
  title: 'TCP_USER_TIMEOUT with a peer that vanished: the next write reports ETIMEDOUT',
  setup:
    'TCP_USER_TIMEOUT 10 s on the client. Drop everything once ESTABLISHED. The client writes 17 bytes in a loop (every 250 ms) ' +
    'until a write fails, then writes twice more and reads once.',
  notesSaw:
    'Writes succeed while the buffer has room (ss: Send-Q 119, 136, 153 …, timer:(on,…,5)). The first write after 10 s gets ETIMEDOUT, ' +
    'later writes EPIPE, and a read then returns EOF at once. tcp_retries2 is ignored.',

  params: {
    user_timeout: param.ms(10_000, 'TCP_USER_TIMEOUT in ms on the client', { min: 1 }),
    tcp_retries2: param.count(15, 'net.ipv4.tcp_retries2: ignored once a user timeout is set', { max: 255 }),
    write_interval: param.ms(250, 'milliseconds between the client\'s writes (longer than the loss probe, so the probe resends the first segment)', {
      min: 250,
      max: 5000,
    }),
  },
  // A 5 s user timeout with tcp_retries2 2, whose own bound (1.4 s) would end the
  // connection at the 4th RTO firing, ~3.3 s: the user timeout wins, at ~5.4 s.
  fast: { user_timeout: 5000, tcp_retries2: 2 },

  sysctls: (p) => ({ 'net.ipv4.tcp_retries2': p.tcp_retries2 }),

  predict: (p, kernel, rtt) =>
    rtoSchedule(
      { ...handshakeRto(kernel, rtt?.client_s), tcp_retries2: p.tcp_retries2, user_timeout_ms: p.user_timeout, tlp: true },
      kernel,
    ),

  async scenario({ p, server, client, firewall, sleep }) {
    const listener = await server.listen();
    const conn = await client.connect(listener, { user_timeout_ms: p.user_timeout });
    await listener.accepted();

    // Node reads a socket as soon as the kernel reports an error, and then answers
    // every later call itself. Keep the fd and let Node go, so that the loop's own
    // write() is the first call to meet the error, as in the notes.
    const fd = conn.detach();

    await firewall.dropAll();

    for (;;) {
      const o = fd.write('x'.repeat(17));
      if ('error' in o) break;
      await sleep(p.write_interval / 1000);
    }
    for (let i = 0; i < LATER_WRITES; i++) fd.write('x'.repeat(17));
    fd.read();
    fd.close();
  },

  anchor: packet({ dir: 'c2s', class: 'data' }),

  expect: (model, p) => {
    const rtos = eventsOf(model, 'rto');
    // The kernel's abort is only seen by the next write of the loop.
    const nextWrite: Lag = {
      s: p.write_interval / 1000 + TIMER_WAKEUP.s,
      why: `the loop writes every ${p.write_interval} ms: the first write after the abort reports it (+ ${TIMER_WAKEUP.why})`,
    };
    return [
      timing('tail loss probe (the first segment again)', 'tlp', packet({ dir: 'c2s', class: 'data-retrans', nth: 0 })),
      ...rtos.map((e, i) => timing(e.label, e.id, packet({ dir: 'c2s', class: 'data-retrans', nth: i + 1 }))),
      timing(`the first write after the user timeout fails with ${model.error}`, 'abort', syscall({ side: 'client', call: 'write', error: model.error }), nextWrite),
      count('retransmissions (TLP + RTO; tcp_retries2 ignored)', rtos.length + 1, packet({ dir: 'c2s', class: 'data-retrans' })),
      count(`writes failing with ${model.error}`, 1, syscall({ side: 'client', call: 'write', error: model.error })),
      count('later writes failing with EPIPE', LATER_WRITES, syscall({ side: 'client', call: 'write', error: 'EPIPE' })),
      outcome('read() after the error', syscall({ side: 'client', call: 'read' }), 'EOF'),
      count('FINs sent', 0, packet({ class: 'fin' })),
      count('RSTs sent', 0, packet({ class: 'rst' })),
    ];
  },
});
