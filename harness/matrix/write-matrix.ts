// Write results/matrix.json and results/matrix.md (the CLI's entry point).
import fs from 'node:fs';
import path from 'node:path';
import { type MatrixDoc, matrixDocSchema } from './matrix-doc.ts';
import { renderMatrixMarkdown } from './matrix-md.ts';

/**
 * Check the document, then write <name>.json and <name>.md into resultsDir;
 * returns their paths. A fast matrix is 'matrix-fast', so that it never
 * overwrites the committed real-length one.
 */
export function writeMatrix(doc: MatrixDoc, resultsDir: string, name = 'matrix'): { json: string; md: string } {
  // A malformed document would only fail later, when the index or a reader opens it.
  matrixDocSchema.parse(doc);
  fs.mkdirSync(resultsDir, { recursive: true });
  const json = path.join(resultsDir, `${name}.json`);
  const md = path.join(resultsDir, `${name}.md`);
  fs.writeFileSync(json, `${JSON.stringify(doc, null, 2)}\n`);
  fs.writeFileSync(md, renderMatrixMarkdown(doc));
  return { json, md };
}
