// Real sockets on loopback: what the kernel answers on a held fd.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loopbackPair } from '../testing/loopback-pair.ts';
import { RawFd } from './raw-fd.ts';
import { fdOf } from './sockopt.ts';

const tick = () => new Promise((r) => setTimeout(r, 50));

describe('RawFd on a real loopback connection', () => {
  it('reads EOF after the peer shuts down its side', async () => {
    const { client, server } = await loopbackPair();
    const held = RawFd.dup(fdOf(client));
    client.pause();
    server.end();
    await tick();
    expect(held.read()).toEqual({ result: 0 });
    held.close();
  });

  it('gets EAGAIN from a read with nothing to read (the fd is non-blocking)', async () => {
    const { client } = await loopbackPair();
    const held = RawFd.dup(fdOf(client));
    client.pause();
    expect(held.read()).toEqual({ error: 'EAGAIN' });
    held.close();
  });

  it('gets EPIPE writing after its own shutdown(SHUT_WR), as an errno, not a signal', async () => {
    const { client } = await loopbackPair();
    const held = RawFd.dup(fdOf(client));
    expect(held.shutdown('SHUT_WR')).toEqual({ result: 0 });
    expect(held.write('x')).toEqual({ error: 'EPIPE' });
    held.close();
  });

  it('keeps the kernel socket alive after Node closes its fd, and gets EBADF once closed itself', async () => {
    const { client, server } = await loopbackPair();
    const held = RawFd.dup(fdOf(client));
    const got = new Promise<string>((r) => server.once('data', (d) => r(d.toString())));
    client.destroy();
    expect(held.write('still here')).toEqual({ result: 10 });
    expect(await got).toBe('still here');
    expect(held.close()).toEqual({ result: 0 });
    expect(held.writePlain('x')).toEqual({ error: 'EBADF' });
  });

  it('is close-on-exec: a child started meanwhile does not hold the socket open after close()', async () => {
    const { client, server } = await loopbackPair();
    const held = RawFd.dup(fdOf(client));
    // A child like the runner's samplers, alive across the close.
    const child = spawn('sleep', ['2'], { stdio: 'ignore' });
    try {
      const ended = new Promise<number>((r) => server.once('end', () => r(Date.now())));
      server.resume();
      client.destroy();
      const closedAt = Date.now();
      held.close();
      // With the fd inherited, the FIN would leave only when sleep exits, 2 s later.
      expect((await ended) - closedAt).toBeLessThan(500);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
