// netstat-keepalive-send: the netstat notes' "port 2" — as netstat-keepalive, but the
// server application writes while keepalive probing is under way.
//
//   30, 40 s  keepalive probes 1 and 2 (netstat keepalive (…/0/1), (…/0/2))
//   45 s      the application writes 210 bytes: netstat switches to `on (…/0/2)`
//   +0.2 s    loss probe, then RTO retransmissions doubling from ~0.2 s:
//             netstat `on (…/1/2)`, `on (…/2/2)` …: RETRANS climbs, PROBES stays 2
//   …         no more keepalive probes; death by tcp_retries2 (ETIMEDOUT, no RST),
//             not by keepalive (which would have ended it at 70 s with an RST)
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { keepaliveSendSchedule } from '../harness/model/keepalive-send.ts';
import { handshakeRto } from '../harness/model/loopback.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { count, scripted, timing } from '../harness/verdict/judge.ts';
import { packet, state, syscall } from '../harness/verdict/match.ts';
import { APP_WAKEUP } from '../harness/verdict/tolerance.ts';

const params = {
  keepidle: param.seconds(30, 'TCP_KEEPIDLE on the server socket', { min: 1, max: 32767 }),
  keepintvl: param.seconds(10, 'TCP_KEEPINTVL on the server socket', { min: 1, max: 32767 }),
  keepcnt: param.count(4, 'TCP_KEEPCNT on the server socket', { min: 1, max: 127 }),
  write_after: param.count(2, 'the application writes after this many keepalive probes, half an interval later', { min: 1, max: 127 }),
  bytes: param.bytes(210, 'bytes written (the notes\' Send-Q 210)', { min: 1, max: 65536 }),
  tcp_retries2: param.count(15, 'net.ipv4.tcp_retries2: the retransmission time bound that ends it', { max: 255 }),
};
type P = { [K in keyof typeof params]: number };

/** When the write comes, from the handshake: half an interval after probe `write_after`. */
const writeDelay = (p: P) => p.keepintvl / 2;
const writeAt = (p: P) => p.keepidle + (p.write_after - 1) * p.keepintvl + writeDelay(p);

export default defineExperiment({
  id: 'netstat-keepalive-send',
  title: 'A write during keepalive probing: the timer switches to retransmission, the probe count freezes, tcp_retries2 ends it',
  setup:
    'As netstat-keepalive (IDLE=30, INTVL=10, PROBES=4, the client silent), but the server application writes 210 bytes ' +
    'half an interval after the 2nd probe. ss -o and netstat -o are both sampled.',
  notesSaw:
    'keepalive (…/0/1), (…/0/2), then `on (0.21/2/2)` as the retransmission timer kicks in; the retransmit count climbs ' +
    '(3, 4, … 255 on that old kernel) while the probe count stays 2. Death then follows tcp_retries2, not keepalive.',

  params,
  // Probes at 1 and 2 s, the write at 2.5 s; tcp_retries2 2 (a 1.4 s bound) ends it after
  // 3 RTO retransmissions, ~5.8 s in — later than keepalive alone would (5 s, with an RST).
  fast: { keepidle: 1, keepintvl: 1, keepcnt: 4, tcp_retries2: 2 },
  netstat: true,

  sysctls: (p) => ({ 'net.ipv4.tcp_retries2': p.tcp_retries2 }),

  predict: (p, kernel, rtt) =>
    keepaliveSendSchedule(
      {
        keepalive: { keepidle_s: p.keepidle, keepintvl_s: p.keepintvl, keepcnt: p.keepcnt, user_timeout_ms: 0 },
        write_after_probes: p.write_after,
        write_delay_s: writeDelay(p),
        rto: { ...handshakeRto(kernel, rtt?.server_s), tcp_retries2: p.tcp_retries2, tlp: true },
      },
      kernel,
    ),

  async scenario({ p, server, client, firewall, now, at }) {
    const listener = await server.listen();
    await client.connect(listener);
    // The script counts from here: just after the anchor, never before it.
    const connected = now();
    const conn = await listener.accepted({ keepalive: { idle_s: p.keepidle, interval_s: p.keepintvl, count: p.keepcnt } });
    await firewall.dropAll();

    await at(connected + writeAt(p));
    await conn.write('x'.repeat(p.bytes));
    await conn.waitForError();
  },

  anchor: packet({ dir: 'c2s', class: 'ack' }),

  expect: (model, p) => {
    const probes = eventsOf(model, 'probe');
    const rtos = eventsOf(model, 'rto');
    const frozen = p.write_after;
    const netstat = (m: { timer: string; probes: number; count?: number }, edge: 'enter' | 'leave') =>
      state({ source: 'netstat', side: 'server', state: 'ESTABLISHED', edge, ...m });
    return [
      ...probes.map((e, i) => timing(e.label, e.id, packet({ dir: 's2c', class: 'keepalive-probe', nth: i }))),
      ...probes.map((e, i) => timing(`netstat: keepalive (…/0/${i + 1})`, e.id, netstat({ timer: 'keepalive', probes: i + 1 }, 'enter'))),
      scripted('the write (data segment)', 'data', packet({ dir: 's2c', class: 'data' })),
      timing(`netstat: on (…/0/${frozen}) from the write`, 'data', netstat({ timer: 'on', probes: frozen }, 'enter')),
      timing('ss: timer:(on,…) from the write', 'data', state({ side: 'server', state: 'ESTAB', timer: 'on', edge: 'enter' })),
      timing('tail loss probe', 'tlp', packet({ dir: 's2c', class: 'data-retrans', nth: 0 })),
      ...rtos.flatMap((e, i) => [
        timing(e.label, e.id, packet({ dir: 's2c', class: 'data-retrans', nth: i + 1 })),
        timing(`netstat: on (…/${i + 1}/${frozen})`, e.id, netstat({ timer: 'on', count: i + 1, probes: frozen }, 'enter')),
        timing(`ss: timer:(on,…,${i + 1})`, e.id, state({ side: 'server', state: 'ESTAB', timer: 'on', count: i + 1, edge: 'enter' })),
      ]),
      timing(`netstat: probes stay ${frozen} until the end`, 'abort', netstat({ timer: 'on', probes: frozen }, 'leave')),
      timing(`read() fails with ${model.error}`, 'abort', syscall({ side: 'server', error: model.error }), APP_WAKEUP),
      count('keepalive probes (none after the write)', probes.length, packet({ dir: 's2c', class: 'keepalive-probe' })),
      count('retransmissions (TLP + RTO)', rtos.length + 1, packet({ dir: 's2c', class: 'data-retrans' })),
      count('RSTs (tcp_retries2 death sends none)', 0, packet({ class: 'rst' })),
    ];
  },
});
