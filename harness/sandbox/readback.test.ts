import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { assertSysctlsHeld, parseReadback, READBACK_SCRIPT } from './readback.ts';

describe('readback', () => {
  it("reads the kernel, Debian's patch level from uname -v, and the sysctls", () => {
    const facts = parseReadback(
      [
        'kernel=6.1.0-50-amd64',
        'uname-v=#1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2025-11-01)',
        'net.ipv4.tcp_retries2=7',
        'net.ipv4.tcp_rmem=4096\t131072   6291456',
        'noise without an equals sign',
      ].join('\n'),
    );
    expect(facts).toEqual({
      kernel: '6.1.0-50-amd64',
      kernelVersion: '6.1.176',
      sysctls: { 'net.ipv4.tcp_retries2': '7', 'net.ipv4.tcp_rmem': '4096 131072 6291456' },
    });
  });

  it('runs here, and a sysctl this kernel lacks (even the last one) does not fail it', async () => {
    const r = await execa('sh', ['-c', READBACK_SCRIPT.replace('net.ipv4.tcp_congestion_control; do', 'net.ipv4.tcp_congestion_control net.ipv4.tcp_no_such_sysctl; do')]);
    expect(r.exitCode).toBe(0);
    const facts = parseReadback(r.stdout);
    expect(facts.kernel).toMatch(/^\d+\.\d+/);
    expect(facts.sysctls['net.ipv4.tcp_syn_retries']).toMatch(/^\d+$/);
    expect(facts.sysctls).not.toHaveProperty('net.ipv4.tcp_no_such_sysctl');
  });

  it('checks that what was set reads back as set', () => {
    expect(() => assertSysctlsHeld({ 'net.ipv4.tcp_retries2': 7 }, { 'net.ipv4.tcp_retries2': '7' })).not.toThrow();
    expect(() => assertSysctlsHeld({ 'net.ipv4.tcp_retries2': 7 }, {})).not.toThrow();
    expect(() => assertSysctlsHeld({ 'net.ipv4.tcp_retries2': 7 }, { 'net.ipv4.tcp_retries2': '15' })).toThrow(/reads back as 15 inside, not 7/);
  });
});
