// test-dead: the peer vanishes while data is unacked; retransmissions back off
// until tcp_retries2's time bound ends the connection.
//
//   0 s      client connects (keepalive set, as in test-idle) → ESTABLISHED
//   ~0 s     the firewall drops everything, both ways
//   anchor   the client writes once: one data segment, never acked
//   +PTO     tail loss probe, then RTO retransmissions doubling from ~204 ms
//   …        at the first RTO firing tcp_model_timeout(tcp_retries2) past the first
//            retransmission: ETIMEDOUT, no FIN, no RST; keepalive never probed
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { handshakeRto } from '../harness/model/loopback.ts';
import { rtoSchedule } from '../harness/model/rto.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { count, timing } from '../harness/verdict/judge.ts';
import { packet, syscall } from '../harness/verdict/match.ts';
import { APP_WAKEUP, SEND_RETURN } from '../harness/verdict/tolerance.ts';

export default defineExperiment({
  id: 'test-dead',
  title: 'A peer that vanished with data unacked: RTO backoff until tcp_retries2 gives up',
  setup: 'Drop everything once ESTABLISHED. The client writes 17 bytes once, then waits in read(). Keepalive IDLE=5, INTVL=3, CNT=3 is set but never runs.',
  notesSaw:
    'Retransmits back off from about 200 ms (…3.7, 7.0, 13.7 s …). ETIMEDOUT at the 16th RTO, 949.4 s after the start. No FIN or RST. ' +
    'Keepalive never starts, because the send queue is not empty.',

  params: {
    tcp_retries2: param.count(15, 'net.ipv4.tcp_retries2: the retransmission time bound, as tcp_model_timeout(tcp_retries2, 200 ms)', { max: 255 }),
    keepidle: param.seconds(5, 'TCP_KEEPIDLE on the client: would probe after this much silence if the send queue were empty', { min: 1, max: 32767 }),
    keepintvl: param.seconds(3, 'TCP_KEEPINTVL on the client', { min: 1, max: 32767 }),
    keepcnt: param.count(3, 'TCP_KEEPCNT on the client', { min: 1, max: 127 }),
    // tcplab tune verifies its sending case here with the user timeout it recommends.
    user_timeout: param.ms(0, 'TCP_USER_TIMEOUT in ms on the client (0 = off); when set, it bounds the retransmissions and tcp_retries2 is ignored'),
  },
  // tcp_retries2 2: a 1.4 s bound, crossed at the 4th RTO firing (3 retransmissions,
  // ETIMEDOUT ~3.4 s after the write); keepalive 1/1/2 alone would have ended it at ~3 s.
  fast: { tcp_retries2: 2, keepidle: 1, keepintvl: 1, keepcnt: 2 },

  sysctls: (p) => ({ 'net.ipv4.tcp_retries2': p.tcp_retries2 }),

  predict: (p, kernel, rtt) =>
    rtoSchedule({ ...handshakeRto(kernel, rtt?.client_s), tcp_retries2: p.tcp_retries2, user_timeout_ms: p.user_timeout, tlp: true }, kernel),

  async scenario({ p, server, client, firewall }) {
    const listener = await server.listen();
    const conn = await client.connect(listener, {
      keepalive: { idle_s: p.keepidle, interval_s: p.keepintvl, count: p.keepcnt },
      user_timeout_ms: p.user_timeout,
    });
    await listener.accepted();

    // The moment: the peer vanishes.
    await firewall.dropAll();

    // One write (the notes' seq 201:218), then wait: the kernel reports the death to read().
    await conn.write('x'.repeat(17));
    await conn.waitForError();
  },

  // The timers are armed by the one data segment's transmission.
  anchor: packet({ dir: 'c2s', class: 'data' }),
  // Without a capture (--observers minimal): the write() that sent it.
  anchorCall: { observe: syscall({ side: 'client', call: 'write' }), lag: SEND_RETURN },

  expect: (model) => {
    const rtos = eventsOf(model, 'rto');
    return [
      timing('tail loss probe (the segment again)', 'tlp', packet({ dir: 'c2s', class: 'data-retrans', nth: 0 })),
      ...rtos.map((e, i) => timing(e.label, e.id, packet({ dir: 'c2s', class: 'data-retrans', nth: i + 1 }))),
      timing(`read() fails with ${model.error}`, 'abort', syscall({ side: 'client', error: model.error }), APP_WAKEUP),
      count('retransmissions (TLP + RTO)', rtos.length + 1, packet({ dir: 'c2s', class: 'data-retrans' })),
      count('keepalive probes (never: the send queue is not empty)', 0, packet({ dir: 'c2s', class: 'keepalive-probe' })),
      count('FINs sent', 0, packet({ class: 'fin' })),
      count('RSTs sent', 0, packet({ class: 'rst' })),
    ];
  },
});
