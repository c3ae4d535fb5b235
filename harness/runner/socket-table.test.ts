// /proc/net/tcp as the runner reads it: a recorded table, and real loopback sockets.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProcNetTcp, socketState, waitUntilGone } from './socket-table.ts';

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

// In the layout of 6.18's tcp4_seq_show(): the listener, the server's CLOSE-WAIT socket,
// the client's FIN-WAIT-2 time-wait sock (tw_substate 05, timer 3, no inode).
const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1B58 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 52114 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1B58 0100007F:A2F6 08 00000000:00000000 00:00000000 00000000     0        0 52117 1 0000000000000000 20 4 0 10 -1
   2: 0100007F:A2F6 0100007F:1B58 05 00000000:00000000 03:000000F1 00000000     0        0 0 3 0000000000000000
`;

describe('parseProcNetTcp', () => {
  it('reads ports and states, time-wait socks by their substate', () => {
    expect(parseProcNetTcp(TABLE)).toEqual([
      { localPort: 7000, remotePort: 0, state: 'LISTEN' },
      { localPort: 7000, remotePort: 41718, state: 'CLOSE_WAIT' },
      { localPort: 41718, remotePort: 7000, state: 'FIN_WAIT2' },
    ]);
    expect(socketState(41718, 7000, TABLE)).toBe('FIN_WAIT2');
    expect(socketState(41719, 7000, TABLE)).toBeUndefined();
  });
});

describe('socketState on real loopback', () => {
  it('follows a connection the server never closes: ESTABLISHED, then FIN-WAIT-2 / CLOSE-WAIT after the client closes', async () => {
    const server = net.createServer({ allowHalfOpen: true });
    const accepted: net.Socket[] = [];
    server.on('connection', (s) => accepted.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => server.close(), () => accepted.forEach((s) => s.destroy()));
    const port = (server.address() as net.AddressInfo).port;
    const client = net.connect(port, '127.0.0.1');
    await new Promise((r) => client.once('connect', r));
    const local = client.localPort!;
    expect(socketState(local, port)).toBe('ESTABLISHED');

    client.destroy(); // close(): FIN; the server (allowHalfOpen) never answers with its own
    await new Promise((r) => setTimeout(r, 300)); // the server's delayed ACK of the FIN (40 ms and more)
    expect(socketState(local, port)).toBe('FIN_WAIT2');
    expect(socketState(port, local)).toBe('CLOSE_WAIT');
    // The orphan lives tcp_fin_timeout (60 s here): not gone within 0.1 s.
    expect(await waitUntilGone(local, port, 0.1)).toBe(false);
    expect(await waitUntilGone(local + 1 === port ? local + 2 : local + 1, port, 0.1)).toBe(true);
  });
});
