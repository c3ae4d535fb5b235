// Bad input gets exit 2 and one line saying what to do, never a stack trace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { thisMachineHz } from './sandbox/kernel-hz.ts';
import { runCli } from './testing/run-cli.ts';

function expectCleanError(r: { exitCode: number; stderr: string }, pattern: RegExp) {
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('tcplab exp: bad input', () => {
  it('an unknown experiment suggests close names', async () => {
    const r = await runCli(['exp', 'test-idel']);
    expectCleanError(r, /unknown experiment 'test-idel'[\s\S]*did you mean 'test-idle'/);
  });

  it('an unknown variant lists the real ones', async () => {
    const r = await runCli(['exp', 'test-idle:user-timeout-5s']);
    expectCleanError(r, /no variant 'user-timeout-5s'[\s\S]*user-timeout-3s/);
  });

  it('an unknown --set name lists the parameters', async () => {
    const r = await runCli(['exp', 'test-idle', '--set', 'keepidel=1']);
    expectCleanError(r, /no parameter 'keepidel'[\s\S]*keepidle, keepintvl, keepcnt, user_timeout/);
  });

  it('a malformed --set value says what the parameter takes', async () => {
    expectCleanError(await runCli(['exp', 'test-idle', '--set', 'keepidle=five']), /keepidle=five: 'five' is not a number[\s\S]*whole seconds/);
    expectCleanError(await runCli(['exp', 'test-idle', '--set', 'keepidle=0']), /keepidle=0[\s\S]*TCP_KEEPIDLE/);
    expectCleanError(await runCli(['exp', 'test-idle', '--set', 'keepidle']), /not name=value/);
  });

  it('an unknown option is exit 2, not 1', async () => {
    const r = await runCli(['exp', 'test-idle', '--fats']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--fats/);
  });

  it('missing tools are named with the apt-get line that installs them', async () => {
    // A PATH with node, ip and ss but no tcpdump or iptables.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-path-'));
    for (const tool of ['ip', 'ss', 'sh']) {
      const real = ['/usr/sbin', '/usr/bin', '/bin', '/sbin'].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
      if (real) fs.symlinkSync(real, path.join(bin, tool));
    }
    const r = await runCli(['exp', 'test-idle', '--backend', 'netns'], { env: { PATH: bin }, extendEnv: false });
    fs.rmSync(bin, { recursive: true });
    expectCleanError(r, /missing tools: .*tcpdump[\s\S]*apt-get install -y/);
  });

  it('not being root is exit 2 with what to do', async () => {
    const r = await runCli(['exp', 'test-idle', '--backend', 'netns'], { uid: 65534, gid: 65534, env: { HOME: os.tmpdir() } });
    expectCleanError(r, /root/);
  });
});

describe('tcplab exp: catalogue views', () => {
  it('--list shows every experiment and variant', async () => {
    const r = await runCli(['exp', '--list']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/test-idle[\s\S]*:user-timeout-3s[\s\S]*:user-timeout-10s/);
  });

  it('--describe shows parameters, the notes and the model for this kernel', async () => {
    const r = await runCli(['exp', '--describe', 'test-idle']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/keepidle\s+5/);
    expect(r.stdout).toMatch(/notes \(4\.19\)/);
    expect(r.stdout).toMatch(/keepalive probe 1 at 5\.0 s, keepalive probe 2 at 8\.0 s, keepalive probe 3 at 11\.0 s, RST: keepalive gives up at 14\.0 s/);
  });
});

describe('tcplab predict --hz', () => {
  it('computes for the HZ given, and refuses one x86 does not offer (exit 2, one line and a hint)', async () => {
    const r = await runCli(['predict', 'keepalive', '--kernel', '6.1', '--hz', '1000', '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).hz).toBe(1000);
    // Without --hz: this machine's CONFIG_HZ, else the 250 assumed for a bare release.
    const here = await runCli(['predict', 'keepalive', '--kernel', '6.1', '--json']);
    expect(JSON.parse(here.stdout).hz).toBe(thisMachineHz()?.hz ?? 250);
    expectCleanError(await runCli(['predict', 'keepalive', '--hz', 'fast']), /--hz fast: not a CONFIG_HZ\n {2}→ give one of 100, 250, 300, 1000/);
    expectCleanError(await runCli(['predict', 'keepalive', '--hz', '512']), /--hz 512: not a CONFIG_HZ/);
  });
});
