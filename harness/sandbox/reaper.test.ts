// The reaper's watcher as it really starts: from its bundle, holding a pipe.
// Every module of a bundle shares one import.meta.url, so a module that runs
// as a command when it is the entry point would run inside the watcher too
// (docker-image.ts once did: the watcher printed its usage and exited at once,
// and kill -9 left every namespace behind). The watcher must wait, quietly,
// for the pipe to close, then clean up and exit 0.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../run-experiment.ts';
import { bundle } from '../runner/bundle.ts';

describe('the reaper watcher', () => {
  it('waits while its pipe is open and exits 0 once it closes', async () => {
    const file = await bundle(PROJECT_DIR, 'harness/sandbox/reap.ts', 'reaper', true);
    // Owner pid 0: no owner to wait for; removeLeftovers spares every live owner's sandbox.
    const watcher = spawn(process.execPath, [file, '0'], { stdio: ['pipe', 'pipe', 'pipe'], cwd: PROJECT_DIR });
    let output = '';
    watcher.stdout.on('data', (d) => (output += d));
    watcher.stderr.on('data', (d) => (output += d));
    const exited = once(watcher, 'exit');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(watcher.exitCode, `the watcher exited on its own: ${output}`).toBeNull();
    watcher.stdin.end();
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toBe('');
  }, 20_000);
});
