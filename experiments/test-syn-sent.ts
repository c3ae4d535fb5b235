// test-syn-sent: connect() to a server that never answers.
//
//   before   the firewall drops everything sent to the server port
//   0 s      the client connects (optional TCP_SYNCNT, TCP_USER_TIMEOUT): SYN
//   1 s …    SYN retransmissions (6.5+: the first tcp_syn_linear_timeouts at 1 s
//            intervals, then doubling); ss shows SYN-SENT timer:(on,…,N)
//   …        connect() fails with ETIMEDOUT; no RST is sent
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { optionalSysctl } from '../harness/experiment/sysctls.ts';
import { synSentSchedule } from '../harness/model/syn.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { ConnectError } from '../harness/runner/scenario.ts';
import { count, outcome, timing } from '../harness/verdict/judge.ts';
import { packet, state, syscall } from '../harness/verdict/match.ts';
import { APP_WAKEUP } from '../harness/verdict/tolerance.ts';

const SERVER_PORT = 7000;

export default defineExperiment({
  id: 'test-syn-sent',
  title: 'connect() to a server that never answers: SYN retransmissions, then ETIMEDOUT',
  setup: 'Drop everything sent to the server port, then connect. Variants: TCP_USER_TIMEOUT 5 s; TCP_SYNCNT.',
  notesSaw:
    'SYNs at 1, 3, 7, 15 s and ETIMEDOUT at 31.6 s: 4 retries, not the expected 6 (suspected a kernel bug; the original blog saw 6 and ~130 s). ' +
    'With a user timeout of 5 s the connect fails at 5 s, not at the 7 s retry. ss shows SYN-SENT … timer:(on,…,N).',

  params: {
    tcp_syn_retries: param.count(6, 'net.ipv4.tcp_syn_retries: SYN retransmissions before connect() gives up', { min: 1, max: 127 }),
    tcp_syn_linear_timeouts: param.count(4, 'net.ipv4.tcp_syn_linear_timeouts (6.5+): first SYN backoffs kept at 1 s; absent before 6.5', {
      max: 127,
    }),
    syncnt: param.count(0, 'TCP_SYNCNT on the client (0 = unset): overrides tcp_syn_retries', { max: 127 }),
    user_timeout: param.ms(0, 'TCP_USER_TIMEOUT in ms on the client (0 = off)'),
  },
  variants: {
    'user-timeout-5s': {
      summary: 'TCP_USER_TIMEOUT 5 s: connect() fails at 5 s, whatever the retry count',
      set: { user_timeout: 5000 },
      // 2.5 s falls between the 2 s and 3 s retries: the clamped RTO, not a retry slot, ends it.
      fast: { user_timeout: 2500 },
    },
    syncnt: {
      summary: 'TCP_SYNCNT 3 on the socket overrides tcp_syn_retries (6)',
      set: { syncnt: 3 },
      // syncnt 2 with tcp_syn_retries left at 6: the socket option, not the sysctl, sets the limit.
      fast: { syncnt: 2, tcp_syn_retries: 6 },
    },
    'count-limit': {
      summary: 'A long TCP_USER_TIMEOUT replaces the time bound: the retry count (6.5+: tcp_syn_retries + tcp_syn_linear_timeouts) ends connect()',
      set: { user_timeout: 600_000 },
      // tcp_syn_retries 1: without the user timeout the 3 s time bound would end it;
      // with 30 s, 6.5+ sends 1 + 4 retransmissions (1..5 s) and fails at the 7 s firing.
      fast: { tcp_syn_retries: 1, user_timeout: 30_000 },
    },
  },
  // tcp_syn_retries 2: on 6.5+ the count limit is 2 + 4, but the time bound
  // tcp_model_timeout(2, 1 s) = 7 s ends connect() first (SYNs at 1..5 s, ETIMEDOUT at 7 s).
  fast: { tcp_syn_retries: 2 },

  sysctls: (p) => ({
    'net.ipv4.tcp_syn_retries': p.tcp_syn_retries,
    [optionalSysctl('net.ipv4.tcp_syn_linear_timeouts')]: p.tcp_syn_linear_timeouts,
  }),

  predict: (p, kernel) =>
    synSentSchedule(
      { tcp_syn_retries: p.tcp_syn_retries, tcp_syn_linear_timeouts: p.tcp_syn_linear_timeouts, syncnt: p.syncnt, user_timeout_ms: p.user_timeout },
      kernel,
    ),

  async scenario({ p, client, firewall, mark, sleep }) {
    // Nobody listens: the drop makes the server port a black hole (no RST either).
    await firewall.drop({ toPort: SERVER_PORT });
    try {
      await client.connect({ host: '127.0.0.1', port: SERVER_PORT }, { syncnt: p.syncnt || undefined, user_timeout_ms: p.user_timeout });
      mark('unexpected: connect() succeeded');
    } catch (err) {
      if (!(err instanceof ConnectError)) throw err;
    }
    // Let ss sample once more, so it sees SYN-SENT gone (past the predicted
    // events it samples every second).
    await sleep(1.2);
  },

  anchor: packet({ dir: 'c2s', class: 'syn' }),

  expect: (model) => {
    const retrans = eventsOf(model, 'syn-retrans');
    const error = model.error ?? 'ETIMEDOUT';
    return [
      ...retrans.map((e, i) => timing(e.label, e.id, packet({ dir: 'c2s', class: 'syn-retrans', nth: i }))),
      timing(`connect() fails with ${error}`, 'abort', syscall({ side: 'client', call: 'connect', error }), APP_WAKEUP),
      timing('SYN-SENT is gone from ss', 'abort', state({ side: 'client', state: 'SYN-SENT', edge: 'leave' })),
      outcome('connect() result', syscall({ side: 'client', call: 'connect' }), error),
      count('SYN retransmissions', retrans.length, packet({ dir: 'c2s', class: 'syn-retrans' })),
      count('RSTs sent', 0, packet({ class: 'rst' })),
    ];
  },
});
