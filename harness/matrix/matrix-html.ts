// The kernel matrix as an HTML fragment for results/index.html: the same table as
// matrix.md (rows where kernels differ highlighted) and the differences with their
// causes. Offline: no external assets; the page includes MATRIX_CSS in its <style>.
import { fmtDuration, fmtSeconds, summariseCell } from './cell-summary.ts';
import { causeLine, matrixDifferences } from './differences.ts';
import { DIFFERS_MARK } from './matrix-md.ts';
import { type MatrixCell, type MatrixDoc, cellAt, matrixForms } from './matrix-doc.ts';

export interface MatrixHtmlOptions {
  /** A relative link for a cell (its run folder's timeline or result), if it has one. */
  linkFor?: (cell: MatrixCell) => string | undefined;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export const MATRIX_CSS = `
#kernel-matrix { margin: 16px 0 28px; }
#kernel-matrix h2 { font-size: 18px; margin: 0 0 4px; }
#kernel-matrix h3 { font-size: 15px; margin: 14px 0 4px; }
#kernel-matrix h4 { font-size: 14px; margin: 10px 0 2px; }
table.matrix { width: auto; }
table.matrix td.cell { white-space: nowrap; }
table.matrix .m-pass { color: #1a7f37; } table.matrix .m-fail { color: #cf222e; font-weight: bold; }
table.matrix .m-skip { color: #9a6700; } table.matrix .m-error { color: #57606a; font-weight: bold; }
table.matrix .m-time { font-family: 'DejaVu Sans Mono', Menlo, monospace; font-size: 12px; color: #57606a; }
table.matrix tr.differs { background: #fff8c5; }
table.matrix tr.differs .mark { color: #9a6700; font-weight: bold; }
.matrix-kernels td, .matrix-kernels th { font-size: 13px; }
ul.differences .cause { color: #57606a; font-size: 13px; }
`;

function cellHtml(doc: MatrixDoc, form: string, label: string, opts: MatrixHtmlOptions): string {
  const cell = cellAt(doc, form, label);
  const s = summariseCell(cell);
  const word = `<span class="m-${esc(cell?.verdict ?? 'none')}">${esc(s.word)}</span>`;
  const link = cell && opts.linkFor?.(cell);
  const parts = [
    link ? `<a href="${esc(link)}">${word}</a>` : word,
    s.reason ? `<span class="reason" title="${esc(cell!.reason!)}">(${esc(s.reason)})</span>` : '',
    s.time ? `<span class="m-time">${esc(s.time)}</span>` : '',
  ].filter(Boolean);
  return `<td class="cell">${parts.join(' ')}</td>`;
}

/** `<section id="kernel-matrix">`: the kernels, the table, the differences. */
export function renderMatrixHtml(doc: MatrixDoc, opts: MatrixHtmlOptions = {}): string {
  const rows = matrixDifferences(doc);
  const differing = new Set(rows.map((r) => r.form));
  const kernels = doc.kernels
    .map(
      (k) =>
        `<tr><td><b>${esc(k.label)}</b></td><td class="k">${esc(k.release)}${k.version ? ` (${esc(k.version)})` : ''}</td><td>${esc(k.backend)}</td><td>${esc(k.accel ?? '–')}</td><td class="num">${
          k.boot_s !== undefined ? fmtSeconds(k.boot_s) : '–'
        }</td><td class="num">${k.wall_s !== undefined ? fmtDuration(k.wall_s) : '–'}</td></tr>`,
    )
    .join('\n');
  const body = matrixForms(doc)
    .map((form) => {
      const d = differing.has(form);
      const name = d ? `<b>${esc(form)}</b> <span class="mark" title="the kernels differ">${DIFFERS_MARK}</span>` : esc(form);
      return `<tr class="mrow${d ? ' differs' : ''}" data-form="${esc(form)}"><td>${name}</td>${doc.kernels.map((k) => cellHtml(doc, form, k.label, opts)).join('')}</tr>`;
    })
    .join('\n');
  const diffs = rows
    .map(
      (r) =>
        `<h4>${esc(r.form)}</h4><ul class="differences">${r.differences
          .map((d) => {
            const causes = d.causes.length ? d.causes.map((c) => `<div class="cause">cause: ${esc(causeLine(c))}</div>`).join('') : `<div class="cause">${esc(d.causeText)}</div>`;
            return `<li>${esc(d.text)}${causes}</li>`;
          })
          .join('')}</ul>`,
    )
    .join('\n');
  // The real-length and the fast matrix can both be on one page.
  return `<section id="kernel-matrix${doc.fast ? '-fast' : ''}">
<h2>Kernel matrix${doc.fast ? ' (fast forms)' : ''}</h2>
${doc.incomplete ? `<div class="bad">incomplete: ${esc(doc.incomplete)}</div>` : ''}<div class="sub">generated ${esc(doc.generated_at)}${doc.merged_at ? `, cells merged in ${esc(doc.merged_at)}` : ''} · ${doc.fast ? 'fast forms' : 'real length'} · ${rows.length} row${rows.length === 1 ? '' : 's'} where kernels differ (${DIFFERS_MARK})</div>
<table class="matrix-kernels"><thead><tr><th>kernel</th><th>release</th><th>backend</th><th>accel</th><th>boot</th><th>wall</th></tr></thead><tbody>
${kernels}
</tbody></table>
<table class="matrix"><thead><tr><th>form</th>${doc.kernels.map((k) => `<th title="${esc(k.release)}">${esc(k.label)}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table>
${rows.length ? `<h3>Differences between kernels</h3>\n${diffs}` : '<p class="sub">No differences between kernels.</p>'}
</section>`;
}
