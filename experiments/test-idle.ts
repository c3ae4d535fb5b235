// test-idle: keepalive notices a peer that vanished while the connection was idle.
//
//   0 s      client connects (keepalive IDLE/INTVL/CNT, optional TCP_USER_TIMEOUT)
//   ~0 s     ESTABLISHED → the firewall drops everything, both ways
//   IDLE     first keepalive probe, then one every INTVL
//   …        after CNT unanswered probes (or the user timeout): RST, read() → ETIMEDOUT
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { keepaliveSchedule } from '../harness/model/keepalive.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { count, timing } from '../harness/verdict/judge.ts';
import { packet, syscall } from '../harness/verdict/match.ts';
import { APP_WAKEUP } from '../harness/verdict/tolerance.ts';

export default defineExperiment({
  id: 'test-idle',
  title: 'Keepalive notices a peer that vanished while the connection was idle',
  setup: 'Keepalive IDLE=5, INTVL=3, CNT=3 on the client. Drop everything once ESTABLISHED. The client waits in read().',
  notesSaw:
    'Probes at 5, 8, 11 s; RST and ETIMEDOUT at 14 s. With a user timeout of 3 s it dies at 8 s; with 10 s, at 11 s (CNT is then ignored).',

  params: {
    keepidle: param.seconds(5, 'TCP_KEEPIDLE: idle seconds before the first probe', { min: 1, max: 32767 }),
    keepintvl: param.seconds(3, 'TCP_KEEPINTVL: seconds between probes', { min: 1, max: 32767 }),
    keepcnt: param.count(3, 'TCP_KEEPCNT: unanswered probes before giving up', { min: 1, max: 127 }),
    user_timeout: param.ms(0, 'TCP_USER_TIMEOUT in ms (0 = off); when set, TCP_KEEPCNT is ignored'),
  },
  variants: {
    'user-timeout-3s': {
      summary: 'TCP_USER_TIMEOUT 3 s: dies at the second probe slot (8 s), not after CNT probes',
      set: { user_timeout: 3000 },
      // IDLE=1, INTVL=2: firings at 1, 3 → dies at 3 s, while CNT=3 alone would give 7 s.
      fast: { keepidle: 1, keepintvl: 2, keepcnt: 3, user_timeout: 2000 },
    },
    'user-timeout-10s': {
      summary: 'TCP_USER_TIMEOUT 10 s: dies at the first firing past 10 s (11 s); CNT ignored',
      set: { user_timeout: 10000 },
      // Firings at 1, 2, 3, 4 → dies at 4 s, while CNT=2 alone would give 3 s.
      fast: { keepidle: 1, keepintvl: 1, keepcnt: 2, user_timeout: 3500 },
    },
  },
  fast: { keepidle: 1, keepintvl: 1, keepcnt: 2 },

  predict: (p, kernel) =>
    keepaliveSchedule({ keepidle_s: p.keepidle, keepintvl_s: p.keepintvl, keepcnt: p.keepcnt, user_timeout_ms: p.user_timeout }, kernel),

  async scenario({ p, server, client, firewall }) {
    const listener = await server.listen();
    const conn = await client.connect(listener, {
      keepalive: { idle_s: p.keepidle, interval_s: p.keepintvl, count: p.keepcnt },
      user_timeout_ms: p.user_timeout,
    });
    await listener.accepted();

    // The moment: once ESTABLISHED, the peer vanishes.
    await firewall.dropAll();

    // The client only reads, so its send queue stays empty and keepalive runs.
    await conn.waitForError();
  },

  // keepalive_time_elapsed() counts from the moment the client processed the
  // SYN-ACK; tcp_finish_connect() arms the timer then and the client's ACK goes
  // out right after. Under load the SYN-ACK's capture time can precede that
  // processing by milliseconds, so the ACK is the closer witness.
  anchor: packet({ dir: 'c2s', class: 'ack' }),
  // Without a capture (--observers minimal): connect() resolves once that ACK is out.
  anchorCall: { observe: syscall({ side: 'client', call: 'connect' }), lag: APP_WAKEUP },

  expect: (model) => {
    const probes = eventsOf(model, 'probe');
    return [
      ...probes.map((e, i) => timing(e.label, e.id, packet({ dir: 'c2s', class: 'keepalive-probe', nth: i }))),
      timing('RST when keepalive gives up', 'abort', packet({ dir: 'c2s', class: 'rst' })),
      timing(`read() fails with ${model.error}`, 'abort', syscall({ side: 'client', error: model.error }), APP_WAKEUP),
      count('keepalive probes sent', probes.length, packet({ dir: 'c2s', class: 'keepalive-probe' })),
      count('RSTs sent', 1, packet({ dir: 'c2s', class: 'rst' })),
    ];
  },
});
