// Every bad input answered: exit 2, one line saying what is wrong and one (→)
// naming the fix, never a stack trace. One test per row of the README's table
// ("When something is wrong"); the table and this list are kept in step.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from './run-experiment.ts';
import { type CliRun, runCli } from './testing/run-cli.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-bad-input-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function expectCleanError(r: CliRun, pattern: RegExp) {
  expect(r.exitCode, r.stderr).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).toMatch(/\n {2}→ \S/); // the fix, on its own line
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

/** A PATH with node and these tools only. */
function pathWith(tools: readonly string[]): string {
  const bin = fs.mkdtempSync(path.join(tmp, 'path-'));
  for (const tool of tools) {
    const real = ['/usr/sbin', '/usr/bin', '/bin', '/sbin'].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
    if (real) fs.symlinkSync(real, path.join(bin, tool));
  }
  return bin;
}

/** A run folder copied from a recorded fixture, then damaged. */
function runFolder(damage: (dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
  damage(dir);
  return dir;
}

const table: [string, () => Promise<CliRun>, RegExp][] = [
  ['unknown experiment (did you mean)', () => runCli(['exp', 'test-idel']), /unknown experiment 'test-idel'[\s\S]*did you mean 'test-idle'/],
  ['unknown variant', () => runCli(['exp', 'test-idle:user-timeout-5s']), /no variant 'user-timeout-5s'[\s\S]*user-timeout-3s/],
  ['unknown --set name', () => runCli(['exp', 'test-idle', '--set', 'keepidel=1']), /no parameter 'keepidel'[\s\S]*keepidle, keepintvl, keepcnt, user_timeout/],
  ['--set value of the wrong type', () => runCli(['exp', 'test-idle', '--set', 'keepidle=five']), /keepidle=five: 'five' is not a number[\s\S]*whole seconds/],
  ['--set value not name=value', () => runCli(['exp', 'test-idle', '--set', 'keepidle']), /not name=value/],
  ['--set keepcnt=0 (below range)', () => runCli(['exp', 'test-idle', '--set', 'keepcnt=0']), /keepcnt must be at least 1/],
  ['--set user_timeout=-1 (below range)', () => runCli(['exp', 'test-idle', '--set', 'user_timeout=-1']), /user_timeout must be at least 0 ms/],
  ['--set tcp_retries2=300 (above range)', () => runCli(['exp', 'rto-retries2', '--set', 'tcp_retries2=300']), /tcp_retries2 must be at most 255/],
  ['--all with an experiment', () => runCli(['exp', 'test-idle', '--all']), /--all runs the whole catalogue; drop 'test-idle' or --all/],
  ['--repeat 0', () => runCli(['exp', 'test-idle', '--repeat', '0']), /--repeat 0: not a whole number of at least 1/],
  ['--parallel 0', () => runCli(['exp', 'test-idle', '--repeat', '2', '--parallel', '0']), /--parallel 0: not a whole number of at least 1/],
  ['unknown option', () => runCli(['exp', 'test-idle', '--fats']), /unknown option '--fats'[\s\S]*--fast/],
  ['unknown --backend', () => runCli(['exp', 'test-idle', '--backend', 'vmware']), /'vmware' is invalid[\s\S]*auto, netns, docker, vm/],
  ['unknown --kernel', () => runCli(['exp', 'test-idle', '--kernel', '4.4']), /unknown kernel '4\.4'[\s\S]*5\.10, 6\.1, 6\.12, host/],
  ['not root', () => runCli(['exp', 'test-idle', '--backend', 'netns'], { uid: 65534, gid: 65534, env: { HOME: os.tmpdir() } }), /root/],
  [
    'a missing tool (tcpdump, iptables)',
    () => runCli(['exp', 'test-idle', '--backend', 'netns'], { env: { PATH: pathWith(['ip', 'ss', 'sh']) }, extendEnv: false }),
    /missing tools: .*tcpdump[\s\S]*apt-get install -y/,
  ],
  [
    'Docker down with --backend docker',
    () => runCli(['exp', 'test-idle', '--fast', '--backend', 'docker'], { env: { DOCKER_HOST: `unix://${tmp}/no-docker.sock` } }),
    /docker backend cannot run here[\s\S]*no Docker engine answers[\s\S]*start one/,
  ],
  ['--out that is a file', () => runCli(['exp', 'test-idle', '--fast', '--out', '/etc/hostname']), /--out \/etc\/hostname: \/etc\/hostname is not a folder/],
  ['--out that cannot be created', () => runCli(['exp', 'test-idle', '--fast', '--out', '/proc/tcplab-nothing/run']), /--out \/proc\/tcplab-nothing\/run: cannot create \/proc\/tcplab-nothing \(ENOENT\)/],
  [
    '--out on a read-only filesystem',
    // A private mount namespace: the read-only tmpfs exists for this one command, not on the host.
    () => cliInMountNamespace('ro,size=1m', ['exp', 'test-idle', '--fast', '--backend', 'netns']),
    /--out \S+: cannot write there \(EROFS\)/,
  ],
  [
    '--out on a disk that fills during the run',
    () => cliInMountNamespace('size=48k', ['exp', 'test-idle', '--fast', '--backend', 'netns']),
    /the disk filled while writing \(ENOSPC[\s\S]*says which file is cut short/,
  ],
  ['analyse: no such folder', () => runCli(['analyse', path.join(tmp, 'nothing-here')]), /is not a complete run folder: job\.json is missing/],
  ['analyse: an empty folder', () => runCli(['analyse', runFolder(() => {})]), /is not a complete run folder: job\.json is missing/],
  [
    'analyse: a capture that is not pcap',
    () => runCli(['analyse', recordedRunWith((dir) => fs.writeFileSync(path.join(dir, 'capture.pcap'), 'not a capture'))]),
    /capture\.pcap is not a pcap file/,
  ],
  ['explain: text that is no timer', () => runCli(['explain', 'hello world']), /cannot explain "hello world": no ss or netstat timer in it/],
];

/** The CLI with --out on a fresh tmpfs mounted with `options`, inside `unshare -m` (the host's mounts are untouched). */
async function cliInMountNamespace(options: string, args: readonly string[]): Promise<CliRun> {
  const mnt = fs.mkdtempSync(path.join(tmp, 'mnt-'));
  const cli = [process.execPath, '--import', 'tsx', path.join(PROJECT_DIR, 'harness/cli.ts'), ...args, '--out', mnt].map((a) => `'${a}'`).join(' ');
  const r = await execa('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o ${options} tcplab-test ${mnt} && exec ${cli}`], {
    cwd: PROJECT_DIR,
    reject: false,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A real run folder (a fast test-idle recorded once for this file), copied, then changed by `damage`. */
let recorded: string | undefined;
function recordedRunWith(damage: (dir: string) => void): string {
  if (!recorded) throw new Error('the recorded run folder is made in beforeAll');
  const dir = fs.mkdtempSync(path.join(tmp, 'damaged-'));
  fs.cpSync(recorded, dir, { recursive: true });
  damage(dir);
  return dir;
}

const rows = table.map(([name, run, pattern]) => ({ name, run, pattern }));

describe('every bad input: exit 2, what is wrong, the fix, no stack trace', () => {
  beforeAll(async () => {
    const r = await runCli(['exp', 'test-idle', '--fast', '--backend', 'netns', '--json', '--out', path.join(tmp, 'recorded')]);
    recorded = JSON.parse(r.stdout).runDir as string;
  }, 120_000);

  it.each(rows)('$name', async ({ run, pattern }) => {
    expectCleanError(await run(), pattern);
  }, 120_000);
});
