// results/matrix.md: the matrix as a document a person reads.
//
// A header (when, which length, each kernel), one table (a row per form, a column
// per kernel; rows where kernels differ in bold with a marker), the differences
// with their causes, and a legend.
import { fmtSeconds, fmtDuration, summariseCell } from './cell-summary.ts';
import { type KernelDifference, type RowDifferences, causeLine, matrixDifferences } from './differences.ts';
import { factsRelease, hidesPatchLevel } from './facts-release.ts';
import { type MatrixDoc, cellAt, matrixForms } from './matrix-doc.ts';

/** Marks a row on which the kernels differ (also in the HTML). */
export const DIFFERS_MARK = '≠';

/** Table cells cannot hold a pipe or a line break. */
function cellText(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function row(cells: string[]): string {
  return `| ${cells.map(cellText).join(' | ')} |`;
}

function kernelTable(doc: MatrixDoc): string[] {
  const lines = [row(['kernel', 'release', 'backend', 'accel', 'boot', 'wall']), row(['---', '---', '---', '---', '---:', '---:'])];
  for (const k of doc.kernels) {
    lines.push(
      row([
        k.label,
        `\`${k.release}\`${k.version ? ` (${k.version})` : ''}`,
        k.backend,
        k.accel ?? '–',
        k.boot_s !== undefined ? fmtSeconds(k.boot_s) : '–',
        k.wall_s !== undefined ? fmtDuration(k.wall_s) : '–',
      ]),
    );
  }
  return lines;
}

function mainTable(doc: MatrixDoc, differing: ReadonlySet<string>): string[] {
  const lines = [row(['form', ...doc.kernels.map((k) => k.label)]), row(['---', ...doc.kernels.map(() => '---')])];
  for (const form of matrixForms(doc)) {
    const name = differing.has(form) ? `**${form}** ${DIFFERS_MARK}` : form;
    const cells = doc.kernels.map((k) => {
      const s = summariseCell(cellAt(doc, form, k.label));
      return [s.word, s.reason ? `(${s.reason})` : '', s.time ?? ''].filter(Boolean).join(' ');
    });
    lines.push(row([name, ...cells]));
  }
  return lines;
}

function differenceSection(rows: readonly RowDifferences[]): string[] {
  const lines = ['## Differences between kernels', ''];
  if (rows.length === 0) {
    lines.push('None: every form had the same verdict and the same expected timings on every kernel.', '');
    return lines;
  }
  for (const r of rows) {
    lines.push(`### ${r.form}`, '');
    const shared = new Set(r.differences.map((d) => d.causeText)).size === 1;
    for (const d of r.differences) {
      lines.push(`- ${d.text}`);
      if (!shared) lines.push(...causeBullets(d, '  '));
    }
    if (shared) lines.push('', ...causeBullets(r.differences[0]!, ''));
    lines.push('');
  }
  return lines;
}

function causeBullets(d: KernelDifference, indent: string): string[] {
  if (d.causes.length === 0) return [`${indent}- ${d.causeText.charAt(0).toUpperCase()}${d.causeText.slice(1)}`];
  return d.causes.map((c) => `${indent}- Cause: ${causeLine(c)} [\`${c.key}\`]`);
}

/** The whole of matrix.md. */
export function renderMatrixMarkdown(doc: MatrixDoc): string {
  const rows = matrixDifferences(doc);
  const differing = new Set(rows.map((r) => r.form));
  const forms = matrixForms(doc);
  const hidden = doc.kernels.filter(hidesPatchLevel);
  const lines = [
    '# tcplab kernel matrix',
    '',
    ...(doc.incomplete ? [`**Incomplete:** ${doc.incomplete}. \`npm run matrix -- --resume\` (with the same options) runs the missing cells.`, ''] : []),
    `Generated ${doc.generated_at}${doc.merged_at ? `, cells merged in ${doc.merged_at}` : ''}${doc.rejudged_at ? ` (judged again from its run folders by the model of ${doc.rejudged_at})` : ''} · ${doc.fast ? 'fast forms (`--fast`: shortened timers)' : 'real length'} · ${forms.length} form${forms.length === 1 ? '' : 's'} on ${doc.kernels.length} kernel${doc.kernels.length === 1 ? '' : 's'} · ${rows.length} row${rows.length === 1 ? '' : 's'} where kernels differ`,
    '',
    ...kernelTable(doc),
    '',
    ...(hidden.length
      ? [
          `Version facts for ${hidden.map((k) => `${k.label} (read as ${factsRelease(k).replace(/-.*/, '')})`).join(', ')}: \`uname -r\` hides the stable patch level, so stable backports are not seen; give \`version\` in matrix.json to fix that.`,
          '',
        ]
      : []),
    ...mainTable(doc, differing),
    '',
    ...differenceSection(rows),
    '## Legend',
    '',
    '- `pass`, `FAIL`: every expectation held / one did not; `skip (reason)`: the run could not judge on this kernel; `error (reason)`: it did not run; `–`: no cell.',
    "- The time in a cell is the row's last observed timing (often the death or the error), seconds on the run's clock.",
    `- **bold** ${DIFFERS_MARK}: the kernels differ on this row (verdict, the expectations the model makes, or their expected times); see "Differences between kernels".`,
    "- A cause is a kernel change from the model's version facts (harness/model/kernel-facts.ts) that matters for the form (harness/matrix/relevant-changes.ts) and is present on some of the kernels compared but not others.",
    '',
  ];
  return lines.join('\n');
}
