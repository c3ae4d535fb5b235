// A real connected pair on 127.0.0.1 for runner tests, closed after each test.
import net from 'node:net';
import { afterEach } from 'vitest';
import { fdOf, setIntOption } from '../runner/sockopt.ts';

const open: (net.Socket | net.Server)[] = [];
afterEach(() => open.splice(0).forEach((s) => ('destroy' in s ? s.destroy() : s.close())));

export interface PairOptions {
  /** The server side never reads (Node does not start reading it). */
  pauseOnConnect?: boolean;
  /** SO_RCVBUF on the listener, inherited by the accepted socket. */
  serverRcvbuf?: number;
}

export async function loopbackPair(o: PairOptions = {}): Promise<{ client: net.Socket; server: net.Socket }> {
  const srv = net.createServer({ pauseOnConnect: Boolean(o.pauseOnConnect) });
  open.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  if (o.serverRcvbuf !== undefined) setIntOption(fdOf(srv), 'SO_RCVBUF', o.serverRcvbuf);
  const accepted = new Promise<net.Socket>((r) => srv.once('connection', r));
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  open.push(client);
  await new Promise((r) => client.once('connect', r));
  const server = await accepted;
  open.push(server);
  return { client, server };
}
