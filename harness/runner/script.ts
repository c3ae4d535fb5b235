// Performs a semantics script (model/script-schedule.ts) on the two ends of a
// connection, each held as a raw fd: the same steps the model plays, so the
// expectations and the run cannot drift apart. Sleeps are relative (each step waits
// after the previous one returned), so a scripted moment can be late, never early.
import type { ScriptStep } from '../model/script-schedule.ts';
import type { HeldFd } from './connection.ts';
import type { ScenarioContext } from './scenario.ts';
import type { Side, SocketOptions } from './socket-options.ts';

/** The notes' payload: `c.send(b"hello world")`. */
export const NOTES_PAYLOAD = 'hello world';

export async function performScript(
  steps: readonly ScriptStep[],
  ends: Record<Side, HeldFd>,
  ctx: Pick<ScenarioContext<unknown>, 'sleep' | 'at' | 'firewall' | 'predictedEnd_s' | 'now'>,
  /** The moment the script counts from (e.g. when connect() returned); default: now. */
  from: number = ctx.now(),
): Promise<void> {
  const closed = new Set<Side>();
  for (const [i, step] of steps.entries()) {
    // A zero gap runs in the same tick: nothing else (no sampler spawn) can take a
    // just-closed descriptor number before the calls that must find it gone.
    if (i === 0) await ctx.at(from + step.after_s);
    else if (step.after_s > 0) await ctx.sleep(step.after_s);
    if ('network' in step) {
      await ctx.firewall.dropAll();
      continue;
    }
    const fd = ends[step.side];
    if ('timeout' in step) {
      // The kernel gives up by itself; wait for it, then the next step is the first call after.
      const margin_s = 5;
      if (!(await fd.waitForState('CLOSE', Math.max(0, ctx.predictedEnd_s - ctx.now()) + margin_s))) {
        throw new Error(`the ${step.side} socket was still ${fd.tcpState()} ${margin_s} s after the model's end`);
      }
      continue;
    }
    if (step.call === 'read') fd.read();
    else if (step.call === 'write') {
      const data = step.bytes === NOTES_PAYLOAD.length ? NOTES_PAYLOAD : 'x'.repeat(step.bytes);
      if (closed.has(step.side)) fd.writeAfterClose(data);
      else fd.write(data);
    } else if (step.call === 'shutdown') fd.shutdown(step.how);
    else {
      fd.close();
      closed.add(step.side);
    }
  }
}

/**
 * The semantics experiments' whole scenario: a server that never accepts through
 * Node, a client that connects with `options`, both ends held as raw fds (Node
 * would read the FIN, the data and the pending error itself), and the script
 * played from the moment connect() returned — just after the anchor.
 */
export async function performScriptOnPair(steps: readonly ScriptStep[], ctx: ScenarioContext<unknown>, options: SocketOptions = {}): Promise<void> {
  const listener = ctx.server.listenWithoutAccept();
  const client = (await ctx.client.connect(listener, options)).detach();
  const connected = ctx.now();
  const server = await listener.acceptWhenQueued();
  await performScript(steps, { client, server }, ctx, connected);
}
