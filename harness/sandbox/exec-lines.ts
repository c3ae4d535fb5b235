// Run a command, hand each stdout line to a callback as it arrives, keep
// stderr for the error message, and kill it on timeout. Shared by backends
// whose exec is a local process (netns, the in-container backend); the docker
// backend's exec (docker-exec.ts) splits lines and kills the same way.
import { execa } from 'execa';
import type { ExecOptions, ExecResult } from './sandbox.ts';

/** Between SIGTERM (the runner tears down its observers) and SIGKILL when a command times out. */
export const KILL_GRACE_MS = 2000;

/** Cuts a stream of chunks into lines; flush() hands out an unterminated last one. */
export function lineReader(onLine: ((line: string) => void) | undefined): { push(chunk: Buffer | string): void; flush(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        onLine?.(line);
      }
    },
    flush() {
      if (pending) onLine?.(pending);
      pending = '';
    },
  };
}

export async function runLines(file: string, args: readonly string[], options: ExecOptions & { cwd: string }): Promise<ExecResult> {
  const proc = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    reject: false,
    // A pipe the runner watches: when this process dies, the runner's stdin ends.
    stdin: 'pipe',
    timeout: options.timeoutMs,
    forceKillAfterDelay: KILL_GRACE_MS,
    killSignal: 'SIGTERM',
    cleanup: true,
  });
  const lines = lineReader(options.onLine);
  proc.stdout?.on('data', (chunk: Buffer) => lines.push(chunk));
  const r = await proc;
  return {
    exitCode: r.exitCode,
    stderr: String(r.stderr ?? ''),
    timedOut: Boolean(r.timedOut),
    ...(r.signal ? { signal: r.signal } : {}),
  };
}
