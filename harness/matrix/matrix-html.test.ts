import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildResultsIndex } from '../report/results-index.ts';
import { syntheticIdleRun } from '../report/synthetic-runs.ts';
import { FIXTURE_FILE, fixtureDoc } from './fixture.ts';
import { renderMatrixHtml } from './matrix-html.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-matrix-html-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const rowOf = (html: string, form: string) => html.match(new RegExp(`<tr class="mrow[^"]*" data-form="${form}">.*?</tr>`))?.[0] ?? '';

describe('renderMatrixHtml', () => {
  const html = renderMatrixHtml(fixtureDoc());

  it('is one section with a column per kernel and a row per form', () => {
    expect(html).toMatch(/^<section id="kernel-matrix">\n<h2>Kernel matrix<\/h2>/);
    expect(html).toContain('<thead><tr><th>form</th><th title="5.10.0-35-amd64">5.10</th><th title="6.1.0-37-amd64">6.1</th><th title="6.12.41+deb13-amd64">6.12</th><th title="6.18.44-fc-v1045">host</th></tr></thead>');
    expect(html.match(/<tr class="mrow/g)).toHaveLength(6);
  });

  it('highlights the rows where kernels differ, and only those', () => {
    expect(rowOf(html, 'test-syn-sent')).toMatch(/^<tr class="mrow differs" data-form="test-syn-sent"><td><b>test-syn-sent<\/b> <span class="mark"[^>]*>≠<\/span>/);
    expect(rowOf(html, 'test-idle')).toMatch(/^<tr class="mrow" data-form="test-idle"><td>test-idle<\/td>/);
    expect(html.match(/class="mrow differs"/g)).toHaveLength(4);
  });

  it('shows verdict, key timing and a shortened reason in the cells, and the causes below', () => {
    expect(rowOf(html, 'test-idle')).toContain('<td class="cell"><span class="m-pass">pass</span> <span class="m-time">14.3 s</span></td>');
    expect(rowOf(html, 'test-dead2')).toContain('<span class="m-fail">FAIL</span>');
    expect(rowOf(html, 'rto-retries2:rtt-400ms')).toContain('<span class="m-skip">skip</span> <span class="reason" title="no sch_netem">(no sch_netem)</span>');
    expect(html).toContain('<li>SYN retransmissions: 6 on 5.10, 6.1; 10 on 6.12, host (expected times also differ: 2–6)<div class="cause">cause: First SYN RTOs linear');
    expect(html).toContain('commit ccce324dabfe, 6.5');
  });

  it('escapes what it prints', () => {
    const doc = fixtureDoc();
    doc.cells.find((c) => c.verdict === 'skip')!.reason = '<script>x</script>';
    const out = renderMatrixHtml(doc);
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;');
  });
});

describe('results/index.html with results/matrix.json', () => {
  function resultsDir(name: string, matrix?: string): string {
    const dir = path.join(tmp, name);
    const run = path.join(dir, '2026-03-14T09-00-00Z-m3', 'test-idle');
    fs.mkdirSync(run, { recursive: true });
    fs.writeFileSync(path.join(run, 'result.json'), JSON.stringify(syntheticIdleRun()));
    if (matrix !== undefined) fs.writeFileSync(path.join(dir, 'matrix.json'), matrix);
    return dir;
  }

  it('shows a "Kernel matrix" section with the table and its highlights, and the runs still', () => {
    const doc = fixtureDoc();
    const dir = resultsDir('with');
    // Point host's test-idle cell at the run folder in this results dir: the cell links to it.
    doc.cells.find((c) => c.form === 'test-idle' && c.kernel === 'host')!.runDir = path.join(dir, '2026-03-14T09-00-00Z-m3', 'test-idle');
    fs.writeFileSync(path.join(dir, 'matrix.json'), JSON.stringify(doc));
    const html = buildResultsIndex(dir);
    expect(html).toContain('<section id="kernel-matrix">\n<h2>Kernel matrix</h2>');
    expect(html).toContain('<tr class="mrow differs" data-form="test-syn-sent">');
    expect(html).toContain('table.matrix tr.differs { background: #fff8c5; }');
    expect(html).toContain('<a href="2026-03-14T09-00-00Z-m3/test-idle/result.json"><span class="m-pass">pass</span></a>');
    expect(html.match(/<tr class="run /g)).toHaveLength(1);
    expect(html.indexOf('Kernel matrix')).toBeLessThan(html.indexOf('<tr class="run '));
    // Offline: still nothing fetched from anywhere, every link resolves.
    expect(html).not.toMatch(/https?:|\/\/[a-z]|<link|@import|url\(|<iframe|<object|<embed/i);
    for (const l of [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!)) expect(fs.existsSync(path.join(dir, decodeURIComponent(l))), l).toBe(true);
  });

  it('has no matrix section without matrix.json', () => {
    const html = buildResultsIndex(resultsDir('without'));
    expect(html).not.toContain('kernel-matrix');
    expect(html).not.toContain('table.matrix');
  });

  it('says so when matrix.json cannot be read, and still lists the runs', () => {
    const broken = JSON.parse(fs.readFileSync(FIXTURE_FILE, 'utf8'));
    delete broken.tool;
    const html = buildResultsIndex(resultsDir('broken', JSON.stringify(broken)));
    expect(html).toContain('<div class="bad">matrix.json cannot be read:');
    expect(html.match(/<tr class="run /g)).toHaveLength(1);
  });
});
