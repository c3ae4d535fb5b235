// test-syn-recv: the server's SYN-ACKs never arrive.
//
//   before   the firewall drops everything the server sends
//   0 s      the client connects (non-blocking): SYN → the server's request socket
//            (SYN-RECV) answers with a SYN-ACK, which is lost
//            default: the client closes at once; it sends nothing (no FIN, no RST)
//   1, 3, 7 … the server retransmits its SYN-ACK (tcp_synack_retries of them)
//   …        the request socket disappears without FIN or RST
//   no-close variant: the client keeps retransmitting its SYN; each one is answered
//            by a SYN-ACK and pushes the server's request timer out, until both give up
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { optionalSysctl } from '../harness/experiment/sysctls.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { synPairSchedule, synRecvCountAt } from '../harness/model/syn-pair.ts';
import { synRecvSchedule } from '../harness/model/syn.ts';
import { ConnectError } from '../harness/runner/scenario.ts';
import { count, type ExpectationSpec, outcome, timing } from '../harness/verdict/judge.ts';
import { packet, state, syscall } from '../harness/verdict/match.ts';
import { APP_WAKEUP } from '../harness/verdict/tolerance.ts';

const SERVER_PORT = 7000;

export default defineExperiment({
  id: 'test-syn-recv',
  title: 'The server\'s SYN-ACKs are lost: SYN-RECV retransmits, then vanishes silently',
  setup: 'Drop everything from the server port. The client connects (non-blocking) and closes at once. Variant: the client does not close.',
  notesSaw:
    'The server stays in SYN-RECV and retransmits SYN-ACK at 1, 3, 7, 15, 31 s; it is gone at 63 s (tcp_synack_retries=5) without FIN or RST. ' +
    'TCP_USER_TIMEOUT has no effect on it. Without the close both sides retransmit until both time out (at 15.4 s ss showed SYN-SENT count 4, SYN-RECV count 8).',

  params: {
    tcp_synack_retries: param.count(5, 'net.ipv4.tcp_synack_retries: SYN-ACK retransmissions before the request is dropped', { max: 127 }),
    close: param.flag(true, 'the client closes its socket right after the non-blocking connect()'),
    tcp_syn_retries: param.count(6, 'net.ipv4.tcp_syn_retries: the client\'s SYN retransmissions (matters without the close)', { min: 1, max: 127 }),
    tcp_syn_linear_timeouts: param.count(4, 'net.ipv4.tcp_syn_linear_timeouts (6.5+); absent before 6.5', { max: 127 }),
  },
  variants: {
    'no-close': {
      summary: 'The client keeps its SYN-SENT socket: both sides retransmit until both time out',
      set: { close: 0 },
      // Client: SYNs at 1, 2 s and ETIMEDOUT at 3 s (time bound of 1 retry); server: SYN-ACKs at 1, 1, 2, 4 s, dropped at 8 s.
      fast: { tcp_syn_retries: 1, tcp_synack_retries: 2 },
    },
  },
  // SYN-ACKs at 1, 3 s; the request is dropped at 7 s.
  fast: { tcp_synack_retries: 2 },

  sysctls: (p) => ({
    'net.ipv4.tcp_synack_retries': p.tcp_synack_retries,
    'net.ipv4.tcp_syn_retries': p.tcp_syn_retries,
    [optionalSysctl('net.ipv4.tcp_syn_linear_timeouts')]: p.tcp_syn_linear_timeouts,
  }),

  predict: (p, kernel) =>
    p.close
      ? synRecvSchedule({ tcp_synack_retries: p.tcp_synack_retries }, kernel)
      : synPairSchedule(
          { tcp_synack_retries: p.tcp_synack_retries, tcp_syn_retries: p.tcp_syn_retries, tcp_syn_linear_timeouts: p.tcp_syn_linear_timeouts },
          kernel,
        ),

  async scenario({ p, server, client, firewall, at, predictedEnd_s }) {
    const listener = server.listenWithoutAccept({ port: SERVER_PORT });
    await firewall.drop({ fromPort: SERVER_PORT });
    const pending = client.open({ host: listener.host, port: listener.port });
    if (p.close) {
      await pending.close();
    } else {
      try {
        await pending.established;
      } catch (err) {
        if (!(err instanceof ConnectError)) throw err;
      }
    }
    // Outlast the request socket, so ss sees it go. Each timer fires at most one
    // wheel granule late, and from 252 ms up a granule is at most 8/63 of its
    // delay (timer-wheel.ts), so these chains of 1 s and longer timers end
    // within 13 % past their nominal end; the extra second is for ss to sample.
    await at(predictedEnd_s * 1.13 + 1);
    listener.close();
  },

  anchor: packet({ dir: 'c2s', class: 'syn' }),

  expect: (model, p) => {
    const synacks = eventsOf(model, 'synack-retrans');
    const drops = eventsOf(model, 'drop');
    const common: ExpectationSpec[] = [
      ...synacks.map((e, i) => timing(e.label, e.id, packet({ dir: 's2c', class: 'synack-retrans', nth: i }))),
      timing('the request socket is gone from ss (SYN-RECV)', drops.at(-1)!.id, state({ side: 'server', state: 'SYN-RECV', edge: 'leave' })),
      count('SYN-ACK retransmissions', synacks.length, packet({ dir: 's2c', class: 'synack-retrans' })),
      count('FINs sent', 0, packet({ class: 'fin' })),
      count('RSTs sent', 0, packet({ class: 'rst' })),
    ];
    if (p.close) return [...common, count('client SYN retransmissions after its close', 0, packet({ dir: 'c2s', class: 'syn-retrans' }))];
    const syns = eventsOf(model, 'syn-retrans');
    const fresh = eventsOf(model, 'synack-new');
    const error = model.error ?? 'ETIMEDOUT';
    // ss's SYN-RECV count is req->num_retrans: timer and SYN-driven SYN-ACKs alike
    // (the notes saw 8 at 15.4 s on 4.19). Its peak: the first request's last SYN-ACK.
    const firstDrop = model.events.find((e) => e.id === 'drop-1')!;
    const peak = synacks.filter((e) => e.at_s < firstDrop.at_s).at(-1);
    const peakCount = peak ? synRecvCountAt(model, peak.at_s) : 0;
    return [
      ...(peak ? [timing(`ss: SYN-RECV retransmit count reaches ${peakCount}`, peak.id, state({ side: 'server', state: 'SYN-RECV', count: peakCount, edge: 'enter' }))] : []),
      ...syns.map((e, i) => timing(e.label, e.id, packet({ dir: 'c2s', class: 'syn-retrans', nth: i }))),
      // A SYN-ACK with a new ISN: the expired request was replaced by a new one.
      ...fresh.map((e, i) => timing(e.label, e.id, packet({ dir: 's2c', class: 'synack', nth: i + 1 }))),
      ...common,
      timing(`the client's connect() fails with ${error}`, 'abort', syscall({ side: 'client', call: 'connect', error }), APP_WAKEUP),
      timing('the client is gone from ss (SYN-SENT)', 'abort', state({ side: 'client', state: 'SYN-SENT', edge: 'leave' })),
      outcome('connect() result', syscall({ side: 'client', call: 'connect' }), error),
      count('client SYN retransmissions', syns.length, packet({ dir: 'c2s', class: 'syn-retrans' })),
      count('request sockets created', 1 + fresh.length, packet({ dir: 's2c', class: 'synack' })),
    ];
  },
});
