// Real loopback: the accept queue of a listener nobody accepts from, read with TCP_INFO.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScenarioClock } from './clock.ts';
import { EventLog } from './event-log.ts';
import { ServerFactory } from './server.ts';

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

function factory() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-quiet-'));
  const clock = new ScenarioClock();
  const lines: string[] = [];
  const log = new EventLog(path.join(dir, 'events.jsonl'), () => clock.now(), (l) => lines.push(l));
  return { server: new ServerFactory({ log, clock, sockets: new Map() }), lines };
}

describe('QuietListener', () => {
  it('counts a completed handshake in its accept queue, hands it out once, then EAGAIN', async () => {
    const { server, lines } = factory();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const listener = server.listenWithoutAccept({ port });
    cleanup.push(() => listener.close());
    expect(listener.acceptQueue()).toBe(0);
    const client = net.connect(port, '127.0.0.1');
    cleanup.push(() => client.destroy());
    await new Promise((r) => client.once('connect', r));
    await new Promise((r) => setTimeout(r, 50));
    expect(listener.acceptQueue()).toBe(1);

    const held = await listener.acceptWhenQueued(2);
    cleanup.push(() => held.close());
    expect(listener.acceptQueue()).toBe(0);
    expect(listener.accept()).toBe('EAGAIN');
    // Every queue reading is on the timeline as a getsockopt with its result.
    const reads = lines.map((l) => JSON.parse(l)).filter((e) => e.call === 'getsockopt');
    expect(reads.map((e) => e.result)).toEqual([0, 1, 0]);
  });
});
