import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildResultsIndex, findRunFolders, writeResultsIndex } from './results-index.ts';
import { renderTimeline } from './timeline-svg.ts';
import { syntheticDeadRun, syntheticIdleRun } from './synthetic-runs.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-index-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function runFolder(runId: string, experiment: string, result: object | string, files: string[] = []): string {
  const dir = path.join(tmp, runId, experiment);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'result.json'), typeof result === 'string' ? result : JSON.stringify(result));
  for (const f of files) fs.writeFileSync(path.join(dir, f), f.endsWith('.svg') ? renderTimeline(result as never) : 'x');
  return dir;
}

const idle = { ...syntheticIdleRun(), started_at: '2026-01-02T10:00:00.000Z', fast: true };
idle.expectations[0] = { ...idle.expectations[0]!, error_s: 0.0217 };
const dead = { ...syntheticDeadRun(), started_at: '2026-01-03T10:00:00.000Z', variant: 'odd<name>&"quotes"' };
runFolder('2026-01-02T10-00-00Z-aaaa', 'test-idle', idle, ['timeline.svg', 'capture.pcap']);
runFolder('2026-01-03T10-00-00Z-bbbb', 'test-dead', dead, ['capture.pcap']);
runFolder('2026-01-04T10-00-00Z-cccc', 'test-zero', '{ not json');
runFolder('_scratch', 'x', idle);
fs.writeFileSync(path.join(tmp, 'stray.txt'), 'not a run');

describe('buildResultsIndex', () => {
  const html = buildResultsIndex(tmp);

  it('finds every run folder, and only run folders', () => {
    expect(findRunFolders(tmp).map((d) => path.relative(tmp, d))).toEqual([
      '2026-01-02T10-00-00Z-aaaa/test-idle',
      '2026-01-03T10-00-00Z-bbbb/test-dead',
      '2026-01-04T10-00-00Z-cccc/test-zero',
    ]);
    expect(html.match(/<tr class="run /g)).toHaveLength(3);
    expect(html).toContain('3 runs: 1 pass, 1 fail, 0 skip, 1 unreadable');
  });

  it('shows experiment, variant, kernel, backend, verdict and the error of each expectation', () => {
    expect(html).toContain('<b>test-idle</b> <span class="tag">fast</span>');
    expect(html).toContain('<b>test-dead:odd&lt;name&gt;&amp;&quot;quotes&quot;</b>');
    expect(html).toContain('<td class="k">6.18.44-fc-v669</td>');
    expect(html).toContain('<td>netns</td>');
    expect(html).toContain('<span class="verdict fail">FAIL</span><div class="count">18/19</div>');
    expect(html).toMatch(/keepalive probe 1: <span class="num">\+21\.7 ms \(observed 5\.074 s\)<\/span>/);
    expect(html).toMatch(/<li class="bad"><span class="mark">✘<\/span> RTO retransmission 3: <span class="num">\+72\.0 ms/);
    expect(html).toContain('RTO retransmissions: <span class="num">expected 16, observed 16</span>');
    expect(html).toContain('result.json cannot be read');
  });

  it('lists the newest run first', () => {
    expect(html.indexOf('test-dead')).toBeLessThan(html.indexOf('test-idle'));
  });

  it('links each timeline and pcap that exists, relative to the results folder', () => {
    expect(html).toContain('<a href="2026-01-02T10-00-00Z-aaaa/test-idle/timeline.svg">timeline</a>');
    expect(html).toContain('<a href="2026-01-02T10-00-00Z-aaaa/test-idle/capture.pcap" download>capture.pcap</a>');
    expect(html).toContain('<a href="2026-01-03T10-00-00Z-bbbb/test-dead/capture.pcap" download>capture.pcap</a>');
    const links = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
    for (const l of links) expect(fs.existsSync(path.join(tmp, decodeURIComponent(l))), l).toBe(true);
  });

  it('works offline: no external assets of any kind', () => {
    expect(html).not.toMatch(/https?:|\/\/[a-z]|<link|@import|url\(|<iframe|<object|<embed/i);
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it('is a page even with no runs at all', () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    expect(buildResultsIndex(empty)).toContain('No runs yet');
    expect(buildResultsIndex(path.join(tmp, 'does-not-exist'))).toContain('0 runs');
  });
});

const chromium = ['chromium', 'chromium-browser'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);

/** Load a page in headless Chromium; returns the DOM after its scripts ran, and every console line. */
function loadInChromium(file: string): { dom: string; console: string[] } {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-chromium-'));
  try {
    const r = spawnSync(
      chromium!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        '--enable-logging=stderr',
        '--v=0',
        '--dump-dom',
        `file://${file}`,
      ],
      { encoding: 'utf8', timeout: 90_000 },
    );
    // Chromium logs every console message (log, warn, error, uncaught exceptions) as ":CONSOLE(".
    return { dom: r.stdout, console: r.stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l)) };
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

describe.skipIf(!chromium)('results/index.html in headless Chromium', () => {
  it('notices a console error when there is one (the check below is not blind)', () => {
    const bad = path.join(tmp, 'bad.html');
    fs.writeFileSync(bad, '<!DOCTYPE html><html><body><script>console.error("boom"); undefinedFunction();</script></body></html>');
    const { console } = loadInChromium(bad);
    expect(console.join('\n')).toMatch(/boom/);
    expect(console.join('\n')).toMatch(/Uncaught ReferenceError/);
  });

  it('opens with no console errors, and its script runs', () => {
    const file = writeResultsIndex(tmp);
    expect(file).toBe(path.join(tmp, 'index.html'));
    const { dom, console } = loadInChromium(file);
    expect(console).toEqual([]);
    expect(dom).toContain('data-ready="1"');
    expect(dom).toContain('3 of 3 runs shown');
  });
});

describe('redrawTimelines', () => {
  it('draws timeline.svg into every readable run folder and names the rest', async () => {
    const { redrawTimelines } = await import('./results-index.ts');
    const { drawn, skipped } = redrawTimelines(tmp);
    expect(drawn.map((f) => path.relative(tmp, f))).toEqual([
      '2026-01-02T10-00-00Z-aaaa/test-idle/timeline.svg',
      '2026-01-03T10-00-00Z-bbbb/test-dead/timeline.svg',
    ]);
    expect(skipped.map((s) => path.relative(tmp, s.dir))).toEqual(['2026-01-04T10-00-00Z-cccc/test-zero']);
    expect(buildResultsIndex(tmp)).toContain('<a href="2026-01-03T10-00-00Z-bbbb/test-dead/timeline.svg">timeline</a>');
  });
});
