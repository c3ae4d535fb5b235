// Where the runner writes while the scenario runs. Normally the run folder
// itself. In a TCG guest (TCPLAB_SCRATCH set by the vm backend) a folder on the
// guest's own tmpfs instead, moved into the run folder at the end: the run
// folder is a 9p share, every write to it waits for the host, and a guest whose
// clock jumps to its next timer whenever it waits (qemu -icount sleep=off,
// vm/qemu-args.ts) would see that wait as time passing in the scenario.
import fs from 'node:fs';
import path from 'node:path';

export interface WorkFolder {
  /** Where observers and the event log write. */
  readonly dir: string;
  /** Moves what was written into the run folder (idempotent; a no-op without scratch). */
  publish(): void;
}

export function workFolder(runDir: string, scratch = process.env.TCPLAB_SCRATCH): WorkFolder {
  if (!scratch) return { dir: runDir, publish: () => {} };
  fs.mkdirSync(scratch, { recursive: true });
  const dir = fs.mkdtempSync(path.join(scratch, 'run-'));
  let published = false;
  return {
    dir,
    publish() {
      if (published) return;
      published = true;
      for (const name of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, name), path.join(runDir, name));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
