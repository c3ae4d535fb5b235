import { describe, expect, it } from 'vitest';
import { addLoopbackDelay } from './netem.ts';

describe('addLoopbackDelay', () => {
  it("refuses to touch a loopback that is not a sandbox's (never the host's lo)", async () => {
    const saved = process.env.TCPLAB_SANDBOX;
    delete process.env.TCPLAB_SANDBOX;
    try {
      await expect(addLoopbackDelay(200)).rejects.toThrow(/outside a tcplab sandbox/);
    } finally {
      if (saved !== undefined) process.env.TCPLAB_SANDBOX = saved;
    }
  });
});
