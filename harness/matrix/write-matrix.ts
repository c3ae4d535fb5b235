// Write results/matrix.json and results/matrix.md (the CLI's entry point).
import fs from 'node:fs';
import path from 'node:path';
import { type MatrixDoc, matrixDocSchema } from './matrix-doc.ts';
import { renderMatrixMarkdown } from './matrix-md.ts';

/** Check the document, then write both files into resultsDir; returns their paths. */
export function writeMatrix(doc: MatrixDoc, resultsDir: string): { json: string; md: string } {
  // A malformed document would only fail later, when the index or a reader opens it.
  matrixDocSchema.parse(doc);
  fs.mkdirSync(resultsDir, { recursive: true });
  const json = path.join(resultsDir, 'matrix.json');
  const md = path.join(resultsDir, 'matrix.md');
  fs.writeFileSync(json, `${JSON.stringify(doc, null, 2)}\n`);
  fs.writeFileSync(md, renderMatrixMarkdown(doc));
  return { json, md };
}
