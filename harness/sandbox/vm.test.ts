// The vm backend for real, on Debian's 6.1 kernel: boot, exec in a namespace
// inside the guest, destroy, and no guest left behind after close, Ctrl-C or
// kill -9. Skips (and says why) where qemu is not installed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../run-experiment.ts';
import { startVm } from './select.ts';
import type { VmBackend } from './vm.ts';
import { GUEST_DIR_PREFIX } from './vm/guest.ts';

const qemu = (await execa('sh', ['-c', 'command -v qemu-system-x86_64'], { reject: false })).exitCode === 0;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-vm-test-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const qemuOf = async (pattern: string) => (await execa('pgrep', ['-f', `qemu-system.*${pattern}`], { reject: false })).stdout.split('\n').filter(Boolean);
const guestDirsOf = (pid: number) => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`${GUEST_DIR_PREFIX}${pid}-`));

describe.skipIf(!qemu)('vm backend on 6.1 (qemu-system-x86 is not installed: skipped)', () => {
  let vm: VmBackend;
  beforeAll(async () => {
    vm = await startVm('6.1', { outDir: out, note: () => {} });
  }, 300_000);
  afterAll(async () => vm?.close());

  it("boots the guest's own kernel and reports Debian's patch level for the model", async () => {
    expect(vm.guest!.release).toMatch(/^6\.1\.0-\d+-amd64$/);
    const sandbox = await vm.create({ label: 'vm-test', sysctls: { 'net.ipv4.tcp_syn_retries': 3 }, projectDir: PROJECT_DIR, runDir: out });
    try {
      expect(sandbox.backend).toBe('vm');
      expect(sandbox.kernel).toBe(vm.guest!.release);
      expect(sandbox.kernelVersion).toMatch(/^6\.1\.\d{2,}$/);
      expect(sandbox.sysctls['net.ipv4.tcp_syn_retries']).toBe('3');
      // The guest's default, not the host's (a fresh namespace starts from the kernel's defaults).
      expect(sandbox.sysctls['net.ipv4.tcp_retries2']).toBe('15');
      const lines: string[] = [];
      const r = await sandbox.exec(['sh', '-c', 'echo one; ip -o link show | cut -d: -f2; echo oops >&2; exit 3'], { timeoutMs: 20_000, onLine: (l) => lines.push(l) });
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toContain('oops');
      // Inside its own namespace: loopback only.
      expect(lines.map((l) => l.trim())).toEqual(['one', 'lo']);
      // The run folders' parent is writable from inside, at the same path.
      const probe = path.join(out, 'written-in-guest');
      expect((await sandbox.exec(['sh', '-c', `echo x > ${probe}`], { timeoutMs: 20_000 })).exitCode).toBe(0);
      expect(fs.readFileSync(probe, 'utf8')).toBe('x\n');
    } finally {
      await sandbox.destroy();
    }
    const list = await vm.guest!.run(['ip', 'netns', 'list']);
    expect(list.stdout).not.toContain(sandbox.name);
  });

  it("runs a scenario's tools from the guest's tmpfs: an ss costs under 30 ms of guest time", async () => {
    // Measured on 6.1: 9 ms with the tools copied up (vm/warm-up.ts), 71 ms from the 9p share,
    // where each wait for the host moves the guest's jumping clock on (vm/qemu-args.ts).
    const r = await vm.guest!.run(['sh', '-c', 'a=$(cut -d" " -f1 /proc/uptime); for i in 1 2 3 4 5 6 7 8 9 10; do ss -tanoi >/dev/null; done; echo "$a $(cut -d" " -f1 /proc/uptime)"']);
    const [a, b] = r.stdout.trim().split(' ').map(Number);
    expect(((b! - a!) / 10) * 1000).toBeLessThan(30);
  });

  it('times a command out and kills it', async () => {
    // cat on the agent's open stdin waits for ever without a timer (a `sleep` would end at
    // once: an idle TCG guest's clock jumps to it). The limit is on the host's clock.
    const r = await vm.guest!.runLines(['cat'], { cwd: '/', timeoutMs: 1000 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGTERM');
    expect((await vm.guest!.run(['sh', '-c', 'pgrep -x cat || true'])).stdout).toBe('');
  }, 60_000);

  it('close() stops qemu and removes its folder', async () => {
    const other = await startVm('6.1', { outDir: out, note: () => {} });
    const dir = other.guest!.dir;
    expect(await qemuOf(dir)).toHaveLength(1);
    await other.close();
    expect(await qemuOf(dir)).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
  }, 120_000);
});

describe.skipIf(!qemu)('no guest outlives the tcplab process that booted it', () => {
  const startCli = async (name: string) => {
    const dir = path.join(out, name);
    fs.mkdirSync(dir);
    const cli = execa(process.execPath, ['--import', 'tsx', 'harness/cli.ts', 'exp', 'test-idle', '--kernel', '6.1', '--out', dir], { cwd: PROJECT_DIR, reject: false });
    // The host has written the job and starts the runner (which writes on the guest's
    // tmpfs until it ends, runner/work-folder.ts); a second later it is mid-experiment.
    await until('the run to start in the guest', () => {
      const run = fs.readdirSync(dir)[0];
      return run && fs.existsSync(path.join(dir, run, 'test-idle', 'job.json')) ? true : undefined;
    }, 240_000);
    await new Promise((r) => setTimeout(r, 1000));
    return { cli, pid: cli.pid! };
  };

  it('Ctrl-C: exit 130, qemu gone and its folder removed within 5 s', async () => {
    const { cli, pid } = await startCli('sigint');
    expect(guestDirsOf(pid)).toHaveLength(1);
    cli.kill('SIGINT');
    const r = await cli;
    expect(r.exitCode).toBe(130);
    await until('qemu to be gone', async () => ((await qemuOf(`${GUEST_DIR_PREFIX}${pid}-`)).length === 0 ? true : undefined), 5000);
    expect(guestDirsOf(pid)).toEqual([]);
  }, 300_000);

  it('kill -9: qemu dies with it within 5 s (pdeathsig); --cleanup sweeps its folder', async () => {
    const { cli, pid } = await startCli('sigkill');
    cli.kill('SIGKILL');
    await cli;
    await until('qemu to be gone', async () => ((await qemuOf(`${GUEST_DIR_PREFIX}${pid}-`)).length === 0 ? true : undefined), 5000);
    const swept = await execa(process.execPath, ['--import', 'tsx', 'harness/cli.ts', 'exp', '--cleanup'], { cwd: PROJECT_DIR, reject: false });
    expect(swept.exitCode).toBe(0);
    expect(guestDirsOf(pid)).toEqual([]);
  }, 300_000);
});
