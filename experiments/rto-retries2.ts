// rto-retries2: tcp_retries2 bounds TIME, not a count of retransmissions.
//
//   0 s      client connects (optionally over a netem-delayed lo) → ESTABLISHED
//   ~0 s     the firewall drops everything, both ways
//   anchor   the client writes once: one data segment, never acked
//   …        TLP, RTO retransmissions doubling from icsk_rto
//   death    at the first RTO firing at least tcp_model_timeout(tcp_retries2, 200 ms)
//            after the first retransmission: how many retransmissions fit depends on
//            the RTO (the RTT), not on tcp_retries2 alone
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { handshakeRto, LOOPBACK_SRTT_S, seenBehindEgressDelay } from '../harness/model/loopback.ts';
import { rtoSchedule, tcpModelTimeout } from '../harness/model/rto.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { addLoopbackDelay } from '../harness/runner/netem.ts';
import { count, timing } from '../harness/verdict/judge.ts';
import { packet, syscall } from '../harness/verdict/match.ts';
import { APP_WAKEUP } from '../harness/verdict/tolerance.ts';

export default defineExperiment({
  id: 'rto-retries2',
  title: 'tcp_retries2 bounds time, not a count: the RTO decides how many retransmissions fit',
  setup:
    'Drop everything once ESTABLISHED; the client writes once and waits. Run with several tcp_retries2 values; ' +
    'with an added RTT (netem, where the kernel has it) fewer retransmissions fit in the same bound.',
  notesSaw:
    'From 001: 15 gives a 924.6 s lower bound (1023 x 0.2 s + 6 x 120 s); death comes at the first RTO past it, within [924.6, 1044.6) s. ' +
    'With RTT about 400 ms and tcp_retries2 10 only 3 retransmissions. tcp_retries1 only triggers a route refresh; the connection stays up.',

  params: {
    tcp_retries2: param.count(15, 'net.ipv4.tcp_retries2: the bound is tcp_model_timeout(tcp_retries2, 200 ms) after the first retransmission', {
      max: 255,
    }),
    tcp_retries1: param.count(3, 'net.ipv4.tcp_retries1: past its (shorter) bound the kernel only refreshes the route', { max: 255 }),
    delay: param.ms(0, 'netem delay added to lo in ms (each way, so RTT = 2 x delay); 0 = plain loopback', { max: 60_000 }),
  },
  variants: {
    'retries2-8': {
      summary: 'tcp_retries2 8, the RFC 1122 minimum of 100 s: a 102.2 s bound',
      set: { tcp_retries2: 8 },
      // 0.6 s bound: 2 RTO retransmissions, death at the 3rd firing (~1.7 s).
      fast: { tcp_retries2: 1 },
    },
    'retries2-5': {
      summary: 'tcp_retries2 5: a 12.6 s bound, 5 retransmissions from a 204 ms RTO',
      set: { tcp_retries2: 5 },
      // 0.2 s bound: still one retransmission before the time is up (~0.85 s).
      fast: { tcp_retries2: 0 },
    },
    'rtt-400ms': {
      summary: 'RTT 400 ms (netem delay 200 ms) and tcp_retries2 10: an RTO of ~1.2 s fits fewer retransmissions',
      set: { tcp_retries2: 10, delay: 200 },
      // 1.4 s bound: one retransmission at ~1.2 s RTO, where plain loopback fits three.
      fast: { tcp_retries2: 2, delay: 200 },
    },
  },
  // 3.0 s bound: firing 4 comes 2.91-2.94 s after the first retransmission, so 4
  // retransmissions fit, not 3: the bound is time, counted from the first retransmission.
  fast: { tcp_retries2: 3 },

  sysctls: (p) => ({ 'net.ipv4.tcp_retries2': p.tcp_retries2, 'net.ipv4.tcp_retries1': p.tcp_retries1 }),

  predict: (p, kernel, rtt) => {
    // With netem the handshake is the only RTT sample: RTO = srtt + 2 x srtt (rto-estimate.ts).
    // The run's own measurement of it wins (it includes what emulation adds).
    const srtt_s = rtt?.client_s ?? (p.delay > 0 ? (2 * p.delay) / 1000 : LOOPBACK_SRTT_S);
    const s = rtoSchedule({ ...handshakeRto(kernel, srtt_s), tcp_retries2: p.tcp_retries2, user_timeout_ms: 0, tlp: true }, kernel);
    s.notes.push(`tcp_retries1=${p.tcp_retries1}: past ${tcpModelTimeout(p.tcp_retries1)} s the kernel only resets the route (dst_negative_advice); retransmission goes on`);
    // Every event but the death is seen as a captured packet.
    return seenBehindEgressDelay(s, p.delay / 1000, ['abort']);
  },

  async scenario({ p, server, client, firewall, mark, skip }) {
    if (p.delay > 0) {
      const netem = await addLoopbackDelay(p.delay);
      if (!netem.ok) skip(`needs netem to add ${p.delay} ms to lo, which this kernel lacks (tc qdisc add dev lo root netem: ${netem.reason})`);
      mark('netem delay on lo', { delay_ms: p.delay });
    }
    const listener = await server.listen();
    const conn = await client.connect(listener);
    await listener.accepted();

    await firewall.dropAll();
    await conn.write('x'.repeat(17));
    await conn.waitForError();
  },

  anchor: packet({ dir: 'c2s', class: 'data' }),

  expect: (model, p) => {
    const rtos = eventsOf(model, 'rto');
    return [
      timing('tail loss probe (the segment again)', 'tlp', packet({ dir: 'c2s', class: 'data-retrans', nth: 0 })),
      ...rtos.map((e, i) => timing(e.label, e.id, packet({ dir: 'c2s', class: 'data-retrans', nth: i + 1 }))),
      timing(`read() fails with ${model.error}`, 'abort', syscall({ side: 'client', error: model.error }), APP_WAKEUP),
      count(
        `retransmissions: the loss probe + ${rtos.length} RTO within ${tcpModelTimeout(p.tcp_retries2)} s (tcp_retries2 ${p.tcp_retries2})`,
        rtos.length + 1,
        packet({ dir: 'c2s', class: 'data-retrans' }),
      ),
      count('RSTs sent', 0, packet({ class: 'rst' })),
    ];
  },
});
