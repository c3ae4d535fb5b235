// results/index.html: one static page over every run folder in results/.
//
// A row per run (results/<run-id>/<experiment>/result.json): when, experiment and
// variant, kernel, backend, verdict, every expectation with its error, and links to
// the timeline, the capture and the result; above them the kernel matrix when
// results/matrix.json exists (harness/matrix). Offline and self-contained: inline CSS
// and a few lines of inline script (a filter), nothing fetched from anywhere.
import fs from 'node:fs';
import path from 'node:path';
import { type MatrixCell, type MatrixDoc, parseMatrixDoc } from '../matrix/matrix-doc.ts';
import { MATRIX_CSS, renderMatrixHtml } from '../matrix/matrix-html.ts';
import type { Expectation } from '../verdict/judge.ts';
import type { RunResult } from './result.ts';
import { writeTimeline } from './timeline-svg.ts';

/** What the index needs from a result.json (older runs may lack fields). */
interface RunSummary {
  dir: string;
  runId: string;
  experiment: string;
  variant: string | null;
  fast: boolean;
  kernel: string;
  backend: string;
  verdict: string;
  started: string;
  params: Record<string, number>;
  expectations: Expectation[];
  reason?: string;
  notesLine?: string;
  files: { timeline: boolean; pcap: boolean; result: boolean };
  error?: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function href(resultsDir: string, file: string): string {
  return path
    .relative(resultsDir, file)
    .split(path.sep)
    .map((p) => encodeURIComponent(p))
    .join('/');
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Every run folder under resultsDir: <run-id>/<experiment>/ holding a result.json. */
export function findRunFolders(resultsDir: string): string[] {
  if (!isDir(resultsDir)) return [];
  const out: string[] = [];
  for (const run of fs.readdirSync(resultsDir).sort()) {
    if (run.startsWith('.') || run.startsWith('_')) continue;
    const runDir = path.join(resultsDir, run);
    if (!isDir(runDir)) continue;
    if (fs.existsSync(path.join(runDir, 'result.json'))) out.push(runDir);
    for (const exp of fs.readdirSync(runDir).sort()) {
      const d = path.join(runDir, exp);
      if (isDir(d) && fs.existsSync(path.join(d, 'result.json'))) out.push(d);
    }
  }
  return out;
}

function summarise(resultsDir: string, dir: string): RunSummary {
  const rel = path.relative(resultsDir, dir).split(path.sep);
  const files = {
    timeline: fs.existsSync(path.join(dir, 'timeline.svg')),
    pcap: fs.existsSync(path.join(dir, 'capture.pcap')),
    result: true,
  };
  const base: RunSummary = {
    dir,
    runId: rel[0] ?? '',
    experiment: rel[1] ?? rel[0] ?? '?',
    variant: null,
    fast: false,
    kernel: '?',
    backend: '?',
    verdict: 'unreadable',
    started: '',
    params: {},
    expectations: [],
    files,
  };
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8')) as Record<string, unknown>;
  } catch (e) {
    return { ...base, error: `result.json cannot be read: ${(e as Error).message}` };
  }
  const str = (k: string, d: string) => (typeof r[k] === 'string' ? (r[k] as string) : d);
  const nc = r.notes_comparison as { line?: string; differs?: boolean } | undefined;
  return {
    ...base,
    experiment: str('experiment', base.experiment),
    variant: typeof r.variant === 'string' ? r.variant : null,
    fast: r.fast === true,
    kernel: str('kernel', '?'),
    backend: str('backend', '?'),
    verdict: str('verdict', '?'),
    started: str('started_at', ''),
    params: (r.params as Record<string, number>) ?? {},
    expectations: Array.isArray(r.expectations) ? (r.expectations as Expectation[]) : [],
    ...(typeof r.reason === 'string' ? { reason: r.reason } : {}),
    ...(nc?.differs && nc.line ? { notesLine: nc.line } : {}),
  };
}

function fmtErr(s: number): string {
  const v = s * 1000;
  const a = Math.abs(v);
  const sign = v >= 0 ? '+' : '−';
  return a >= 1000 ? `${sign}${Math.abs(s).toFixed(3)} s` : `${sign}${a < 1 ? a.toFixed(2) : a.toFixed(1)} ms`;
}

function expectationItem(e: Expectation): string {
  const mark = e.ok ? '✔' : '✘';
  let detail: string;
  if (e.expected !== undefined) detail = `expected ${String(e.expected)}, observed ${String(e.observed ?? '–')}`;
  else if (e.observed_s === null) detail = e.expected_s === null ? 'not judged' : `expected at ${e.expected_s.toFixed(3)} s, never observed`;
  else detail = e.error_s !== undefined ? `${fmtErr(e.error_s)} (observed ${e.observed_s.toFixed(3)} s)` : `observed ${e.observed_s.toFixed(3)} s`;
  const note = e.note && !e.ok ? ` — ${e.note}` : '';
  return `<li class="${e.ok ? 'ok' : 'bad'}"><span class="mark">${mark}</span> ${esc(e.name)}: <span class="num">${esc(detail)}</span>${esc(note)}</li>`;
}

function row(resultsDir: string, r: RunSummary): string {
  const name = `${r.experiment}${r.variant ? `:${r.variant}` : ''}`;
  const passed = r.expectations.filter((e) => e.ok).length;
  const links = [
    r.files.timeline ? `<a href="${href(resultsDir, path.join(r.dir, 'timeline.svg'))}">timeline</a>` : '<span class="none">no timeline</span>',
    r.files.pcap ? `<a href="${href(resultsDir, path.join(r.dir, 'capture.pcap'))}" download>capture.pcap</a>` : '<span class="none">no pcap</span>',
    `<a href="${href(resultsDir, path.join(r.dir, 'result.json'))}">result.json</a>`,
  ].join('<br>');
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const extra = [
    r.error ? `<div class="bad">${esc(r.error)}</div>` : '',
    r.reason ? `<div class="reason">${esc(r.reason)}</div>` : '',
    r.notesLine ? `<details class="notes"><summary>differs from what the notes saw on 4.19</summary>${esc(r.notesLine)}</details>` : '',
  ].join('');
  const search = [name, r.kernel, r.backend, r.verdict, r.runId, params].join(' ').toLowerCase();
  return `<tr class="run v-${esc(r.verdict)}" data-search="${esc(search)}" data-verdict="${esc(r.verdict)}">
<td class="when">${esc(r.started.replace('T', ' ').replace(/\.\d+Z$/, ''))}<div class="runid">${esc(r.runId)}</div></td>
<td><b>${esc(name)}</b>${r.fast ? ' <span class="tag">fast</span>' : ''}<div class="params">${esc(params)}</div></td>
<td class="k">${esc(r.kernel)}</td>
<td>${esc(r.backend)}</td>
<td><span class="verdict ${esc(r.verdict)}">${esc(r.verdict.toUpperCase())}</span><div class="count">${passed}/${r.expectations.length}</div></td>
<td><details${r.verdict === 'fail' ? ' open' : ''}><summary>${r.expectations.length} expectation${r.expectations.length === 1 ? '' : 's'}</summary><ul>${r.expectations.map(expectationItem).join('')}</ul></details>${extra}</td>
<td class="links">${links}</td>
</tr>`;
}

const STYLE = `
body { font: 14px/1.45 'DejaVu Sans', 'Liberation Sans', Helvetica, Arial, sans-serif; color: #1f2328; margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.sub { color: #57606a; margin-bottom: 16px; }
.bar { margin: 12px 0; display: flex; gap: 16px; align-items: center; }
input[type=search] { font: inherit; padding: 4px 8px; width: 320px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #d0d7de; }
th { background: #f6f8fa; font-size: 13px; }
.verdict { font-weight: bold; padding: 1px 6px; border-radius: 4px; color: #fff; }
.verdict.pass { background: #1a7f37; } .verdict.fail { background: #cf222e; } .verdict.skip { background: #9a6700; } .verdict.unreadable { background: #57606a; }
.count, .runid, .params, .none { color: #57606a; font-size: 12px; }
.params { font-family: 'DejaVu Sans Mono', Menlo, monospace; }
.tag { background: #ddf4ff; color: #0969da; border-radius: 4px; padding: 0 4px; font-size: 12px; }
ul { margin: 4px 0 0; padding-left: 0; list-style: none; }
li.ok .mark { color: #1a7f37; } li.bad { color: #cf222e; } li.bad .mark { font-weight: bold; }
.num { font-family: 'DejaVu Sans Mono', Menlo, monospace; font-size: 13px; }
.bad { color: #cf222e; } .reason { color: #9a6700; } .notes { color: #57606a; font-size: 12px; margin-top: 4px; }
tr.hidden { display: none; }
.when, td.k { white-space: nowrap; }
.links { white-space: nowrap; font-size: 13px; }
details.notes summary { color: #9a6700; cursor: pointer; }
`;

const SCRIPT = `
(function () {
  var q = document.getElementById('q');
  var failOnly = document.getElementById('failonly');
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.run'));
  var shown = document.getElementById('shown');
  function apply() {
    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var n = 0;
    rows.forEach(function (r) {
      var text = r.getAttribute('data-search');
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; }) && (!failOnly.checked || r.getAttribute('data-verdict') !== 'pass');
      r.classList.toggle('hidden', !ok);
      if (ok) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' runs shown';
  }
  q.addEventListener('input', apply);
  failOnly.addEventListener('change', apply);
  apply();
  document.body.setAttribute('data-ready', '1');
})();
`;

/**
 * The "Kernel matrix" section when resultsDir/matrix.json exists (npm run matrix),
 * a note when it cannot be read, else nothing. Cells link to their run folder when
 * it is inside resultsDir.
 */
function matrixSection(resultsDir: string, name = 'matrix'): string {
  const file = path.join(resultsDir, `${name}.json`);
  if (!fs.existsSync(file)) return '';
  let doc: MatrixDoc;
  try {
    doc = parseMatrixDoc(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return `<section id="kernel-matrix"><h2>Kernel matrix</h2><div class="bad">${name}.json cannot be read: ${esc((e as Error).message)}</div></section>`;
  }
  const linkFor = (cell: MatrixCell): string | undefined => {
    if (!cell.runDir) return undefined;
    const dir = path.resolve(resultsDir, cell.runDir);
    if (path.relative(resultsDir, dir).startsWith('..')) return undefined;
    const target = ['timeline.svg', 'result.json'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    return target ? href(resultsDir, target) : undefined;
  };
  return renderMatrixHtml(doc, { linkFor });
}

/** The whole page for every run folder under resultsDir, newest first. Links are relative to resultsDir. */
export function buildResultsIndex(resultsDir: string): string {
  const runs = findRunFolders(resultsDir)
    .map((d) => summarise(resultsDir, d))
    .sort((a, b) => b.started.localeCompare(a.started) || b.runId.localeCompare(a.runId));
  const count = (v: string) => runs.filter((r) => r.verdict === v).length;
  const kernels = [...new Set(runs.map((r) => r.kernel))].sort();
  // The real-length matrix (committed), then a fast one when npm run matrix -- --fast made it.
  const matrix = matrixSection(resultsDir) + matrixSection(resultsDir, 'matrix-fast');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tcplab results</title>
<style>${STYLE}${matrix ? MATRIX_CSS : ''}</style>
</head>
<body>
<h1>tcplab results</h1>
<div class="sub">${runs.length} run${runs.length === 1 ? '' : 's'}: ${count('pass')} pass, ${count('fail')} fail, ${count('skip')} skip${
    count('unreadable') ? `, ${count('unreadable')} unreadable` : ''
  } · kernels: ${esc(kernels.join(', ') || 'none')} · generated ${esc(new Date().toISOString())}</div>
${matrix}
<div class="bar"><input type="search" id="q" placeholder="filter: experiment, kernel, backend, verdict…" aria-label="filter"><label><input type="checkbox" id="failonly"> failures and skips only</label><span id="shown" class="count"></span></div>
<table>
<thead><tr><th>started</th><th>experiment</th><th>kernel</th><th>backend</th><th>verdict</th><th>expectations (error = observed − expected)</th><th>files</th></tr></thead>
<tbody>
${runs.map((r) => row(resultsDir, r)).join('\n')}
</tbody>
</table>
${runs.length === 0 ? '<p class="sub">No runs yet: run an experiment with npm run exp test-idle -- --fast.</p>' : ''}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Write resultsDir/index.html; returns its path. */
export function writeResultsIndex(resultsDir: string): string {
  const file = path.join(resultsDir, 'index.html');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(file, buildResultsIndex(resultsDir));
  return file;
}

/**
 * Redraw timeline.svg in every run folder from its result.json (for runs made
 * before timelines existed, or after the picture changed). Unreadable results are
 * skipped and named in the answer.
 */
export function redrawTimelines(resultsDir: string): { drawn: string[]; skipped: Array<{ dir: string; why: string }> } {
  const drawn: string[] = [];
  const skipped: Array<{ dir: string; why: string }> = [];
  for (const dir of findRunFolders(resultsDir)) {
    try {
      const result = JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8')) as RunResult;
      drawn.push(writeTimeline(result, dir));
    } catch (e) {
      skipped.push({ dir, why: (e as Error).message });
    }
  }
  return { drawn, skipped };
}
