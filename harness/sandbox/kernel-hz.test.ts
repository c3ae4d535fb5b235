import { afterEach, describe, expect, it } from 'vitest';
import { configHz, forgetSandboxHz, hostConfigCandidates, hzFromRto, parseSsRto, sandboxHz } from './kernel-hz.ts';
import type { ExecOptions, Sandbox } from './sandbox.ts';

// `ss -tniH` of a fresh loopback connection in a tcplab namespace on this machine (6.18.44, CONFIG_HZ=250).
const SS_6_18 =
  'ESTAB 0 0 127.0.0.1:55978 127.0.0.1:36203 bbr wscale:10,10 rto:204 rtt:0.057/0.028 mss:32741 pmtu:65535 rcvmss:536 advmss:65483 cwnd:10 bytes_acked:1';

describe('configHz', () => {
  it('reads CONFIG_HZ, not CONFIG_HZ_250 or NO_HZ', () => {
    expect(configHz('CONFIG_NO_HZ=y\nCONFIG_HZ_250=y\nCONFIG_HZ=250\n')).toBe(250);
    expect(configHz('# CONFIG_HZ_1000 is not set\nCONFIG_HZ=1000')).toBe(1000);
    expect(configHz('CONFIG_NO_HZ=y\n')).toBeUndefined();
  });
});

describe('hzFromRto: 200 ms + the first RTT sample, rounded up to jiffies', () => {
  it('tells the four x86 HZ apart on loopback', () => {
    expect(hzFromRto(201, 0.05)).toBe(1000);
    expect(hzFromRto(203.333, 0.05)).toBe(300);
    expect(hzFromRto(204, 0.057)).toBe(250);
    expect(hzFromRto(210, 0.05)).toBe(100);
  });

  it('refuses when several HZ or none explain it', () => {
    // A slow guest's 3.5 ms RTT: 204 ms at both 250 and 1000.
    expect(hzFromRto(204, 3.5)).toBeUndefined();
    // A route or sysctl that changed rto_min (this machine's own namespace shows rto:200).
    expect(hzFromRto(200, 0.064)).toBeUndefined();
  });

  it('reads rto and rtt from ss -i', () => {
    expect(parseSsRto(SS_6_18)).toEqual({ rto_ms: 204, rtt_ms: 0.057 });
    expect(parseSsRto('ESTAB 0 0 a b')).toBeUndefined();
  });
});

describe('hostConfigCandidates', () => {
  it('uses this machine\'s config only for its own kernel, and the vm cache\'s beside the guest kernel', () => {
    expect(hostConfigCandidates({ backend: 'netns', kernel: '6.18.44' }, undefined, '6.18.44')).toEqual(['/boot/config-6.18.44', '/proc/config.gz']);
    expect(hostConfigCandidates({ backend: 'docker', kernel: '6.6.0-linuxkit' }, undefined, '6.18.44')).toEqual([]);
    expect(hostConfigCandidates({ backend: 'vm', kernel: '6.1.0-50-amd64' }, '/c/tcplab/kernels/6.1/vmlinuz')[0]).toBe('/c/tcplab/kernels/6.1/config');
  });
});

describe('sandboxHz', () => {
  afterEach(forgetSandboxHz);
  const fake = (answers: (cmd: readonly string[]) => string | null, kernel = '9.9.9-test'): Sandbox & { calls: string[][] } => {
    const calls: string[][] = [];
    return {
      backend: 'netns',
      name: 'tcplab-x',
      kernel,
      sysctls: {},
      calls,
      async exec(cmd: readonly string[], o: ExecOptions) {
        calls.push([...cmd]);
        const out = answers(cmd);
        if (out !== null) for (const l of out.split('\n')) o.onLine?.(l);
        return { exitCode: out === null ? 1 : 0, stderr: '', timedOut: false };
      },
      async destroy() {},
    };
  };

  it('takes the config inside the sandbox first', async () => {
    const s = fake((cmd) => (cmd[0] === 'sh' ? 'CONFIG_HZ_1000=y\nCONFIG_HZ=1000' : null));
    expect(await sandboxHz(s)).toMatchObject({ hz: 1000, source: 'config' });
  });

  it('measures when no config is readable, once per kernel', async () => {
    const s = fake((cmd) => (cmd[0] === 'sh' ? '' : SS_6_18));
    expect(await sandboxHz(s)).toMatchObject({ hz: 250, source: 'measured' });
    await sandboxHz(s);
    expect(s.calls).toHaveLength(2);
  });

  it('assumes 250 and says so when nothing tells', async () => {
    const warnings: string[] = [];
    const s = fake((cmd) => (cmd[0] === 'sh' ? '' : 'ESTAB rto:200 rtt:0.064/0.032'));
    expect(await sandboxHz(s, { warn: (l) => warnings.push(l) })).toMatchObject({ hz: 250, source: 'assumed' });
    expect(warnings[0]).toMatch(/HZ=250 assumed/);
  });
});

describe('thisMachineHz', () => {
  it('reads this machine\'s config when it has one, else says nothing', async () => {
    const { thisMachineHz } = await import('./kernel-hz.ts');
    const hz = thisMachineHz();
    if (hz) expect(hz).toMatchObject({ source: 'config' });
    if (hz) expect([100, 250, 300, 1000]).toContain(hz.hz);
  });
});
