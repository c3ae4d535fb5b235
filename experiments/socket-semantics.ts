// socket-semantics: the notes' "other" list — what read() and write() return after
// your own shutdown/close, and after the connection died abnormally.
//
//   default       the client shuts down its read side (read → EOF at once; the server's
//                 data is still ACKed and queued), then its write side (write → EPIPE),
//                 then closes (read/write → EBADF)
//   timeout       the peer vanishes; keepalive gives up → the first call gets ETIMEDOUT
//   fin-rst       the peer sends FIN, then RST (it closed with our data unread) → EPIPE
//   rst           the peer sends only RST → ECONNRESET
//                 … and after that read gives EOF, write gives EPIPE
//   *-read/-write which call comes first after the death
//   accept-queue  LISTEN Recv-Q counts the accept queue, not the SYN queue
// The results come from the kernel's logic (model/semantics.ts); the notes' general
// rule "the first call, read or write, reports EPIPE after FIN then RST" is tested
// against it with a read first (fin-rst-read).
import { defineExperiment } from '../harness/experiment/define.ts';
import { param } from '../harness/experiment/params.ts';
import { HELLO, stepParam } from '../harness/experiment/script-experiment.ts';
import { keepaliveSchedule } from '../harness/model/keepalive.ts';
import { eventsOf } from '../harness/model/schedule.ts';
import { type ScriptStep, scriptPrediction } from '../harness/model/script-schedule.ts';
import { listenRecvQ } from '../harness/model/semantics.ts';
import { acceptQueueSchedule } from '../harness/model/socket-semantics.ts';
import type { ScenarioContext } from '../harness/runner/scenario.ts';
import { performScriptOnPair } from '../harness/runner/script.ts';
import { count, type ExpectationSpec, outcome, scripted, timing } from '../harness/verdict/judge.ts';
import { packet, state, syscall } from '../harness/verdict/match.ts';
import { callExpectations, scriptExpectations } from '../harness/verdict/script-expectations.ts';

const params = {
  step: stepParam,
  peer_fin: param.flag(false, 'the peer shuts down its write side first: FIN (server shutdown SHUT_WR)'),
  peer_rst: param.flag(false, 'the peer resets: the server closes with the client\'s data unread (RST)'),
  peer_silent: param.flag(false, 'the peer vanishes (everything dropped) and the client\'s keepalive gives up'),
  read_first: param.flag(false, 'the first call after the death is read() (otherwise write())'),
  accept_queue: param.flag(false, 'instead: LISTEN Recv-Q with one connection accepted-ready and one stuck in SYN-RECV'),
  keepidle: param.seconds(5, 'TCP_KEEPIDLE of the client (peer_silent)', { min: 1, max: 32767 }),
  keepintvl: param.seconds(3, 'TCP_KEEPINTVL of the client (peer_silent)', { min: 1, max: 32767 }),
  keepcnt: param.count(3, 'TCP_KEEPCNT of the client (peer_silent)', { min: 1, max: 127 }),
};
type P = { [K in keyof typeof params]: number };

function script(p: P): ScriptStep[] {
  const gap = p.step / 1000;
  const read = (after_s: number) => ({ after_s, side: 'client', call: 'read' }) as const;
  const write = (after_s: number, side: 'client' | 'server' = 'client') => ({ after_s, side, call: 'write', bytes: HELLO }) as const;
  if (!p.peer_fin && !p.peer_rst && !p.peer_silent) {
    return [
      { after_s: gap, side: 'client', call: 'shutdown', how: 'SHUT_RD' },
      read(0), // EOF at once, though nothing was sent
      write(gap, 'server'), // still ACKed, still queued
      read(gap),
      read(0),
      { after_s: gap, side: 'client', call: 'shutdown', how: 'SHUT_WR' },
      write(gap), // EPIPE
      { after_s: gap, side: 'client', call: 'close' },
      read(0), // EBADF
      write(0), // EBADF
    ];
  }
  const first = p.read_first ? read : write;
  const death: ScriptStep[] = p.peer_silent
    ? [
        { after_s: 0, network: 'silent' },
        { after_s: 0, side: 'client', timeout: 'keepalive' },
      ]
    : [
        write(gap), // data the server never reads
        ...(p.peer_fin ? [{ after_s: gap, side: 'server', call: 'shutdown', how: 'SHUT_WR' } as const] : []),
        ...(p.peer_rst ? [{ after_s: gap, side: 'server', call: 'close' } as const] : []),
      ];
  return [...death, first(p.peer_silent ? 0 : gap), read(gap), write(gap)];
}

function check(p: P): void {
  if (p.peer_silent && (p.peer_fin || p.peer_rst)) throw new Error('peer_silent cannot be combined with peer_fin or peer_rst');
  if (p.accept_queue && (p.peer_fin || p.peer_rst || p.peer_silent)) throw new Error('accept_queue is a form of its own: no peer_* with it');
}

const keepalive = (p: P) => ({ keepidle_s: p.keepidle, keepintvl_s: p.keepintvl, keepcnt: p.keepcnt, user_timeout_ms: 0 });

export default defineExperiment({
  id: 'socket-semantics',
  title: 'What read() and write() return after your own shutdown/close, and after an abnormal death',
  setup: 'The notes\' "other" list, one situation per variant (see the file header).',
  notesSaw:
    'read/write after your own close → EBADF. Write after your own SHUT_WR → EPIPE. Read after SHUT_RD → EOF (even with nothing received), ' +
    'while incoming data is still ACKed (no zero window). The first call, read or write, after an abnormal death reports ETIMEDOUT (timeout), ' +
    'EPIPE (FIN then RST) or ECONNRESET (RST only); after that read gives EOF and write EPIPE. LISTEN Recv-Q counts the accept queue, not the SYN queue.',

  params,
  variants: {
    timeout: { summary: 'keepalive gives up: the first call (read) gets ETIMEDOUT, then EOF / EPIPE', set: { peer_silent: 1, read_first: 1 } },
    'timeout-write': { summary: 'keepalive gives up: the first call (write) gets ETIMEDOUT', set: { peer_silent: 1 } },
    'fin-rst': { summary: 'FIN then RST: the first call (write) gets EPIPE, then read EOF, write EPIPE', set: { peer_fin: 1, peer_rst: 1 } },
    'fin-rst-read': {
      summary: 'FIN then RST, read first: EOF (SOCK_DONE is tested before sk_err); the pending EPIPE goes to the next write',
      set: { peer_fin: 1, peer_rst: 1, read_first: 1 },
    },
    rst: { summary: 'RST only: the first call (read) gets ECONNRESET, then EOF / EPIPE', set: { peer_rst: 1, read_first: 1 } },
    'rst-write': { summary: 'RST only: the first call (write) gets ECONNRESET', set: { peer_rst: 1 } },
    'accept-queue': {
      summary: 'LISTEN Recv-Q stays 1 while a second connection sits in SYN-RECV, 2 once its handshake completes',
      // B's data must come before the first SYN-ACK retransmission (TCP_TIMEOUT_INIT, 1 s).
      set: { accept_queue: 1, step: 400 },
    },
  },
  // keepalive 1/1/1: one probe at 1 s, ETIMEDOUT at 2 s; the scripts only need a short step.
  fast: { step: 200, keepidle: 1, keepintvl: 1, keepcnt: 1 },

  predict: (p, kernel) => {
    check(p);
    if (p.accept_queue) return acceptQueueSchedule({ step_s: p.step / 1000 });
    if (p.peer_silent) return keepaliveSchedule(keepalive(p), kernel);
    return scriptPrediction(script(p), { acksOfData: true }).schedule;
  },

  async scenario(ctx) {
    const { p } = ctx;
    if (p.accept_queue) return acceptQueueScenario(ctx);
    const options = p.peer_silent ? { keepalive: { idle_s: p.keepidle, interval_s: p.keepintvl, count: p.keepcnt } } : {};
    await performScriptOnPair(script(p), ctx, options);
  },

  anchor: packet({ dir: 'c2s', class: 'ack' }),

  expect: (model, p) => {
    if (p.accept_queue) return acceptQueueExpectations();
    const prediction = scriptPrediction(script(p), { acksOfData: true });
    if (!p.peer_silent) {
      return [
        ...scriptExpectations(prediction),
        // The notes: SHUT_RD does not make the receiver advertise a zero window.
        count('zero-window segments from the client', 0, packet({ dir: 'c2s', win: 0 })),
      ];
    }
    const probes = eventsOf(model, 'probe');
    return [
      ...probes.map((e, i) => timing(e.label, e.id, packet({ dir: 'c2s', class: 'keepalive-probe', nth: i }))),
      timing('RST when keepalive gives up', 'abort', packet({ dir: 'c2s', class: 'rst' })),
      timing('client leaves ESTAB (ss)', 'abort', state({ side: 'client', state: 'ESTAB', edge: 'leave' })),
      ...callExpectations(prediction, { timed: false }),
      count('keepalive probes sent', probes.length, packet({ dir: 'c2s', class: 'keepalive-probe' })),
      count('RSTs from the client', 1, packet({ dir: 'c2s', class: 'rst' })),
    ];
  },
});

/**
 * Every handshake ACK to the server is dropped, so the server keeps each connection as
 * a SYN-RECV request until the client's first data segment (which carries the same ACK)
 * completes it. A writes at once and waits in the accept queue; B stays in SYN-RECV for
 * a step.
 */
async function acceptQueueScenario(ctx: ScenarioContext<P>): Promise<void> {
  const gap = ctx.p.step / 1000;
  const listener = ctx.server.listenWithoutAccept();
  // Only pure ACKs to the server: the handshake ACKs. Data (P.) passes.
  await ctx.firewall.drop({ toPort: listener.port, onlyFlags: 'ACK' });
  const a = await ctx.client.connect(listener); // ESTABLISHED for the client only
  await a.write('x'); // completes A
  listener.acceptQueue(); // 1
  const b = await ctx.client.open(listener).established;
  listener.acceptQueue(); // still 1: B is in the SYN queue
  await ctx.sleep(gap);
  await b.write('x'); // completes B
  await ctx.sleep(gap); // long enough for ss to see Recv-Q 2
  listener.acceptQueue(); // 2
  listener.accept();
  listener.accept();
  listener.accept(); // EAGAIN: the queue is empty
  listener.acceptQueue(); // 0
}

function acceptQueueExpectations(): ExpectationSpec[] {
  const queue = [
    listenRecvQ({ established: 1, synRecv: 0 }),
    listenRecvQ({ established: 1, synRecv: 1 }),
    listenRecvQ({ established: 2, synRecv: 0 }),
    listenRecvQ({ established: 0, synRecv: 0 }),
  ];
  const moments = ['A established', 'B in SYN-RECV', 'B established', 'both accepted'];
  return [
    scripted('A\'s data (completes its handshake)', 'data-a', packet({ dir: 'c2s', class: 'data', nth: 0 })),
    scripted('SYN-ACK of connection B', 'synack-b', packet({ dir: 's2c', class: 'synack', nth: 1 })),
    scripted('B\'s data (completes its handshake)', 'data-b', packet({ dir: 'c2s', class: 'data', nth: 1 })),
    timing('LISTEN Recv-Q 1 once A completes (ss)', 'data-a', state({ side: 'server', state: 'LISTEN', recv_q: 1, edge: 'enter' })),
    timing('LISTEN Recv-Q 1 until B completes (ss)', 'data-b', state({ side: 'server', state: 'LISTEN', recv_q: 1, edge: 'leave' })),
    timing('LISTEN Recv-Q 2 once B completes (ss)', 'data-b', state({ side: 'server', state: 'LISTEN', recv_q: 2, edge: 'enter' })),
    timing('server SYN-RECV gone once B completes (ss)', 'data-b', state({ side: 'server', state: 'SYN-RECV', edge: 'leave' })),
    ...queue.map((n, i) => outcome(`accept queue: ${moments[i]} (TCP_INFO)`, syscall({ side: 'server', call: 'getsockopt', nth: i }), n)),
    outcome('3rd accept() on an empty queue', syscall({ side: 'server', call: 'accept', nth: 2 }), 'EAGAIN'),
    count('SYN-ACK retransmissions (B completed first)', 0, packet({ class: 'synack-retrans' })),
  ];
}
