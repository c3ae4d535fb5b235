import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentCpu, onOneCpu } from './one-cpu.ts';

/** The kernel's view of the calling thread's mask (Node's main thread here). */
const allowed = () => /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/thread-self/status', 'utf8'))![1];

describe('onOneCpu: the calling thread held on one CPU', () => {
  it('holds the thread on the CPU it was on, through awaits, and gives the mask back', async () => {
    const before = allowed();
    const seen = await onOneCpu(async (cpu) => {
      const during = [allowed()];
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 5));
        during.push(String(currentCpu()));
      }
      return { cpu, during };
    });
    expect(seen.during[0]).toBe(String(seen.cpu));
    expect(new Set(seen.during)).toEqual(new Set([String(seen.cpu)]));
    expect(allowed()).toBe(before);
  });

  it('gives the mask back when the body throws', async () => {
    const before = allowed();
    await expect(onOneCpu(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(allowed()).toBe(before);
  });
});
