// The reaper's watcher, like testcontainers' Ryuk: a detached process holding one
// end of a socket pair whose other end only the tcplab process that started it
// owns. However that process ends (exit, Ctrl-C, a crash, kill -9), the pair
// closes and the watcher removes every leftover whose owner is gone
// (leftovers.ts), then exits. Run from its bundle (reaper.ts), so the cleanup
// code is loaded before it is needed and runs within a second of the death.
import { ownerRunning } from './base-sandbox.ts';
import { removeLeftovers } from './leftovers.ts';

const owner = Number(process.argv[2]);

/**
 * The kernel closes a dying process's files before it becomes a zombie, so the
 * pair can close while the owner still counts as running: wait until it does
 * not (zombie or reaped), 3 s at most, or its sandboxes would be spared.
 */
async function ownerGone(): Promise<void> {
  const end = Date.now() + 3_000;
  while (owner && ownerRunning(owner) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

let fired = false;
async function reap(): Promise<void> {
  if (fired) return;
  fired = true;
  try {
    await ownerGone();
    await removeLeftovers();
  } finally {
    process.exit(0);
  }
}
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
process.stdin.resume();
