// Nothing a run creates outlives it, even under kill -9: a signal handler can
// clean up after Ctrl-C (lifecycle.ts), but not after SIGKILL, and not a
// sandbox caught half-created. So, once per process, a detached watcher
// (reaper-watch.mjs) is started; when this process is gone it sweeps every
// tcplab namespace, container and guest whose owner pid is dead (the names
// carry the pid: namespace.ts namespaceName(), docker labels, vm guest folders).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WATCHER = fileURLToPath(new URL('./reaper-watch.mjs', import.meta.url));
const PROJECT_DIR = path.resolve(path.dirname(WATCHER), '..', '..');
let started = false;

/** Starts the watcher for this process (once); a no-op where the project has no tsx to run the cleanup with. */
export function startReaper(): void {
  if (started) return;
  started = true;
  if (!fs.existsSync(path.join(PROJECT_DIR, 'node_modules', '.bin', 'tsx'))) return;
  const watcher = spawn(process.execPath, [WATCHER, PROJECT_DIR], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  watcher.on('error', () => {});
  // The pipe is the watcher's only link to us: do not let it keep this process alive.
  watcher.unref();
  (watcher.stdin as unknown as { unref?: () => void } | null)?.unref?.();
}
