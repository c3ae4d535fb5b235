// test-accept-defer: TCP_DEFER_ACCEPT keeps a finished handshake out of the accept
// queue until data arrives.
//
//   0 s      the listener has TCP_DEFER_ACCEPT 10 s (the kernel keeps it as 4 SYN-ACK
//            slots: 1+2+4+8 = 15 s); the client connects: the server drops its bare
//            ACK and stays in SYN-RECV, LISTEN Recv-Q 0
//   1, 3, 7 s the request timer fires and sends nothing (retransmit count stays 0)
//   8 s      the client's data creates the connection: ESTAB, LISTEN Recv-Q 1
//   send-at-20s variant: at the 15 s slot the deferring ends: one SYN-ACK, the
//            client's ACK creates the connection without data, and the data only
//            comes at 20 s (an application would wait in read() for it)
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { deferAcceptSchedule } from '../harness/model/defer-accept.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { count, type ExpectationSpec, scripted, timing } from '../harness/verdict/judge.ts';
import { packet, state } from '../harness/verdict/match.ts';

const SERVER_PORT = 7000;
const DATA = 'hello world';

export default defineExperiment({
  id: 'test-accept-defer',
  title: 'TCP_DEFER_ACCEPT: the handshake waits in SYN-RECV for data; SYN-ACKs resume only at the end of the deferral',
  setup: 'TCP_DEFER_ACCEPT=10 s on the listener. The client sends at 8 s; variant at 20 s.',
  notesSaw:
    'At 8 s: SYN-RECV until the data arrives, no SYN-ACK retransmits, retrans counter 0, LISTEN Recv-Q 0 until the data arrives. ' +
    'At 20 s: one SYN-ACK at the 15 s slot, then the connection becomes ESTABLISHED without data, so the application waits for its read.',

  params: {
    defer_accept: param.seconds(10, 'TCP_DEFER_ACCEPT on the listener, seconds', { min: 0, max: 100_000 }),
    send_at: param.seconds(8, 'when the client writes its first data, seconds after the handshake', { min: 0, max: 3600 }),
    tcp_synack_retries: param.count(5, 'net.ipv4.tcp_synack_retries', { max: 127 }),
  },
  variants: {
    'send-at-20s': {
      summary: 'The data comes after the deferral: one SYN-ACK at the 15 s slot makes the connection, empty, 5 s before the data',
      set: { send_at: 20 },
      // defer 2 s → 2 slots: silent at 1 s, SYN-ACK at 3 s; data at 5 s.
      fast: { defer_accept: 2, send_at: 5 },
    },
  },
  // defer 2 s → silent timer at 1 s, SYN-ACK slot at 3 s; the data at 2 s comes first.
  fast: { defer_accept: 2, send_at: 2 },

  sysctls: (p) => ({ 'net.ipv4.tcp_synack_retries': p.tcp_synack_retries }),

  predict: (p, kernel) =>
    deferAcceptSchedule({ defer_accept_s: p.defer_accept, tcp_synack_retries: p.tcp_synack_retries, data_at_s: p.send_at }, kernel),

  async scenario({ p, server, client, now, at, sleep }) {
    const listener = server.listenWithoutAccept({ port: SERVER_PORT, options: { defer_accept_s: p.defer_accept } });
    // The client's side of the handshake completes at once.
    const conn = await client.connect({ host: listener.host, port: listener.port });
    await at(now() + p.send_at);
    await conn.write(DATA);
    // Let ss sample the queues after the data; the listener stays open (closing it
    // would reset the unaccepted connection).
    await sleep(1);
  },

  anchor: packet({ dir: 's2c', class: 'synack' }),

  expect: (model) => {
    const has = (id: string) => model.events.some((e) => e.id === id);
    const synacks = eventsOf(model, 'synack-retrans');
    const dataId = has('data') ? 'data' : 'accept';
    const specs: ExpectationSpec[] = [
      count('SYN-ACK retransmissions', synacks.length, packet({ dir: 's2c', class: 'synack-retrans' })),
      // The handshake's bare ACK reaches the server (the kernel ignores it; no firewall
      // here), and each retransmitted SYN-ACK gets one more.
      count('client bare ACKs', 1 + synacks.length, packet({ dir: 'c2s', class: 'ack' })),
      ...synacks.map((e, i) => timing(e.label, e.id, packet({ dir: 's2c', class: 'synack-retrans', nth: i }))),
      timing('the request leaves SYN-RECV', 'accept', state({ side: 'server', state: 'SYN-RECV', edge: 'leave' })),
      timing('LISTEN Recv-Q becomes 1 (accept queue)', 'accept', state({ side: 'server', state: 'LISTEN', recv_q: 1, edge: 'enter' })),
      scripted(`the client writes ${DATA.length} bytes`, dataId, packet({ dir: 'c2s', class: 'data' })),
      timing(`the connection holds them (ESTAB Recv-Q ${DATA.length})`, dataId, state({ side: 'server', state: 'ESTAB', recv_q: DATA.length, edge: 'enter' })),
      count('RSTs sent', 0, packet({ class: 'rst' })),
    ];
    if (has('data')) {
      // ESTABLISHED by the ACK answering the SYN-ACK: accept() would return, read() would wait.
      specs.push(timing('ESTABLISHED without data (ESTAB Recv-Q 0)', 'accept', state({ side: 'server', state: 'ESTAB', recv_q: 0, edge: 'enter' })));
      specs.push(timing('the client ACKs the retransmitted SYN-ACK', 'accept', packet({ dir: 'c2s', class: 'ack', nth: 1 })));
    }
    return specs;
  },
});
