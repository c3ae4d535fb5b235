// netstat-keepalive: the netstat notes' "port 1" — a server with keepalive
// IDLE=30, INTVL=10, PROBES=4 whose client went silent, watched with netstat -o and ss -o.
//
//   0 s      the client connects; the server sets keepalive on the accepted socket
//   ~0 s     the firewall drops everything (the client machine is "shut down")
//   30 s     first probe: netstat `keepalive (9.99/0/1)`, ss `timer:(keepalive,…,1)`
//   40, 50, 60 s  probes 2, 3, 4: the third field counts them, the timer counts down 10 s
//   70 s     no answer to the 4th probe: RST, ETIMEDOUT; the socket is gone
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { keepaliveSchedule } from '../harness/model/keepalive.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { count, timing } from '../harness/verdict/judge.ts';
import { packet, state, syscall } from '../harness/verdict/match.ts';
import { APP_WAKEUP } from '../harness/verdict/tolerance.ts';

export default defineExperiment({
  id: 'netstat-keepalive',
  title: 'netstat -o while keepalive probes a silent peer: the probe count climbs 1..4, then the connection is dropped',
  setup: 'Keepalive IDLE=30, INTVL=10, PROBES=4 on the server side; the client goes silent. ss -o and netstat -o are both sampled.',
  notesSaw:
    'keepalive (1.92/0/0) … (0.17/0/1) … the timer counts down 10 s cycles while the third field (probes sent) goes 1, 2, 3, 4; ' +
    'the server drops the connection after the 4th unanswered probe.',

  params: {
    keepidle: param.seconds(30, 'TCP_KEEPIDLE on the server socket', { min: 1, max: 32767 }),
    keepintvl: param.seconds(10, 'TCP_KEEPINTVL on the server socket', { min: 1, max: 32767 }),
    keepcnt: param.count(4, 'TCP_KEEPCNT on the server socket (the notes\' KEEPALIVE_NUMPROBES)', { min: 1, max: 127 }),
  },
  // Same four probes, one second apart.
  fast: { keepidle: 1, keepintvl: 1, keepcnt: 4 },
  netstat: true,

  predict: (p, kernel) => keepaliveSchedule({ keepidle_s: p.keepidle, keepintvl_s: p.keepintvl, keepcnt: p.keepcnt, user_timeout_ms: 0 }, kernel),

  async scenario({ p, server, client, firewall }) {
    const listener = await server.listen();
    await client.connect(listener);
    const conn = await listener.accepted({ keepalive: { idle_s: p.keepidle, interval_s: p.keepintvl, count: p.keepcnt } });

    // The client machine goes away: nothing reaches either side any more.
    await firewall.dropAll();

    // The server only reads, so its send queue stays empty and keepalive runs.
    await conn.waitForError();
  },

  // The accepted socket's keepalive counts from the last packet it received: the
  // client's handshake ACK (which created it).
  anchor: packet({ dir: 'c2s', class: 'ack' }),

  expect: (model) => {
    const probes = eventsOf(model, 'probe');
    const netstat = (probesSent: number, edge: 'enter' | 'leave') =>
      state({ source: 'netstat', side: 'server', state: 'ESTABLISHED', timer: 'keepalive', probes: probesSent, edge });
    return [
      ...probes.map((e, i) => timing(e.label, e.id, packet({ dir: 's2c', class: 'keepalive-probe', nth: i }))),
      timing('netstat: keepalive (…/0/0) until probe 1', 'probe-1', netstat(0, 'leave')),
      ...probes.map((e, i) => timing(`netstat: keepalive (…/0/${i + 1})`, e.id, netstat(i + 1, 'enter'))),
      ...probes.map((e, i) =>
        timing(`ss: timer:(keepalive,…,${i + 1})`, e.id, state({ side: 'server', state: 'ESTAB', timer: 'keepalive', count: i + 1, edge: 'enter' })),
      ),
      timing('RST when keepalive gives up', 'abort', packet({ dir: 's2c', class: 'rst' })),
      timing(`netstat: (…/0/${probes.length}) until the drop`, 'abort', netstat(probes.length, 'leave')),
      timing('ss: the server socket is gone', 'abort', state({ side: 'server', state: 'ESTAB', edge: 'leave' })),
      timing(`read() fails with ${model.error}`, 'abort', syscall({ side: 'server', error: model.error }), APP_WAKEUP),
      count('keepalive probes sent', probes.length, packet({ dir: 's2c', class: 'keepalive-probe' })),
      count('RSTs sent', 1, packet({ class: 'rst' })),
    ];
  },
});
