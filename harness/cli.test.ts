// The CLI's views (--list, --describe, predict). Bad input is bad-input.test.ts.
import { describe, expect, it } from 'vitest';
import { thisMachineHz } from './sandbox/kernel-hz.ts';
import { runCli } from './testing/run-cli.ts';

function expectCleanError(r: { exitCode: number; stderr: string }, pattern: RegExp) {
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

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
