// test-zero: a receiver whose window stays closed, then vanishes: zero-window
// probes back off until tcp_retries2 probes went unanswered.
//
//   0 s      the server (SO_RCVBUF small) accepts and never reads; the client connects
//   ~0 s     the client writes 64 KiB chunks until the kernel refuses (EAGAIN)
//   anchor   the server's last zero-window ACK: nothing in flight, data queued, so the
//            persist timer is armed (tcp_check_probe_timer / tcp_ack_probe)
//   ~0 s     the firewall drops everything, both ways
//   …        window probes doubling from icsk_rto, capped at 120 s
//   …        after tcp_retries2 unanswered probes (or the user timeout): ETIMEDOUT, no RST
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { loopbackRtoAfterDelayedAck } from '../harness/model/loopback.ts';
import { persistSchedule } from '../harness/model/persist.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { count, timing } from '../harness/verdict/judge.ts';
import { packet, syscall } from '../harness/verdict/match.ts';
import { APP_WAKEUP } from '../harness/verdict/tolerance.ts';

const FIRST_PROBE = packet({ dir: 'c2s', class: 'window-probe' });

export default defineExperiment({
  id: 'test-zero',
  title: 'Zero-window probes to a receiver that vanished: persist timer backoff, then ETIMEDOUT',
  setup:
    'The server sets SO_RCVBUF=1024, accepts and never reads. The client writes 64 KiB chunks until the kernel refuses; once the window is ' +
    'closed and nothing is in flight, everything is dropped. Variant: TCP_USER_TIMEOUT 60 s.',
  notesSaw:
    'Zero-window probes at 0.46, 0.87, 1.7, 3.4, 6.7, 13.8, 27.1, 53.8, 107.5 s …; ETIMEDOUT after the 15th probe, 951 s after the start; ' +
    'no FIN or RST, the server stays ESTABLISHED. With a 60 s user timeout: death at 107.5 s, the first probe after 60 s (4.19: no clamp).',

  params: {
    tcp_retries2: param.count(15, 'net.ipv4.tcp_retries2: unanswered zero-window probes before ETIMEDOUT', { max: 255 }),
    user_timeout: param.ms(0, 'TCP_USER_TIMEOUT in ms on the client (0 = off)'),
    rcvbuf: param.bytes(1024, 'SO_RCVBUF on the server (the kernel doubles it): a window that closes at once', { min: 1 }),
  },
  variants: {
    'user-timeout-60s': {
      summary: 'TCP_USER_TIMEOUT 60 s: on 5.11+ the probe timer is clamped to it, so death comes about 60 s after the first probe',
      set: { user_timeout: 60_000 },
      // 2 s: probes at ~0.2, 0.6, 1.4 s, then the clamped timer ends it ~2 s after the first.
      fast: { user_timeout: 2000, tcp_retries2: 15 },
    },
  },
  // tcp_retries2 3: three probes (~0.2, 0.6, 1.4 s), ETIMEDOUT at the next firing (~3 s).
  fast: { tcp_retries2: 3 },

  sysctls: (p) => ({ 'net.ipv4.tcp_retries2': p.tcp_retries2 }),

  // The ACK that closes the window is a delayed ACK: its RTT sample makes the RTO 208 ms.
  predict: (p, kernel, rtt) => persistSchedule({ rto_s: loopbackRtoAfterDelayedAck(kernel, rtt?.client_s), tcp_retries2: p.tcp_retries2, user_timeout_ms: p.user_timeout }, kernel),

  async scenario({ p, server, client, firewall }) {
    const listener = server.listenWithoutAccept({ options: { rcvbuf: p.rcvbuf } });
    const conn = await client.connect(listener, { user_timeout_ms: p.user_timeout });
    listener.accept(); // the server accepts and never reads

    const out = conn.holdFd();
    out.fillSendBuffer();
    if (!(await out.waitForZeroWindow(5))) throw new Error('the window never closed');

    // The moment: the receiver vanishes while its window is closed.
    await firewall.dropAll();
    await conn.waitForError();
  },

  // tcp_ack_probe() re-arms the persist timer at every zero-window ACK while data waits.
  anchor: packet({ dir: 's2c', win: 0, before: FIRST_PROBE, nth: -1 }),

  expect: (model) => {
    const probes = eventsOf(model, 'zwp');
    return [
      ...probes.map((e, i) => timing(e.label, e.id, packet({ dir: 'c2s', class: 'window-probe', nth: i }))),
      timing(`read() fails with ${model.error}`, 'abort', syscall({ side: 'client', error: model.error }), APP_WAKEUP),
      count('zero-window probes', probes.length, packet({ dir: 'c2s', class: 'window-probe' })),
      count('FINs sent', 0, packet({ class: 'fin' })),
      count('RSTs sent', 0, packet({ class: 'rst' })),
    ];
  },
});
