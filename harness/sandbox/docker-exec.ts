// A command in a running container (docker exec through dockerode): stdout
// handed out line by line (and kept when asked), stderr kept for the error
// message, stdin held open, and on timeout SIGTERM then SIGKILL, as
// exec-lines.ts does for a local process.
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { KILL_GRACE_MS, lineReader } from './exec-lines.ts';
import type { ExecResult } from './sandbox.ts';

const STDERR_KEEP = 64 * 1024;

export interface ContainerExecOptions {
  timeoutMs: number;
  onLine?: (line: string) => void;
  env?: Record<string, string>;
  workingDir?: string;
  /** Keep stdout (besides handing out lines). */
  collect?: boolean;
}

/** A hijacked attach or exec stream: one duplex connection to the engine. */
export type HijackedStream = NodeJS.ReadWriteStream & { destroy?: () => void };

/** exec in a running container: stdout by lines, stderr kept, stdin held open, a timeout. */
export async function execInContainer(container: Docker.Container, cmd: readonly string[], o: ContainerExecOptions): Promise<ExecResult & { stdout: string }> {
  const exec = await container.exec({
    Cmd: [...cmd],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Env: Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(o.workingDir ? { WorkingDir: o.workingDir } : {}),
  });
  // hijack: one duplex connection; our end of it is the command's stdin, which
  // the runner watches. It ends when this process dies, and so does the runner.
  const stream = (await exec.start({ hijack: true, stdin: true })) as HijackedStream;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  container.modem.demuxStream(stream, stdout, stderr);

  const lines = lineReader(o.onLine);
  let collected = '';
  stdout.on('data', (chunk: Buffer) => {
    if (o.collect) collected += chunk.toString();
    lines.push(chunk);
  });
  let errText = '';
  stderr.on('data', (chunk: Buffer) => {
    errText += chunk.toString();
    if (errText.length > STDERR_KEEP) errText = errText.slice(-STDERR_KEEP);
  });

  let timedOut = false;
  let lost = false;
  const timers: NodeJS.Timeout[] = [];
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => {
      lost = true;
      resolve();
    });
  });
  timers.push(
    setTimeout(() => {
      timedOut = true;
      // SIGTERM (the runner tears down its observers), then SIGKILL. One
      // container per experiment, so "everything but PID 1" is the command.
      void signalAll(container, 'TERM');
      timers.push(setTimeout(() => void signalAll(container, 'KILL'), KILL_GRACE_MS));
      // Backstop: stop waiting for a stream the engine never closes.
      timers.push(setTimeout(() => stream.destroy?.(), KILL_GRACE_MS + 5000));
    }, o.timeoutMs),
  );
  await ended;
  for (const t of timers) clearTimeout(t);
  stream.destroy?.();
  lines.flush();

  let exitCode: number | undefined;
  for (let i = 0; i < 20; i++) {
    const info = await exec.inspect().catch(() => undefined);
    if (!info) {
      lost = true;
      break;
    }
    if (!info.Running) {
      exitCode = info.ExitCode ?? undefined;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    exitCode,
    stderr: errText,
    timedOut,
    stdout: collected,
    // The container went away under the command (destroyed, e.g. on Ctrl-C).
    ...(lost && exitCode === undefined ? { signal: 'SIGKILL' } : {}),
  };
}

/** Signal every process in the container but PID 1 (the idle `cat`). */
async function signalAll(container: Docker.Container, signal: 'TERM' | 'KILL'): Promise<void> {
  try {
    const exec = await container.exec({ Cmd: ['kill', `-${signal}`, '--', '-1'], AttachStdout: false, AttachStderr: false });
    await exec.start({ Detach: true });
  } catch {
    // the container is already gone
  }
}
