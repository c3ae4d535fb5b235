// Nothing is left behind when a run is interrupted (Ctrl-C) or its runner
// crashes: no namespace, no tcpdump, no runner, no firewall rule (the rules
// live only in the namespace, so its removal takes them along).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from './run-experiment.ts';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-interrupt-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function pids(pattern: string): Promise<string[]> {
  const r = await execa('pgrep', ['-f', pattern], { reject: false });
  return r.stdout.split('\n').filter(Boolean);
}

/** Start a real-length test-idle in its own out folder; resolves once tcpdump runs in the sandbox. */
async function startRun(dir: string) {
  const cli = execa(process.execPath, ['--import', 'tsx', 'harness/cli.ts', 'exp', 'test-idle', '--backend', 'netns', '--out', dir], { cwd: PROJECT_DIR, reject: false });
  await until('tcpdump in the sandbox', async () => ((await pids(`tcpdump.*${dir}`)).length ? true : undefined));
  const jobFile = await until('job.json', async () => {
    const run = fs.readdirSync(dir)[0];
    const f = run && path.join(dir, run, 'test-idle', 'job.json');
    return f && fs.existsSync(f) ? f : undefined;
  });
  const sandbox = JSON.parse(fs.readFileSync(jobFile, 'utf8')).context.sandbox as string;
  return { cli, sandbox };
}

async function expectNothingLeft(dir: string, sandbox: string) {
  expect((await execa('ip', ['netns', 'list'])).stdout).not.toContain(sandbox);
  expect(await pids(dir)).toEqual([]);
}

describe('cleanup when a run does not finish', () => {
  it('Ctrl-C (SIGINT) removes the sandbox and everything in it, exit 130', async () => {
    const dir = path.join(out, 'sigint');
    fs.mkdirSync(dir);
    const { cli, sandbox } = await startRun(dir);
    cli.kill('SIGINT');
    const r = await cli;
    expect(r.exitCode).toBe(130);
    await expectNothingLeft(dir, sandbox);
  });

  it('a crashed runner is reported (exit 2) and the sandbox removed', async () => {
    const dir = path.join(out, 'crash');
    fs.mkdirSync(dir);
    const { cli, sandbox } = await startRun(dir);
    // The runner runs from its bundle (runner/bundle.ts): node …/runner-<hash>.mjs <run folder>.
    const [runner] = await pids(`runner-[0-9a-f]+\\.mjs ${dir}`);
    process.kill(Number(runner), 'SIGKILL');
    const r = await cli;
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/the runner was killed|the runner exited/);
    await expectNothingLeft(dir, sandbox);
  });
});
