// The lifecycle every sandbox shares, without a real one: a fake backend.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { BaseSandbox, ownerRunning, setUpOrRemove } from './base-sandbox.ts';
import type { ExecOptions, ExecResult } from './sandbox.ts';

class FakeSandbox extends BaseSandbox {
  runs: { file: string; args: readonly string[]; env?: Record<string, string> }[] = [];
  removals = 0;

  constructor() {
    super('netns', 'tcplab-fake-1-abcdef', { kernel: '6.1.0-50-amd64', kernelVersion: '6.1.176', sysctls: {} }, 'netns');
  }

  protected async run(file: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
    this.runs.push({ file, args, env: options.env });
    return { exitCode: 0, stderr: '', timedOut: false };
  }

  protected async remove(): Promise<void> {
    this.removals++;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('BaseSandbox', () => {
  it('marks every command with TCPLAB_SANDBOX, keeping the caller env', async () => {
    const s = new FakeSandbox();
    await s.exec(['echo', 'hi'], { timeoutMs: 1000, env: { A: '1', TCPLAB_SANDBOX: 'forged' } });
    expect(s.runs).toEqual([{ file: 'echo', args: ['hi'], env: { A: '1', TCPLAB_SANDBOX: 'netns:tcplab-fake-1-abcdef' } }]);
    expect(s.kernelVersion).toBe('6.1.176');
  });

  it('refuses an empty command', async () => {
    await expect(new FakeSandbox().exec([], { timeoutMs: 1000 })).rejects.toThrow(/empty command/);
  });

  it('removes once, however often and however concurrently destroy() is called', async () => {
    const s = new FakeSandbox();
    const first = s.destroy();
    const second = s.destroy();
    expect(second).toBe(first);
    await Promise.all([first, second, s.destroy()]);
    expect(s.removals).toBe(1);
  });
});

describe('setUpOrRemove', () => {
  it('removes the sandbox when its setup fails, and rethrows the setup error (not the removal one)', async () => {
    let removed = 0;
    const failing = setUpOrRemove(
      async () => {
        throw new Error('setup broke');
      },
      async () => {
        removed++;
        throw new Error('removal broke too');
      },
    );
    await expect(failing).rejects.toThrow('setup broke');
    expect(removed).toBe(1);
  });

  it('leaves a sandbox whose setup worked', async () => {
    let removed = 0;
    expect(await setUpOrRemove(async () => 42, async () => void removed++)).toBe(42);
    expect(removed).toBe(0);
  });
});

describe('ownerRunning', () => {
  it('is true for a live process and false beyond pid_max', () => {
    expect(ownerRunning(process.pid)).toBe(true);
    expect(ownerRunning(99_999_999)).toBe(false);
  });

  it('is false for a zombie: killed with -9, not yet reaped by its parent', async () => {
    // The shell starts a child, then execs into sleep, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 30 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const child = Number((await once(parent.stdout!, 'data'))[0].toString().trim());
    try {
      expect(ownerRunning(child)).toBe(true);
      process.kill(child, 'SIGKILL');
      const end = Date.now() + 2_000;
      while (!fs.readFileSync(`/proc/${child}/stat`, 'utf8').includes(') Z ') && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(fs.readFileSync(`/proc/${child}/stat`, 'utf8')).toContain(') Z ');
      expect(ownerRunning(child)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
