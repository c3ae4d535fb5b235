// `npm run matrix -- --rejudge`: judge a matrix's run folders again with the
// current model, as `tcplab analyse` does for one folder. When the model learns
// a kernel fact (a stable backport, say), the matrix follows without re-running
// 16 minutes per kernel; cells without a run folder (errors) stay as they were.
import fs from 'node:fs';
import { analyseRunFolder, writeResult } from '../analyse.ts';
import { cellFromResult, type MatrixDoc } from './matrix-doc.ts';

export async function rejudgeMatrix(doc: MatrixDoc): Promise<{ doc: MatrixDoc; changed: string[] }> {
  const changed: string[] = [];
  const cells = [];
  for (const cell of doc.cells) {
    if (!cell.runDir || !fs.existsSync(cell.runDir)) {
      cells.push(cell);
      continue;
    }
    const result = await analyseRunFolder(cell.runDir);
    writeResult(result);
    const next = cellFromResult(result, cell.kernel);
    if (next.verdict !== cell.verdict) changed.push(`${cell.form} on ${cell.kernel}: ${cell.verdict} → ${next.verdict}`);
    cells.push(next);
  }
  return { doc: { ...doc, cells, rejudged_at: new Date().toISOString() }, changed };
}
