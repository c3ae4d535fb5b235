// A sandbox that is one network namespace: `ip netns add`, sysctls set inside
// it, everything run through `ip netns exec`, and on destroy every process in
// it killed before `ip netns del`. The netns backend does this on the host; the
// vm backend does exactly the same inside a guest, through the guest agent, so
// one runner serves every backend.
import crypto from 'node:crypto';
import { modelRelease } from '../model/kernel-version.ts';
import { assertNamespacedSysctl, type BackendName, type ExecOptions, type ExecResult, RECORDED_SYSCTLS, type Sandbox, type SandboxSpec } from './sandbox.ts';

export const NAME_PREFIX = 'tcplab';

/** Where namespace commands run: this machine, or a guest. */
export interface CommandHost {
  /** Run to completion; never throws for a non-zero exit. */
  run(argv: readonly string[]): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
  /** Run with stdout streamed line by line (the runner). */
  runLines(argv: readonly string[], options: ExecOptions & { cwd: string }): Promise<ExecResult>;
}

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

async function must(host: CommandHost, argv: readonly string[]): Promise<string> {
  const r = await host.run(argv);
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  return r.stdout;
}

async function readSysctls(host: CommandHost, name: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of RECORDED_SYSCTLS) {
    const r = await host.run(['ip', 'netns', 'exec', name, 'sysctl', '-n', key]);
    if (r.exitCode === 0) out[key] = r.stdout.trim().replace(/\s+/g, ' ');
  }
  return out;
}

export async function destroyNamespace(host: CommandHost, name: string): Promise<void> {
  // Processes keep a namespace alive after `ip netns del`: kill them first
  // (tcpdump, the runner, anything a scenario started).
  const pids = (await host.run(['ip', 'netns', 'pids', name])).stdout.split(/\s+/).filter(Boolean);
  if (pids.length) await host.run(['kill', '-KILL', ...pids]);
  await host.run(['ip', 'netns', 'del', name]);
}

class NamespaceSandbox implements Sandbox {
  private destroyed = false;

  constructor(
    readonly backend: BackendName,
    readonly name: string,
    readonly kernel: string,
    readonly sysctls: Record<string, string>,
    readonly kernelVersion: string,
    private readonly host: CommandHost,
    private readonly spec: SandboxSpec,
  ) {}

  exec(command: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return this.host.runLines(['ip', 'netns', 'exec', this.name, ...command], {
      ...options,
      cwd: this.spec.projectDir,
      // The runner's firewall checks it is really inside this namespace (runner/firewall.ts).
      env: { ...options.env, TCPLAB_SANDBOX: `netns:${this.name}` },
    });
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await destroyNamespace(this.host, this.name);
  }
}

export async function createNamespaceSandbox(host: CommandHost, backend: BackendName, spec: SandboxSpec): Promise<Sandbox> {
  const name = namespaceName(spec.label);
  await must(host, ['ip', 'netns', 'add', name]);
  try {
    await must(host, ['ip', '-n', name, 'link', 'set', 'lo', 'up']);
    for (const [key, value] of Object.entries(spec.sysctls)) {
      assertNamespacedSysctl(key);
      await must(host, ['ip', 'netns', 'exec', name, 'sysctl', '-q', '-w', `${key}=${value}`]);
    }
    const kernel = (await must(host, ['uname', '-r'])).trim();
    const kernelVersion = modelRelease(kernel, (await must(host, ['uname', '-v'])).trim());
    return new NamespaceSandbox(backend, name, kernel, await readSysctls(host, name), kernelVersion, host, spec);
  } catch (err) {
    await destroyNamespace(host, name);
    throw err;
  }
}

/** Namespaces named tcplab-* whose owner is gone; removes them and returns their names. */
export async function cleanupNamespaces(host: CommandHost): Promise<string[]> {
  const list = await host.run(['ip', 'netns', 'list']);
  const names = list.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`${NAME_PREFIX}-`) && ownerGone(n));
  for (const n of names) await destroyNamespace(host, n);
  return names;
}
