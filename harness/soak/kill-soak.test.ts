// The kill soak for real: a fast test-idle in a namespace, kill -9 of its CLI at
// chosen moments, and nothing of it left within 5 s (the reaper's and the runner's work).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../run-experiment.ts';
import { CLEAN_WITHIN_MS, formatKillSoak, runKillSoak } from './kill-soak.ts';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-kill-soak-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('soak --kills', () => {
  it('kills the CLI early and mid-run, and finds nothing of either run left', async () => {
    const moments = [0.05, 0.5]; // of 1.2 × one run: before or in setup, then mid-experiment
    const doc = await runKillSoak({
      kills: moments.length,
      backend: 'netns',
      form: 'test-idle',
      outDir: out,
      cli: [process.execPath, '--import', 'tsx', path.join(PROJECT_DIR, 'harness/cli.ts')],
      cwd: PROJECT_DIR,
      note: () => {},
      random: () => moments.shift()!,
    });
    expect(doc).toMatchObject({ kind: 'kill-soak', kills: 2, leaks: 0 });
    expect(doc.run_ms).toBeGreaterThan(1000);
    for (const t of doc.trials) expect(t.clean_ms).toBeLessThanOrEqual(CLEAN_WITHIN_MS);
    expect(doc.trials[1]!.phase).toMatch(/setup|mid-experiment/);
    expect(formatKillSoak(doc)).toContain('2 kill -9 of `exp test-idle --fast --backend netns`');
  }, 90_000);
});
