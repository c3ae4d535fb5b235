// --observers minimal, for real: no tcpdump and no ss run, the calls and tcp_info
// are recorded, and only expectations on calls are judged, from the call that
// witnesses the anchor. An experiment whose anchor no call witnesses is a skip.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunResult, resultSchema } from './report/result.ts';
import { runCli } from './testing/run-cli.ts';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-observers-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

async function runMinimal(form: string): Promise<RunResult> {
  const r = await runCli(['exp', form, '--fast', '--observers', 'minimal', '--backend', 'netns', '--json', '--out', out], { timeout: 60_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  return resultSchema.parse(JSON.parse(r.stdout)) as unknown as RunResult;
}

describe('--observers minimal', () => {
  it('test-idle: judges read()\'s ETIMEDOUT from connect(), with no capture and no ss.log', async () => {
    const r = await runMinimal('test-idle');
    expect(r.verdict).toBe('pass');
    expect(r.observers).toBe('minimal');
    expect(r.capture).toBeNull();
    expect(fs.existsSync(path.join(r.runDir, 'capture.pcap'))).toBe(false);
    expect(fs.existsSync(path.join(r.runDir, 'ss.log'))).toBe(false);
    expect(r.events.some((e) => e.kind === 'packet')).toBe(false);
    expect(r.events.some((e) => e.kind === 'tcp_info')).toBe(true);
    const death = r.expectations.find((e) => e.name.startsWith('read() fails with ETIMEDOUT'));
    expect(death).toMatchObject({ ok: true, matcher: { kind: 'syscall' } });
    expect(r.anchor_s).toBe(r.events.find((e) => e.kind === 'syscall' && e.call === 'connect')!.t);
    expect(r.unjudged).toEqual(expect.arrayContaining(['RST when keepalive gives up', 'keepalive probes sent']));
    expect(r.expectations.map((e) => e.name)).not.toContain('tcpdump dropped no packets');
  }, 90_000);

  it('an experiment whose anchor no call witnesses (test-zero) is a skip that says why', async () => {
    const r = await runMinimal('test-zero');
    expect(r.verdict).toBe('skip');
    expect(r.reason).toMatch(/no call witnesses test-zero's anchor.*run it with the full observers/);
  }, 90_000);

  it('rejects an unknown observer set with exit 2', async () => {
    const r = await runCli(['exp', 'test-idle', '--observers', 'none']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--observers.*full, minimal/);
  });
});
