// Real sockets on loopback: a Connection handed over to raw syscalls (detach) and the
// TCP state read from TCP_INFO (waitForState).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loopbackPair } from '../testing/loopback-pair.ts';
import { ScenarioClock } from './clock.ts';
import { Connection } from './connection.ts';
import { EventLog } from './event-log.ts';


function deps() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-detach-'));
  const clock = new ScenarioClock();
  const lines: string[] = [];
  const log = new EventLog(path.join(dir, 'events.jsonl'), () => clock.now(), (l) => lines.push(l));
  return { deps: { log, clock, sockets: new Map() }, lines };
}


const tick = () => new Promise((r) => setTimeout(r, 50));

describe('Connection.detach()', () => {
  it('leaves the peer\'s FIN unanswered: Node no longer reads, so the socket stays in CLOSE_WAIT', async () => {
    const { client, server } = await loopbackPair();
    const { deps: d, lines } = deps();
    const held = new Connection('client', client, {}, d).detach();
    expect(client.destroyed).toBe(true);
    server.end();
    await tick();
    expect(held.tcpState()).toBe('CLOSE_WAIT');
    expect(held.read()).toEqual({ result: 0 });
    // Node's close of its own fd was not recorded as the application's close()
    expect(lines.some((l) => l.includes('"call":"close"'))).toBe(false);
    held.close();
  });

  it('waitForState() sees the kernel give up on the socket, and the pending error is still there', async () => {
    const { client, server } = await loopbackPair();
    const { deps: d } = deps();
    const held = new Connection('client', client, {}, d).detach();
    server.resetAndDestroy();
    expect(await held.waitForState('CLOSE', 2)).toBe(true);
    expect(held.read()).toEqual({ error: 'ECONNRESET' });
    held.close();
  });

  it('waitForState() gives up after its timeout', async () => {
    const { client } = await loopbackPair();
    const { deps: d } = deps();
    const held = new Connection('client', client, {}, d).detach();
    expect(await held.waitForState('CLOSE', 0.05)).toBe(false);
    held.close();
  });
});
