// A matrix stopped with Ctrl-C keeps the cells that finished, marked incomplete,
// and `--resume` runs only the rest. For real, on the host column (netns).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../run-experiment.ts';
import { runCli } from '../testing/run-cli.ts';
import { parseMatrixDoc } from './matrix-doc.ts';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-matrix-resume-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const args = ['matrix', '--fast', '--kernels', 'host', '--backend', 'netns', '--only', 'test-idle:user-timeout-3s,test-rst:close-only', '--parallel', '1', '--out', out];
const file = path.join(out, 'matrix-fast.json');

describe('matrix: Ctrl-C, then --resume', () => {
  it('keeps the finished cell as an incomplete matrix, and --resume runs only the missing one', async () => {
    const cli = execa(process.execPath, ['--import', 'tsx', 'harness/cli.ts', ...args], { cwd: PROJECT_DIR, reject: false });
    const end = Date.now() + 60_000;
    while (!fs.existsSync(file) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(file), 'the first cell was written as it finished').toBe(true);
    cli.kill('SIGINT');
    const stopped = await cli;
    expect(stopped.exitCode).toBe(130);
    expect(stopped.stderr).toContain('npm run matrix -- --resume');

    const partial = parseMatrixDoc(fs.readFileSync(file, 'utf8'));
    expect(partial.incomplete).toBe('1 of 2 cells had run when this was written');
    expect(partial.cells).toHaveLength(1);
    expect(fs.readFileSync(path.join(out, 'matrix-fast.md'), 'utf8')).toContain('**Incomplete:**');
    const [first] = partial.cells;

    const resumed = await runCli([...args, '--resume'], { timeout: 120_000 });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const doc = parseMatrixDoc(fs.readFileSync(file, 'utf8'));
    expect(doc.incomplete).toBeUndefined();
    expect(doc.cells.map((c) => c.form).sort()).toEqual(['test-idle:user-timeout-3s', 'test-rst:close-only']);
    // The cell that had run was kept, not run again.
    expect(doc.cells.find((c) => c.form === first!.form)).toEqual(first);
    expect(doc.merged_at).toBeDefined();
  }, 240_000);
});
