import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureDoc } from './fixture.ts';
import { parseMatrixDoc } from './matrix-doc.ts';
import { renderMatrixMarkdown } from './matrix-md.ts';
import { writeMatrix } from './write-matrix.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-matrix-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The main table: the rows after the '| form |' header. */
function mainTable(md: string): string[][] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| form |'));
  const rows: string[][] = [];
  for (let i = start; i < lines.length && lines[i]!.startsWith('|'); i++) {
    rows.push(lines[i]!.slice(2, -2).split(' | '));
  }
  return rows;
}

describe('renderMatrixMarkdown', () => {
  const md = renderMatrixMarkdown(fixtureDoc());
  const table = mainTable(md);

  it('has a header with the date, the length and every kernel’s release, backend, accel, boot and wall time', () => {
    expect(md).toMatch(/^# tcplab kernel matrix\n\nGenerated 2026-03-14T09:17:02\.000Z · real length · 6 forms on 4 kernels · 4 rows where kernels differ/);
    expect(md).toContain('| 5.10 | `5.10.0-35-amd64` | vm | kvm | 9.8 s | 16 min 58 s |');
    expect(md).toContain('| host | `6.18.44-fc-v1045` | netns | – | – | 16 min 44 s |');
    // 5.10's and 6.1's facts come from x.y.0: the reader is told the stable backports
    // (zero-window fixes in 5.10, the TLP timeout in both) are invisible.
    expect(md).toMatch(/Version facts for 5\.10 \(read as 5\.10\.0\)/);
    expect(md).toMatch(/6\.1 \(read as 6\.1\.0\)/);
    // 6.12's release carries its patch level: no warning.
    expect(md).not.toContain('6.12 (read as');
  });

  it('has one column per kernel and one row per form', () => {
    expect(table[0]).toEqual(['form', '5.10', '6.1', '6.12', 'host']);
    expect(table.slice(2).map((r) => r.length)).toEqual([5, 5, 5, 5, 5, 5]);
    expect(table.slice(2).map((r) => r[0])).toEqual([
      'test-idle',
      'test-idle:user-timeout-3s',
      '**test-syn-sent** ≠',
      '**test-syn-sent:user-timeout-5s** ≠',
      '**test-dead2** ≠',
      '**rto-retries2:rtt-400ms** ≠',
    ]);
  });

  it('puts the verdict and the key timing in each cell', () => {
    expect(table[2]).toEqual(['test-idle', 'pass 14.3 s', 'pass 14.3 s', 'pass 14.3 s', 'pass 14.4 s']);
    expect(table[4]!.slice(1)).toEqual(['pass 130.0 s', 'pass 129.6 s', 'pass 133.4 s', 'pass 133.8 s']);
    expect(table[6]![1]).toBe('FAIL 10.9 s');
    expect(table[7]![4]).toBe('skip (no sch_netem)');
  });

  it('lists each differing row’s differences with their cause, commit and version', () => {
    const section = md.slice(md.indexOf('## Differences between kernels'), md.indexOf('## Legend'));
    expect(section).toContain('### test-syn-sent\n\n- SYN retransmissions: 6 on 5.10, 6.1; 10 on 6.12, host');
    expect(section).toContain('- connect() fails with ETIMEDOUT: expected 127.0 s on 5.10, 6.1; 131.0 s on 6.12, host');
    expect(section).toContain(
      '- Cause: First SYN RTOs linear: sysctl tcp_syn_linear_timeouts (default 4) (commit ccce324dabfe, 6.5): on 6.12, host; not on 5.10, 6.1 [`synLinearTimeouts`]',
    );
    expect(section).toContain("### test-dead2\n\n- verdict: fail on 5.10; pass on 6.1, 6.12, host\n\n- Cause unknown: not in the model's version facts");
    expect(section).toContain('skip (no sch_netem) on host');
    expect(section).not.toContain('### test-idle');
  });

  it('has a legend', () => {
    expect(md).toMatch(/## Legend\n\n- `pass`, `FAIL`/);
  });

  it('keeps a pipe in a reason from breaking the table', () => {
    const doc = fixtureDoc();
    doc.cells.find((c) => c.verdict === 'skip')!.reason = 'tc | grep netem: nothing';
    expect(mainTable(renderMatrixMarkdown(doc))[7]![4]).toBe('skip (tc \\| grep netem: nothing)');
  });
});

describe('writeMatrix', () => {
  it('writes matrix.json (which parses back) and matrix.md into the results folder', () => {
    const dir = path.join(tmp, 'results');
    const doc = fixtureDoc();
    const out = writeMatrix(doc, dir);
    expect(out).toEqual({ json: path.join(dir, 'matrix.json'), md: path.join(dir, 'matrix.md') });
    expect(parseMatrixDoc(fs.readFileSync(out.json, 'utf8'))).toEqual(doc);
    expect(fs.readFileSync(out.md, 'utf8')).toBe(renderMatrixMarkdown(doc));
  });

  it('refuses a malformed document and writes nothing', () => {
    const dir = path.join(tmp, 'bad');
    const doc = fixtureDoc();
    doc.cells[0]!.kernel = 'nowhere';
    expect(() => writeMatrix(doc, dir)).toThrow(/unknown kernel 'nowhere'/);
    expect(fs.existsSync(path.join(dir, 'matrix.json'))).toBe(false);
  });
});
