// The lifecycle every sandbox shares, without a real one: a fake backend.
import { describe, expect, it } from 'vitest';
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
});
