// The hand-made matrix fixture (fixtures/README.md), for the tests.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MatrixDoc, parseMatrixDoc } from './matrix-doc.ts';

export const FIXTURE_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'matrix.json');

/** A fresh copy each call, so a test may change it. */
export function fixtureDoc(): MatrixDoc {
  return parseMatrixDoc(fs.readFileSync(FIXTURE_FILE, 'utf8'));
}
