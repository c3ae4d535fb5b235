// test-syn-ack: a listener that never accepts, and a client that writes later.
//
//   0 s      the server listens and never calls accept(); the client connects:
//            the handshake ACK puts the connection in the accept queue (LISTEN Recv-Q 1)
//   8 s      the client writes 11 bytes: they wait in the server's receive queue
//            (the unaccepted socket shows ESTAB Recv-Q 11)
//   drop-ack variant: only the client's final ACK (and its later bare ACKs) is
//            dropped. The client is ESTABLISHED at once; the server stays in
//            SYN-RECV and retransmits its SYN-ACK at 1, 3, 7 s until the data at
//            8 s completes its side of the handshake.
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { deferAcceptSchedule } from '../harness/model/defer-accept.ts';
import { lostAckSchedule } from '../harness/model/lost-ack.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { count, type ExpectationSpec, scripted, timing } from '../harness/verdict/judge.ts';
import { packet, state, syscall } from '../harness/verdict/match.ts';
import { APP_WAKEUP } from '../harness/verdict/tolerance.ts';

const SERVER_PORT = 7000;
const DATA = 'hello world'; // 11 bytes, as in the notes

export default defineExperiment({
  id: 'test-syn-ack',
  title: 'A listener that never accepts; the client writes at 8 s (variant: the handshake ACK is lost)',
  setup: 'The server listens and never accepts. The client connects and writes 11 bytes at 8 s. Variant: drop only the client\'s final ACK of the handshake.',
  notesSaw:
    'Normal case: LISTEN Recv-Q=1 and 11 bytes queued at the server. Dropped-ACK case: the client is ESTABLISHED at once; ' +
    'the server stays in SYN-RECV and retransmits SYN-ACK at 1, 3, 7 s; the client\'s data at 8 s completes the server\'s handshake.',

  params: {
    send_at: param.seconds(8, 'when the client writes its 11 bytes, seconds after the handshake', { min: 0, max: 3600 }),
    drop_ack: param.flag(false, 'drop the client\'s bare ACKs to the server (its final handshake ACK and the answers to SYN-ACK retransmissions)'),
    tcp_synack_retries: param.count(5, 'net.ipv4.tcp_synack_retries: SYN-ACK retransmissions before a request is dropped', { max: 127 }),
  },
  variants: {
    'drop-ack': {
      summary: 'Only the final ACK of the handshake is lost: SYN-RECV retransmits until the data completes it',
      set: { drop_ack: 1 },
      // SYN-ACKs at 1 and 3 s, data at 4 s.
      fast: { send_at: 4 },
    },
  },
  fast: { send_at: 2 },

  sysctls: (p) => ({ 'net.ipv4.tcp_synack_retries': p.tcp_synack_retries }),

  predict: (p, kernel) =>
    p.drop_ack
      ? lostAckSchedule({ tcp_synack_retries: p.tcp_synack_retries, data_at_s: p.send_at }, kernel)
      : // No deferring: the handshake ACK creates the child at once; the data comes later.
        deferAcceptSchedule({ defer_accept_s: 0, tcp_synack_retries: p.tcp_synack_retries, data_at_s: p.send_at }, kernel),

  async scenario({ p, server, client, firewall, now, at, sleep }) {
    const listener = server.listenWithoutAccept({ port: SERVER_PORT });
    // --tcp-flags ALL ACK: exactly ACK, so the data (PSH+ACK) still gets through.
    if (p.drop_ack) await firewall.drop({ toPort: SERVER_PORT, onlyFlags: 'ACK' });
    const conn = await client.connect({ host: listener.host, port: listener.port });
    await at(now() + p.send_at);
    await conn.write(DATA);
    // Let ss sample the queues after the data (it samples every 0.1 s near predicted events).
    // The listener stays open: closing it would reset the unaccepted connection (an RST
    // the notes never sent); the runner's exit closes it after the capture has stopped.
    await sleep(1);
  },

  anchor: packet({ dir: 's2c', class: 'synack' }),

  expect: (model, p) => {
    const synacks = eventsOf(model, 'synack-retrans');
    const queued = (event: string): ExpectationSpec[] => [
      timing(`LISTEN Recv-Q becomes 1 (accept queue)`, event, state({ side: 'server', state: 'LISTEN', recv_q: 1, edge: 'enter' })),
      count('SYN-ACK retransmissions', synacks.length, packet({ dir: 's2c', class: 'synack-retrans' })),
      count('RSTs sent', 0, packet({ class: 'rst' })),
    ];
    if (!p.drop_ack) {
      return [
        timing('the handshake ACK completes the connection', 'accept', packet({ dir: 'c2s', class: 'ack', nth: 0 })),
        ...queued('accept'),
        scripted(`the client writes ${DATA.length} bytes`, 'data', packet({ dir: 'c2s', class: 'data' })),
        timing(`the unaccepted socket holds them (ESTAB Recv-Q ${DATA.length})`, 'data', state({ side: 'server', state: 'ESTAB', recv_q: DATA.length, edge: 'enter' })),
      ];
    }
    return [
      timing('the client is ESTABLISHED at once: connect() returns', 'established', syscall({ side: 'client', call: 'connect', result: 0 }), APP_WAKEUP),
      ...synacks.map((e, i) => timing(e.label, e.id, packet({ dir: 's2c', class: 'synack-retrans', nth: i }))),
      // Every bare ACK of the client is lost: the handshake's and one per SYN-ACK retransmission.
      count('client ACKs (all dropped)', 1 + synacks.length, packet({ dir: 'c2s', class: 'ack' })),
      scripted(`the client writes ${DATA.length} bytes`, 'accept', packet({ dir: 'c2s', class: 'data' })),
      timing('the server leaves SYN-RECV', 'accept', state({ side: 'server', state: 'SYN-RECV', edge: 'leave' })),
      ...queued('accept'),
      timing(`the new connection holds the data (ESTAB Recv-Q ${DATA.length})`, 'accept', state({ side: 'server', state: 'ESTAB', recv_q: DATA.length, edge: 'enter' })),
    ];
  },
});
