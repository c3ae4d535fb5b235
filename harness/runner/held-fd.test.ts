// HeldFd's scenario helpers on a real loopback connection (the host's lo, like
// raw-fd.test.ts): fill the kernel's send buffer, see the zero window, read the state.
import { describe, expect, it } from 'vitest';
import { loopbackPair } from '../testing/loopback-pair.ts';
import { HeldFd } from './connection.ts';
import type { EventLog } from './event-log.ts';
import { RawFd } from './raw-fd.ts';
import { fdOf } from './sockopt.ts';



function recorder(): { log: EventLog; events: Record<string, unknown>[] } {
  const events: Record<string, unknown>[] = [];
  return { log: { record: (e: Record<string, unknown>) => events.push(e) } as unknown as EventLog, events };
}

describe('HeldFd helpers', () => {
  it('fillSendBuffer writes until the kernel refuses with EAGAIN, recording each call', async () => {
    const { client } = await loopbackPair({ pauseOnConnect: true, serverRcvbuf: 1024 }) /* a server with a tiny buffer that never reads */;
    const { log, events } = recorder();
    const held = new HeldFd(RawFd.dup(fdOf(client)), 'client', log);
    const total = held.fillSendBuffer();
    expect(total).toBeGreaterThan(64 * 1024);
    const writes = events.filter((e) => e.call === 'write');
    expect(writes.at(-1)).toMatchObject({ error: 'EAGAIN' });
    expect(writes.slice(0, -1).every((e) => typeof e.result === 'number')).toBe(true);
    held.close();
  });

  it('waitForZeroWindow resolves once the receiver advertises no window and nothing is in flight', async () => {
    const { client } = await loopbackPair({ pauseOnConnect: true, serverRcvbuf: 1024 }) /* a server with a tiny buffer that never reads */;
    const { log, events } = recorder();
    const held = new HeldFd(RawFd.dup(fdOf(client)), 'client', log);
    held.fillSendBuffer();
    expect(await held.waitForZeroWindow(2)).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'mark', name: 'client sees a zero window, nothing in flight' });
    held.close();
  });

  it('checkState records the TCP state as a getsockopt result', async () => {
    const { client, server } = await loopbackPair({ pauseOnConnect: true, serverRcvbuf: 1024 }) /* a server with a tiny buffer that never reads */;
    // Node would answer the FIN with its own (allowHalfOpen off): keep the client's
    // socket in a dup and let Node close its fd.
    const peer = RawFd.dup(fdOf(client));
    client.destroy();
    const { log, events } = recorder();
    const held = new HeldFd(RawFd.dup(fdOf(server)), 'server', log);
    held.shutdown('SHUT_WR');
    await new Promise((r) => setTimeout(r, 50));
    expect(held.checkState()).toBe('FIN_WAIT2');
    expect(events.at(-1)).toMatchObject({ kind: 'syscall', side: 'server', call: 'getsockopt', result: 'FIN_WAIT2' });
    held.close();
    peer.close();
  });
});
