// The `diff` command: load both run folders, refuse two experiments unless --force,
// print the table or exactly one JSON document.
import { UsageError } from '../errors.ts';
import { diffRuns } from './index.ts';
import { loadRun } from './load.ts';
import { formatDiff } from './text.ts';

export interface DiffOptions {
  json?: boolean;
  force?: boolean;
}

export function diffCommand(dirA: string, dirB: string, o: DiffOptions): number {
  const a = loadRun(dirA);
  const b = loadRun(dirB);
  if (a.experiment !== b.experiment && !o.force) {
    throw new UsageError(`${dirA} is ${a.experiment} and ${dirB} is ${b.experiment}: their events need not match`, 'pass --force to compare them by event kind');
  }
  const doc = diffRuns(a, b);
  process.stdout.write(`${o.json ? JSON.stringify(doc) : formatDiff(doc)}\n`);
  return 0;
}
