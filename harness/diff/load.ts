// Reading the two run folders `tcplab diff` compares: their result.json, checked
// against the result.json contract (report/result.ts), or one line naming the fix.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { type RunResult, resultSchema } from '../report/result.ts';

export function loadRun(dir: string): RunResult {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`${dir} is not a folder`, 'name a run folder, e.g. results/<run>/<experiment>');
  }
  const file = path.join(dir, 'result.json');
  if (!fs.existsSync(file)) throw new UsageError(`${dir} has no result.json`, `judge it first: npm run tcplab -- analyse ${dir}`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`, `write it again: npm run tcplab -- analyse ${dir}`);
  }
  const parsed = resultSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(`${file} does not follow the result.json contract`, `write it again: npm run tcplab -- analyse ${dir}`);
  return json as RunResult;
}
