// test-rst: the server shuts its side down and closes with nothing unread; the client
// then writes twice.
//
//   0        connect; the server accepts
//   1 step   server shutdown(SHUT_WR): FIN → the client is in CLOSE-WAIT
//   2 steps  server close(): nothing sent (FIN already out); an orphan in FIN-WAIT-2
//   3 steps  client write: succeeds, the data reaches a closed reader → RST [R]
//   4 steps  client write: EPIPE (the RST came in CLOSE-WAIT), nothing sent
// Variants swap the server's shutdown/close for the notes' alternatives, or go on
// after the error. What each call returns comes from the kernel's logic
// (model/semantics.ts), played for this exact script.
import { param } from '../harness/experiment/params.ts';
import { defineScriptExperiment, HELLO, serverShutdownAndClose, serverShutdownParams, stepParam } from '../harness/experiment/script-experiment.ts';
import type { ScriptStep } from '../harness/model/script-schedule.ts';

const params = {
  step: stepParam,
  ...serverShutdownParams,
  close: param.flag(true, 'the server then closes its socket'),
  write_again: param.flag(false, 'the client ignores the error and writes a third time'),
  read_after: param.flag(false, 'the client ignores the error and reads'),
};
type P = { [K in keyof typeof params]: number };

/** The notes' moments, for the model and the run alike. */
function script(p: P): ScriptStep[] {
  const gap = p.step / 1000;
  return [
    ...serverShutdownAndClose(p, gap),
    { after_s: gap, side: 'client', call: 'write', bytes: HELLO },
    { after_s: gap, side: 'client', call: 'write', bytes: HELLO },
    ...(p.write_again ? [{ after_s: gap, side: 'client', call: 'write', bytes: HELLO } as const] : []),
    ...(p.read_after ? [{ after_s: gap, side: 'client', call: 'read' } as const] : []),
    // A server that kept its socket reads at the end: what did its shutdown leave it?
    ...(p.close ? [] : [{ after_s: gap, side: 'server', call: 'read' } as const]),
  ];
}

export default defineScriptExperiment({
  id: 'test-rst',
  title: 'Writing to a peer that shut down and closed: the first write draws an RST, the second gets EPIPE',
  setup:
    'The server accepts, sends shutdown(SHUT_WR) (FIN), then closes with nothing unread. The client writes twice. ' +
    'Variants: close only; SHUT_RDWR; SHUT_WR only; SHUT_RD only; ignore the error, then write or read again.',
  notesSaw:
    'The 1st write succeeds and the server answers RST [R]. The 2nd write gets EPIPE. After the RST both sockets vanish from ss. ' +
    'Close only and SHUT_RDWR: the same. SHUT_WR only and SHUT_RD only: every write succeeds. Ignoring the error: the next write is EPIPE again, a read returns EOF at once.',

  params,
  variants: {
    'close-only': { summary: 'close() without shutdown: close sends the FIN, the rest is the same', set: { shut_wr: 0 } },
    'shut-rdwr': {
      summary: 'shutdown(SHUT_RDWR) and no close: data after the read side is shut resets the connection (server read: ECONNRESET)',
      set: { shut_rd: 1, shut_wr: 1, close: 0 },
    },
    'shut-wr': { summary: 'shutdown(SHUT_WR) only: FIN, and every write succeeds (the server can still read them)', set: { close: 0 } },
    'shut-rd': { summary: 'shutdown(SHUT_RD) only: nothing on the wire, every write succeeds and is still queued', set: { shut_wr: 0, shut_rd: 1, close: 0 } },
    'ignore-write': { summary: 'after EPIPE the client writes again: EPIPE again', set: { write_again: 1 } },
    'ignore-read': { summary: 'after EPIPE the client reads: EOF at once', set: { read_after: 1 } },
  },
  // Nothing here waits for a kernel timer: a short step only compresses the script.
  fast: { step: 200 },
  script,
});
