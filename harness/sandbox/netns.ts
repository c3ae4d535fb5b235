// The netns backend: a network namespace made with `ip netns add`, everything
// run through `ip netns exec`. Needs root and iptables/tcpdump/iproute2 on the
// host, no daemon. A fresh namespace has its own loopback, its own (empty)
// firewall and the kernel's default TCP sysctls, so nothing here touches the
// host's own settings.
import crypto from 'node:crypto';
import { execa } from 'execa';
import { PrerequisiteError } from '../errors.ts';
import { runLines } from './exec-lines.ts';
import { assertNamespacedSysctl, type Backend, type ExecOptions, type ExecResult, RECORDED_SYSCTLS, type Sandbox, type SandboxSpec } from './sandbox.ts';

export const NAME_PREFIX = 'tcplab';

/**
 * tcplab-<experiment>-<owner pid>-<random>: the owner's pid lets --cleanup
 * tell a leftover from a namespace another run is still using.
 */
export function namespaceName(label: string, pid = process.pid): string {
  return `${NAME_PREFIX}-${label}-${pid}-${crypto.randomBytes(3).toString('hex')}`;
}

/** Whether the process that made this namespace is gone (names without a pid count as gone). */
export function ownerGone(name: string): boolean {
  const pid = Number(/-(\d+)-[0-9a-f]{6}$/.exec(name)?.[1]);
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function ip(args: string[]): Promise<string> {
  return (await execa('ip', args)).stdout;
}

async function readSysctls(name: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of RECORDED_SYSCTLS) {
    const r = await execa('ip', ['netns', 'exec', name, 'sysctl', '-n', key], { reject: false });
    if (r.exitCode === 0) out[key] = r.stdout.trim().replace(/\s+/g, ' ');
  }
  return out;
}

class NetnsSandbox implements Sandbox {
  readonly backend = 'netns' as const;
  private destroyed = false;

  constructor(
    readonly name: string,
    readonly kernel: string,
    readonly sysctls: Record<string, string>,
    private readonly spec: SandboxSpec,
  ) {}

  exec(command: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return runLines('ip', ['netns', 'exec', this.name, ...command], {
      ...options,
      cwd: this.spec.projectDir,
      env: { ...options.env, TCPLAB_SANDBOX: `netns:${this.name}` },
    });
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await destroyNamespace(this.name);
  }
}

async function destroyNamespace(name: string): Promise<void> {
  // Processes keep a namespace alive after `ip netns del`: kill them first
  // (tcpdump, the runner, anything a scenario started).
  const pids = await execa('ip', ['netns', 'pids', name], { reject: false });
  for (const pid of pids.stdout.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await execa('ip', ['netns', 'del', name], { reject: false });
}

export const netnsBackend: Backend = {
  name: 'netns',

  async unavailable() {
    if (process.getuid?.() !== 0) return 'the netns backend needs root (run as root, e.g. with sudo)';
    const r = await execa('ip', ['netns', 'list'], { reject: false });
    if (r.failed) return `'ip netns' does not work here (${r.stderr.trim() || r.message}); install iproute2`;
    return null;
  },

  async create(spec: SandboxSpec): Promise<Sandbox> {
    const reason = await this.unavailable();
    if (reason) throw new PrerequisiteError(reason);
    const name = namespaceName(spec.label);
    await ip(['netns', 'add', name]);
    try {
      await ip(['-n', name, 'link', 'set', 'lo', 'up']);
      for (const [key, value] of Object.entries(spec.sysctls)) {
        assertNamespacedSysctl(key);
        await execa('ip', ['netns', 'exec', name, 'sysctl', '-q', '-w', `${key}=${value}`]);
      }
      const kernel = (await execa('ip', ['netns', 'exec', name, 'uname', '-r'])).stdout.trim();
      return new NetnsSandbox(name, kernel, await readSysctls(name), spec);
    } catch (err) {
      await destroyNamespace(name);
      throw err;
    }
  },

  async cleanupLeftovers() {
    const list = await execa('ip', ['netns', 'list'], { reject: false });
    const names = list.stdout
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '')
      .filter((n) => n.startsWith(`${NAME_PREFIX}-`) && ownerGone(n));
    for (const n of names) await destroyNamespace(n);
    return names;
  },
};
