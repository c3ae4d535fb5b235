import { describe, expect, it } from 'vitest';
import { optionalSysctl, parseSysctlKey, procSysPath, resolveSysctls } from './sysctls.ts';

describe('optional sysctls', () => {
  it('marks a name once and parses it back', () => {
    const key = optionalSysctl('net.ipv4.tcp_syn_linear_timeouts');
    expect(optionalSysctl(key)).toBe(key);
    expect(parseSysctlKey(key)).toEqual({ name: 'net.ipv4.tcp_syn_linear_timeouts', optional: true });
    expect(parseSysctlKey('net.ipv4.tcp_syn_retries')).toEqual({ name: 'net.ipv4.tcp_syn_retries', optional: false });
  });

  it('skips an optional sysctl the kernel lacks and keeps a required one regardless', () => {
    const requested = { 'net.ipv4.tcp_syn_retries': 2, [optionalSysctl('net.ipv4.tcp_syn_linear_timeouts')]: 4 };
    const on61 = resolveSysctls(requested, (n) => n !== 'net.ipv4.tcp_syn_linear_timeouts');
    expect(on61).toEqual({ sysctls: { 'net.ipv4.tcp_syn_retries': 2 }, skipped: ['net.ipv4.tcp_syn_linear_timeouts'] });
    const on618 = resolveSysctls(requested, () => true);
    expect(on618).toEqual({ sysctls: { 'net.ipv4.tcp_syn_retries': 2, 'net.ipv4.tcp_syn_linear_timeouts': 4 }, skipped: [] });
    expect(resolveSysctls({ 'net.ipv4.tcp_nonexistent': 1 }, () => false).sysctls).toEqual({ 'net.ipv4.tcp_nonexistent': 1 });
  });

  it('maps a name to its /proc/sys path', () => {
    expect(procSysPath('net.ipv4.tcp_syn_retries')).toBe('/proc/sys/net/ipv4/tcp_syn_retries');
  });
});
