// Run a command, hand each stdout line to a callback as it arrives, keep
// stderr for the error message, and kill it on timeout. Shared by backends
// whose exec is a local process (netns now, vm later).
import { execa } from 'execa';
import type { ExecOptions, ExecResult } from './sandbox.ts';

export async function runLines(file: string, args: readonly string[], options: ExecOptions & { cwd: string }): Promise<ExecResult> {
  const proc = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    reject: false,
    // A pipe the runner watches: when this process dies, the runner's stdin ends.
    stdin: 'pipe',
    timeout: options.timeoutMs,
    forceKillAfterDelay: 2000,
    killSignal: 'SIGTERM',
    cleanup: true,
  });
  let pending = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      options.onLine?.(line);
    }
  });
  const r = await proc;
  return {
    exitCode: r.exitCode,
    stderr: String(r.stderr ?? ''),
    timedOut: Boolean(r.timedOut),
    ...(r.signal ? { signal: r.signal } : {}),
  };
}
