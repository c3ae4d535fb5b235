// The folder run folders go under (--out): checked before anything starts, so a
// typo or a read-only mount is one line, not a sandbox set up for nothing.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.ts';

/** Creates `dir` if needed and proves it writable; a UsageError naming the fix otherwise. */
export function ensureOutDir(dir: string): void {
  const abs = path.resolve(dir);
  const hint =
    process.getuid?.() === 0 ? 'choose another folder with --out, or fix its permissions' : 'tcplab runs as root (sudo -E npm run …); or choose a folder you can write with --out';
  // One level at a time: Node's recursive mkdir spins on some filesystems (e.g. under /proc).
  const missing: string[] = [];
  let at = abs;
  while (!fs.existsSync(at)) {
    missing.unshift(at);
    at = path.dirname(at);
  }
  if (!fs.statSync(at).isDirectory()) throw new UsageError(`--out ${dir}: ${at} is not a folder`, hint);
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      throw new UsageError(`--out ${dir}: cannot create ${d} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, hint);
    }
  }
  const probe = path.join(abs, `.tcplab-write-test-${process.pid}`);
  try {
    fs.writeFileSync(probe, 'tcplab\n');
    fs.rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--out ${dir}: cannot write there (${code ?? (err as Error).message})`, code === 'ENOSPC' ? 'free some space, or choose another folder with --out' : hint);
  }
}

/** A disk that filled during a run: what to say instead of the raw errno. */
export function diskFullMessage(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return undefined;
  return `the disk filled while writing (${(err as Error).message}); the run folder keeps what was written before, and says which file is cut short (tcplab analyse <folder>)`;
}
