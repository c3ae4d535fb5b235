// HeldFd's scenario helpers on a real loopback connection (the host's lo, like
// raw-fd.test.ts): fill the kernel's send buffer, see the zero window, read the state.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HeldFd } from './connection.ts';
import type { EventLog } from './event-log.ts';
import { RawFd } from './raw-fd.ts';
import { fdOf, setIntOption } from './sockopt.ts';

const open: (net.Socket | net.Server)[] = [];
afterEach(() => open.splice(0).forEach((s) => ('destroy' in s ? s.destroy() : s.close())));

/** A connection whose server has a tiny receive buffer and never reads. */
async function stalledPair(): Promise<{ client: net.Socket; server: net.Socket }> {
  const srv = net.createServer({ pauseOnConnect: true });
  open.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  setIntOption(fdOf(srv), 'SO_RCVBUF', 1024); // inherited by the accepted socket
  const accepted = new Promise<net.Socket>((r) => srv.once('connection', r));
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  open.push(client);
  await new Promise((r) => client.once('connect', r));
  const server = await accepted;
  open.push(server);
  return { client, server };
}

function recorder(): { log: EventLog; events: Record<string, unknown>[] } {
  const events: Record<string, unknown>[] = [];
  return { log: { record: (e: Record<string, unknown>) => events.push(e) } as unknown as EventLog, events };
}

describe('HeldFd helpers', () => {
  it('fillSendBuffer writes until the kernel refuses with EAGAIN, recording each call', async () => {
    const { client } = await stalledPair();
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
    const { client } = await stalledPair();
    const { log, events } = recorder();
    const held = new HeldFd(RawFd.dup(fdOf(client)), 'client', log);
    held.fillSendBuffer();
    expect(await held.waitForZeroWindow(2)).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'mark', name: 'client sees a zero window, nothing in flight' });
    held.close();
  });

  it('checkState records the TCP state as a getsockopt result', async () => {
    const { client, server } = await stalledPair();
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
