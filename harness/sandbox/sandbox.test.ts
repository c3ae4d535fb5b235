import { describe, expect, it } from 'vitest';
import { assertNamespacedSysctl } from './sandbox.ts';

describe('assertNamespacedSysctl', () => {
  it('accepts per-namespace TCP knobs: net.ipv4.tcp_* and conntrack\'s nf_tcp_net ones', () => {
    for (const name of [
      'net.ipv4.tcp_retries2',
      'net.netfilter.nf_conntrack_tcp_loose',
      'net.netfilter.nf_conntrack_tcp_timeout_established',
      'net.netfilter.nf_conntrack_tcp_timeout_max_retrans',
    ]) {
      expect(() => assertNamespacedSysctl(name), name).not.toThrow();
    }
  });

  it("refuses global ones, which would change the host's", () => {
    for (const name of ['net.ipv4.tcp_mem', 'net.netfilter.nf_conntrack_max', 'net.netfilter.nf_conntrack_buckets', 'net.nf_conntrack_max', 'net.core.somaxconn', 'kernel.hz']) {
      expect(() => assertNamespacedSysctl(name), name).toThrow(/refusing to set/);
    }
  });
});
