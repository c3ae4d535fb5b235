import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandSampler } from './command-sampler.ts';

const sampleStarts = (log: string) => [...fs.readFileSync(log, 'utf8').matchAll(/^# t=([\d.]+) end=/gm)].map((m) => Number(m[1]));

describe('CommandSampler', () => {
  // Nothing predicted: after the first sample it waits SPARSE_S (1 s), so a stop
  // 0.3 s in falls between two samples, as the end of a scenario may.
  const run = async (closing: boolean) => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-sampler-')), 'ss.log');
    const t0 = performance.now();
    const now = () => (performance.now() - t0) / 1000;
    const sampler = new CommandSampler({ file: 'true', args: [] }, log, now, []);
    sampler.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stoppedAt = now();
    await sampler.stop({ closing });
    const starts = sampleStarts(log);
    fs.rmSync(path.dirname(log), { recursive: true });
    return { starts, stoppedAt };
  };

  it('takes a closing sample after a normal end, so a state gone by then is seen gone', async () => {
    const { starts, stoppedAt } = await run(true);
    expect(starts.length).toBe(2);
    expect(starts.at(-1)!).toBeGreaterThanOrEqual(stoppedAt);
  });

  it('takes none when interrupted: its last sample may predate the stop', async () => {
    const { starts, stoppedAt } = await run(false);
    expect(starts.length).toBe(1);
    expect(starts.at(-1)!).toBeLessThan(stoppedAt);
  });
});
