// The real `tcplab diff` CLI on the two recorded fast test-idle runs (fixtures/README.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.ts';
import { diffDocSchema } from './index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const a = path.join(here, 'fixtures', 'keepidle-1');
const b = path.join(here, 'fixtures', 'keepidle-2');
// The picture goes to a temporary folder, never into the committed fixture.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-diff-'));
const out = path.join(tmp, 'diff.svg');

describe('tcplab diff', () => {
  it('prints the header and the table, exit 0, and writes the picture where --out says', async () => {
    const r = await runCli(['diff', a, b, '--out', out]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('differs in: keepidle 1 → 2');
    expect(r.stdout).toMatch(/^keepalive probe 1 .*keepidle 1 → 2: the model predicts \+1\.000 s$/m);
    expect(r.stdout).toContain(`wrote ${out}`);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<\?xml/);
  });
  it('--json is exactly one document that follows the schema', async () => {
    const r = await runCli(['diff', a, b, '--json', '--out', out]);
    expect(r.exitCode).toBe(0);
    const doc = diffDocSchema.parse(JSON.parse(r.stdout));
    expect(doc.rows.filter((x) => x.differs).length).toBeGreaterThan(0);
  });
  it('a missing folder: exit 2, the problem and its fix, no stack trace', async () => {
    const r = await runCli(['diff', path.join(here, 'no-such-run'), b]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no-such-run is not a folder/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
