// What every sandbox shares, whatever isolates it (a container, a network
// namespace here or in a guest). The lifecycle reads like testcontainers':
//
//   create   the backend makes it and sets it up; setUpOrRemove() removes it
//            again when the setup fails, so a half-made sandbox never stays;
//   exec     a command inside, marked TCPLAB_SANDBOX=<kind>:<name> so the
//            runner's firewall can check where it runs (runner/firewall.ts);
//   destroy  removes it and everything in it, exactly once however often it is
//            called (a finally and a signal handler at the same moment);
//   leftovers  what a killed run left, found by its owner's pid (ownerRunning).
//
// A backend supplies the two things that differ: how a command runs inside
// (run) and how the sandbox goes away (remove).
import fs from 'node:fs';
import type { BackendName, ExecOptions, ExecResult, Sandbox } from './sandbox.ts';
import type { SandboxFacts } from './readback.ts';

/** Every sandbox name starts with it: containers tcplab-*, namespaces tcplab-*. */
export const NAME_PREFIX = 'tcplab';

/** What the runner's firewall checks: a Docker container, or a named network namespace. */
export type IsolationKind = 'docker' | 'netns';

export abstract class BaseSandbox implements Sandbox {
  readonly kernel: string;
  readonly kernelVersion: string;
  readonly sysctls: Record<string, string>;
  private removal: Promise<void> | undefined;

  constructor(
    readonly backend: BackendName,
    readonly name: string,
    facts: SandboxFacts,
    private readonly isolation: IsolationKind,
  ) {
    this.kernel = facts.kernel;
    this.kernelVersion = facts.kernelVersion;
    this.sysctls = facts.sysctls;
  }

  /** Run a command inside; options.env already carries TCPLAB_SANDBOX. */
  protected abstract run(file: string, args: readonly string[], options: ExecOptions): Promise<ExecResult>;

  /** Remove the sandbox and kill what still runs in it; called once. */
  protected abstract remove(): Promise<void>;

  async exec(command: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const [file, ...args] = command;
    if (!file) throw new Error('exec: empty command');
    return this.run(file, args, { ...options, env: { ...options.env, TCPLAB_SANDBOX: `${this.isolation}:${this.name}` } });
  }

  destroy(): Promise<void> {
    this.removal ??= this.remove();
    return this.removal;
  }
}

/**
 * The setup of a sandbox just made: when it throws, the sandbox is removed
 * (a failed removal does not hide the setup's error) and the error rethrown.
 */
export async function setUpOrRemove<T>(setup: () => Promise<T>, remove: () => Promise<unknown>): Promise<T> {
  try {
    return await setup();
  } catch (err) {
    await remove().catch(() => {});
    throw err;
  }
}

/**
 * Is the process that made a sandbox still running on this machine? (EPERM: yes,
 * under another user.) A zombie is not: a process killed with -9 stays one until
 * its parent reaps it, which a busy parent may do seconds later, and the reaper
 * must not spare its sandboxes meanwhile.
 */
export function ownerRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** /proc/<pid>/stat's state field, after the parenthesised name (which may hold spaces). */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
