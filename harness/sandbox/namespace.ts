// A sandbox that is one network namespace: `ip netns add`, sysctls set inside
// it, everything run through `ip netns exec`, and on destroy every process in
// it killed before `ip netns del`. The netns backend does this on the host; the
// vm backend does exactly the same inside a guest, through the guest agent, so
// one runner serves every backend. The lifecycle is base-sandbox.ts's.
import crypto from 'node:crypto';
import { BaseSandbox, NAME_PREFIX, ownerRunning, setUpOrRemove } from './base-sandbox.ts';
import { assertSysctlsHeld, parseReadback, READBACK_SCRIPT, type SandboxFacts } from './readback.ts';
import { assertNamespacedSysctl, type BackendName, type ExecOptions, type ExecResult, type Sandbox, type SandboxSpec } from './sandbox.ts';

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
  return !pid || !ownerRunning(pid);
}

async function must(host: CommandHost, argv: readonly string[]): Promise<string> {
  const r = await host.run(argv);
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  return r.stdout;
}

export async function destroyNamespace(host: CommandHost, name: string): Promise<void> {
  // Processes keep a namespace alive after `ip netns del`: kill them first
  // (tcpdump, the runner, anything a scenario started).
  const pids = (await host.run(['ip', 'netns', 'pids', name])).stdout.split(/\s+/).filter(Boolean);
  if (pids.length) await host.run(['kill', '-KILL', ...pids]);
  await host.run(['ip', 'netns', 'del', name]);
}

class NamespaceSandbox extends BaseSandbox {
  constructor(
    backend: BackendName,
    name: string,
    facts: SandboxFacts,
    private readonly host: CommandHost,
    private readonly spec: SandboxSpec,
    private readonly env: Record<string, string>,
  ) {
    super(backend, name, facts, 'netns');
  }

  protected run(file: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return this.host.runLines(['ip', 'netns', 'exec', this.name, file, ...args], { ...options, env: { ...this.env, ...options.env }, cwd: this.spec.projectDir });
  }

  protected remove(): Promise<void> {
    return destroyNamespace(this.host, this.name);
  }
}

/** env: what every command run inside gets (the vm backend's TCPLAB_SCRATCH). */
export async function createNamespaceSandbox(host: CommandHost, backend: BackendName, spec: SandboxSpec, env: Record<string, string> = {}): Promise<Sandbox> {
  const name = namespaceName(spec.label);
  await must(host, ['ip', 'netns', 'add', name]);
  return setUpOrRemove(
    async () => {
      await must(host, ['ip', '-n', name, 'link', 'set', 'lo', 'up']);
      for (const [key, value] of Object.entries(spec.sysctls)) {
        assertNamespacedSysctl(key);
        await must(host, ['ip', 'netns', 'exec', name, 'sysctl', '-q', '-w', `${key}=${value}`]);
      }
      const facts = parseReadback(await must(host, ['ip', 'netns', 'exec', name, 'sh', '-c', READBACK_SCRIPT]));
      assertSysctlsHeld(spec.sysctls, facts.sysctls);
      return new NamespaceSandbox(backend, name, facts, host, spec, env);
    },
    () => destroyNamespace(host, name),
  );
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
