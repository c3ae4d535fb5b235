// Nothing a run creates outlives it, even under kill -9. A signal handler cleans
// up after Ctrl-C (lifecycle.ts), but nothing runs after SIGKILL, and a sandbox
// caught half-created is in no list. So, once per process, a detached watcher
// (reap.ts, from its bundle) is started; when this process is gone it removes
// every tcplab namespace, container and guest whose owner pid is dead.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../runner/bundle.ts';

const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let started = false;

/** Starts this process's watcher (once). Resolves when it runs; never throws: a run without a reaper still cleans up itself. */
export async function startReaper(): Promise<void> {
  if (started) return;
  started = true;
  try {
    const file = await bundle(PROJECT_DIR, 'harness/sandbox/reap.ts', 'reaper', true);
    const watcher = spawn(process.execPath, [file, String(process.pid)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], cwd: PROJECT_DIR });
    watcher.on('error', () => {});
    // Our end of the pair is the watcher's only link to us: it must not keep this process alive.
    watcher.unref();
    (watcher.stdin as { unref?: () => void } | null)?.unref?.();
  } catch {
    // No esbuild, or no room for the bundle: --cleanup still removes what is left.
  }
}
