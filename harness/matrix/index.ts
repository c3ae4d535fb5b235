// The kernel matrix (results/matrix.json, matrix.md, the index's "Kernel matrix" section).
export { type MatrixCell, type MatrixDoc, type MatrixKernel, type MatrixTiming, type MatrixVerdict, cellFromError, cellFromResult, matrixDocSchema, parseMatrixDoc } from './matrix-doc.ts';
export { type Cause, type KernelDifference, type RowDifferences, matrixDifferences, rowDifferences } from './differences.ts';
export { renderMatrixMarkdown } from './matrix-md.ts';
export { renderMatrixHtml } from './matrix-html.ts';
export { writeMatrix } from './write-matrix.ts';
