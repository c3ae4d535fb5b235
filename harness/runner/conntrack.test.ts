import { describe, expect, it } from 'vitest';
import { holdConntrackSysctls } from './conntrack.ts';

describe('holdConntrackSysctls', () => {
  it("refuses to write sysctls outside a sandbox (never the host's)", () => {
    const saved = process.env.TCPLAB_SANDBOX;
    delete process.env.TCPLAB_SANDBOX;
    try {
      expect(() => holdConntrackSysctls({ 'net.netfilter.nf_conntrack_tcp_loose': 0 })).toThrow(/outside a tcplab sandbox/);
    } finally {
      if (saved !== undefined) process.env.TCPLAB_SANDBOX = saved;
    }
  });
});
