// test-rst2: like test-rst, but the client has sent data the server never reads, so
// the server's close() finds unread data.
//
//   0        connect; the server accepts
//   1 step   client writes "hello world" three times: ACKed, left unread (Recv-Q 33)
//   2 steps  server shutdown(SHUT_WR): FIN → the client is in CLOSE-WAIT
//   3 steps  server close(): unread data → RST [R.] instead of a quiet close
//   4 steps  client write: EPIPE at once (the RST came in CLOSE-WAIT), nothing sent
//   5 steps  client write: EPIPE
// With close only the server sends the RST without a FIN and the client's first call
// gets ECONNRESET. What each call returns comes from model/semantics.ts.
import { param } from '../harness/experiment/params.ts';
import { defineScriptExperiment, HELLO, serverShutdownAndClose, serverShutdownParams, stepParam } from '../harness/experiment/script-experiment.ts';
import type { ScriptStep } from '../harness/model/script-schedule.ts';

const params = {
  step: stepParam,
  ...serverShutdownParams,
  close: param.flag(true, 'the server then closes its socket, with the client\'s data unread'),
  write_again: param.flag(false, 'the client ignores the error and writes again'),
  read_after: param.flag(false, 'the client ignores the error and reads'),
};
type P = { [K in keyof typeof params]: number };

function script(p: P): ScriptStep[] {
  const gap = p.step / 1000;
  const write = (after_s: number) => ({ after_s, side: 'client', call: 'write', bytes: HELLO }) as const;
  return [
    // The notes send three times in a row; each is ACKed before the next, so none waits (Nagle).
    write(gap),
    write(0),
    write(0),
    ...serverShutdownAndClose(p, gap),
    write(gap),
    write(gap),
    ...(p.write_again ? [write(gap)] : []),
    ...(p.read_after ? [{ after_s: gap, side: 'client', call: 'read' } as const] : []),
    // A server that kept its socket reads at the end, twice: its queue, then what is left.
    ...(p.close
      ? []
      : [{ after_s: gap, side: 'server', call: 'read' } as const, { after_s: 0, side: 'server', call: 'read' } as const]),
  ];
}

export default defineScriptExperiment({
  id: 'test-rst2',
  title: 'Closing with unread data sends RST: the client\'s next call fails at once (EPIPE after a FIN, ECONNRESET without)',
  setup:
    'Like test-rst, but the client sends data first, so the server closes with unread data. ' +
    'Variants: close only; SHUT_RDWR; SHUT_WR only; SHUT_RD only; ignore the error, then write or read again.',
  notesSaw:
    'shutdown sends FIN, and close then sends RST [R.]. The client\'s 1st write gets EPIPE. With close only, the server sends only RST ' +
    'and the client gets ECONNRESET, then EPIPE on later writes. SHUT_RDWR only: like test-rst (the 2nd write gets EPIPE). ' +
    'SHUT_WR only, SHUT_RD only: no error. Reads give EOF.',

  params,
  variants: {
    // The notes' "close only, ignore the error and write": its second write is already that (EPIPE).
    'close-only': { summary: 'close() without shutdown: RST only, no FIN; the first write gets ECONNRESET, the next EPIPE', set: { shut_wr: 0 } },
    'shut-rdwr': {
      summary: 'shutdown(SHUT_RDWR), no close: the unread data stays; the next data resets (the 2nd write gets EPIPE)',
      set: { shut_rd: 1, shut_wr: 1, close: 0 },
    },
    'shut-wr': { summary: 'shutdown(SHUT_WR) only: FIN, and every write succeeds', set: { close: 0 } },
    'shut-rd': { summary: 'shutdown(SHUT_RD) only: nothing on the wire, every write succeeds', set: { shut_wr: 0, shut_rd: 1, close: 0 } },
    'ignore-write': { summary: 'after EPIPE the client writes again: EPIPE again', set: { write_again: 1 } },
    'ignore-read': { summary: 'after EPIPE the client reads: EOF at once', set: { read_after: 1 } },
  },
  fast: { step: 200 },
  script,
});
