// The `diff` command: load both run folders, refuse two experiments unless --force,
// print the table or exactly one JSON document, and write the picture (svg.ts).
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { diffRuns } from './index.ts';
import { loadRun } from './load.ts';
import { writeDiffSvg } from './svg.ts';
import { formatDiff } from './text.ts';

export interface DiffOptions {
  json?: boolean;
  force?: boolean;
  /** The SVG's path; default <run-b>/diff-vs-<basename of a>.svg. */
  out?: string;
}

export function diffCommand(dirA: string, dirB: string, o: DiffOptions): number {
  const a = loadRun(dirA);
  const b = loadRun(dirB);
  if (a.experiment !== b.experiment && !o.force) {
    throw new UsageError(`${dirA} is ${a.experiment} and ${dirB} is ${b.experiment}: their events need not match`, 'pass --force to compare them by event kind');
  }
  if (o.out && !fs.existsSync(path.dirname(path.resolve(o.out)))) {
    throw new UsageError(`--out ${o.out}: its folder does not exist`, `create ${path.dirname(path.resolve(o.out))} first, or name a file in an existing folder`);
  }
  const doc = diffRuns(a, b);
  const svg = writeDiffSvg(doc, a, b, dirA, dirB, o.out);
  process.stdout.write(`${o.json ? JSON.stringify(doc) : formatDiff(doc)}\n`);
  // With --json, stdout holds the one document only: the path goes to stderr.
  (o.json ? process.stderr : process.stdout).write(`wrote ${svg}\n`);
  return 0;
}
