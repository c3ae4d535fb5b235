// Nothing is left behind when a run is interrupted (Ctrl-C) or its runner
// crashes: no namespace, no tcpdump, no runner, no firewall rule (the rules
// live only in the namespace, so its removal takes them along).
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from './run-experiment.ts';
import { engineStatus } from './sandbox/docker.ts';
import { containersOf, namespacesOf } from './soak/run-resources.ts';

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

const startCli = (dir: string, backend = 'netns') =>
  execa(process.execPath, ['--import', 'tsx', 'harness/cli.ts', 'exp', 'test-idle', '--backend', backend, '--out', dir], { cwd: PROJECT_DIR, reject: false });

/** Start a real-length test-idle in its own out folder; resolves once tcpdump runs in the sandbox. */
async function startRun(dir: string) {
  const cli = startCli(dir);
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


describe('kill -9 of the CLI: the reaper removes what it left within 5 s', () => {
  // Moments: before any sandbox exists, while the namespace is being set up, mid-experiment.
  const moments = {
    'before the sandbox exists': async () => {
      await new Promise((r) => setTimeout(r, 300));
    },
    'during setup (namespace, no tcpdump yet)': async (pid: number, dir: string) => {
      await until('the namespace', async () => ((await namespacesOf(pid)).length ? true : undefined));
      expect(await pids(`tcpdump.*${dir}`)).toEqual([]);
    },
    'mid-experiment (tcpdump and the runner running)': async (_pid: number, dir: string) => {
      await until('tcpdump in the sandbox', async () => ((await pids(`tcpdump.*${dir}`)).length ? true : undefined));
    },
  };
  // The CLI's parent does not reap it (a shell that execs into sleep), so the
  // killed CLI stays a zombie throughout, as under a busy parent: the reaper
  // must not take a zombie for a live owner.
  const startUnreapedCli = async (dir: string) => {
    const cli = ['--import', 'tsx', 'harness/cli.ts', 'exp', 'test-idle', '--backend', 'netns', '--out', dir].map((a) => `'${a}'`).join(' ');
    const parent = execa('sh', ['-c', `'${process.execPath}' ${cli} >/dev/null 2>&1 & echo $!; exec sleep 120`], { cwd: PROJECT_DIR, reject: false, buffer: false });
    const pid = Number((await once(parent.stdout!, 'data'))[0].toString().trim());
    return { parent, pid };
  };
  it.for(Object.entries(moments))('%s', async ([name, wait]) => {
    const dir = path.join(out, `kill9-${name.split(' ')[0]}-${Math.random().toString(16).slice(2, 8)}`);
    fs.mkdirSync(dir);
    const { parent, pid } = await startUnreapedCli(dir);
    try {
      await wait(pid, dir);
      process.kill(pid, 'SIGKILL');
      const killedAt = Date.now();
      await until('no namespace, tcpdump or runner of the killed run', async () =>
        (await namespacesOf(pid)).length === 0 && (await pids(dir)).length === 0 ? true : undefined, 5_000);
      console.log(`kill -9 ${name}: clean ${Date.now() - killedAt} ms after the kill (the CLI still a zombie: ${fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')})`);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

const engine = await engineStatus();

describe.skipIf(!engine.ok)('kill -9 of the CLI with --backend docker (skipped without a Docker engine)', () => {

  it('mid-experiment: the reaper removes the container within 5 s', async () => {
    const dir = path.join(out, 'kill9-docker');
    fs.mkdirSync(dir);
    const cli = startCli(dir, 'docker');
    await until('the container', async () => ((await containersOf(cli.pid!)).length ? true : undefined), 60_000);
    await until('events from the runner', async () => {
      const run = fs.readdirSync(dir)[0];
      const f = run && path.join(dir, run, 'test-idle', 'events.jsonl');
      return f && fs.existsSync(f) && fs.statSync(f).size > 0 ? true : undefined;
    }, 30_000);
    cli.kill('SIGKILL');
    await cli;
    const killedAt = Date.now();
    await until('no container of the killed run', async () => ((await containersOf(cli.pid!)).length === 0 ? true : undefined), 5_000);
    console.log(`kill -9 docker mid-experiment: clean ${Date.now() - killedAt} ms after the kill`);
  }, 90_000);
});

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
