// The in-container backend: the CLI already runs inside a tcplab container
// (docker-compose.yml sets TCPLAB_IN_CONTAINER=1), so the runner runs right
// there, in the container's own network namespace, one experiment at a time.
// Its lifecycle is base-sandbox.ts's: create checks the container's sysctls
// (fixed when it started) and clears drop rules a crashed runner left, exec
// runs a local process, destroy clears the runner's rules again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { PrerequisiteError } from '../errors.ts';
import { BaseSandbox } from './base-sandbox.ts';
import { runLines } from './exec-lines.ts';
import { parseReadback, READBACK_SCRIPT, type SandboxFacts } from './readback.ts';
import { assertNamespacedSysctl, type Backend, type ExecOptions, type ExecResult, type Sandbox, TIMER_SYSCTLS, type SandboxSpec } from './sandbox.ts';

/** Set by docker/Dockerfile's cli stage (and so by docker-compose.yml). */
export const IN_CONTAINER_ENV = 'TCPLAB_IN_CONTAINER';

/** Nothing but loopback here (NetworkMode none): never a host's namespace. */
function onlyLoopback(): boolean {
  try {
    return fs.readdirSync('/sys/class/net').every((l) => l === 'lo');
  } catch {
    return false;
  }
}

/**
 * True when this process runs in a tcplab container and should run experiments
 * in place: TCPLAB_IN_CONTAINER set, /.dockerenv present, and a network
 * namespace with loopback only (a host, even one that is a container itself,
 * has more, and its firewall must never be touched).
 */
export function insideTcplabContainer(): boolean {
  const v = process.env[IN_CONTAINER_ENV];
  return Boolean(v && v !== '0') && fs.existsSync('/.dockerenv') && onlyLoopback();
}

/**
 * The sysctls docker-compose.yml passes to its container from the environment
 * (TCPLAB_TCP_RETRIES2=5 docker compose run …): a container's sysctls are fixed
 * when it starts. Only those every kernel has, or the container would not start.
 */
export const COMPOSE_SYSCTLS = TIMER_SYSCTLS;

/** net.ipv4.tcp_retries2 → TCPLAB_TCP_RETRIES2 */
export function composeEnvName(sysctl: string): string {
  return `TCPLAB_${sysctl.replace(/^net\.ipv4\./, '').toUpperCase()}`;
}

function procSys(key: string): string {
  return path.join('/proc/sys', ...key.split('.'));
}

function readSysctl(key: string): string | undefined {
  try {
    return fs.readFileSync(procSys(key), 'utf8').trim().replace(/\s+/g, ' ');
  } catch {
    return undefined;
  }
}

/** Drop rules the runner adds (-A INPUT -i lo -p tcp … -j DROP) that a crashed runner left. */
async function removeRunnerRules(): Promise<number> {
  const r = await execa('iptables', ['-w', '-S', 'INPUT'], { reject: false });
  let removed = 0;
  for (const line of r.stdout.split('\n')) {
    if (!/^-A INPUT -i lo -p tcp\b.*-j DROP$/.test(line)) continue;
    const d = await execa('iptables', ['-w', '-D', ...line.split(' ').slice(1)], { reject: false });
    if (d.exitCode === 0) removed++;
  }
  return removed;
}

/** Experiments share this container's one network namespace: one at a time. */
let inPlaceQueue: Promise<void> = Promise.resolve();

class InContainerSandbox extends BaseSandbox {
  constructor(
    name: string,
    facts: SandboxFacts,
    private readonly spec: SandboxSpec,
    private readonly release: () => void,
  ) {
    super('docker', name, facts, 'docker');
  }

  protected run(file: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return runLines(file, args, { ...options, cwd: this.spec.projectDir });
  }

  protected async remove(): Promise<void> {
    try {
      await removeRunnerRules();
    } finally {
      this.release();
    }
  }
}

export const inContainerBackend: Backend = {
  name: 'docker',

  async unavailable() {
    if (!insideTcplabContainer()) {
      return `not inside a tcplab container (${IN_CONTAINER_ENV}=1, /.dockerenv, and no network but loopback, i.e. network_mode none): use the docker backend from the host`;
    }
    const r = await execa('iptables', ['-w', '-S', 'INPUT'], { reject: false });
    if (r.exitCode !== 0) return `iptables does not work in this container (${r.stderr.trim() || r.message}): give it NET_ADMIN and NET_RAW (cap_add in docker-compose.yml)`;
    return null;
  },

  async create(spec: SandboxSpec): Promise<Sandbox> {
    const reason = await this.unavailable();
    if (reason) throw new PrerequisiteError('cannot run in this container', reason);
    const previous = inPlaceQueue;
    let release!: () => void;
    inPlaceQueue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      // /proc/sys is read-only in an unprivileged container: a sysctl that is
      // not already what the experiment needs cannot be changed from here.
      const wrong: string[] = [];
      for (const [key, want] of Object.entries(spec.sysctls)) {
        assertNamespacedSysctl(key);
        const have = readSysctl(key);
        if (have === undefined) throw new PrerequisiteError(`this kernel has no ${key}`, 'run this experiment on a newer kernel, or with other --set values');
        if (have === String(want)) continue;
        try {
          fs.writeFileSync(procSys(key), String(want));
          if (readSysctl(key) === String(want)) continue;
        } catch {
          // read-only: say how to start the container with it
        }
        wrong.push(key);
      }
      if (wrong.length) {
        const envs = wrong.filter((k) => (COMPOSE_SYSCTLS as readonly string[]).includes(k));
        const others = wrong.filter((k) => !envs.includes(k));
        const args = process.argv.slice(2).join(' ');
        throw new PrerequisiteError(
          `this container's sysctls differ from what the experiment needs (${wrong.map((k) => `${k}=${readSysctl(k)}, needs ${spec.sysctls[k]}`).join('; ')}), and a container's sysctls are fixed when it starts`,
          envs.length && !others.length
            ? `start it with them: ${envs.map((k) => `${composeEnvName(k)}=${spec.sysctls[k]}`).join(' ')} docker compose run --rm tcplab ${args}`
            : `docker-compose.yml cannot pass ${others.join(', ')}; run it with --backend docker from a host with Node, where each experiment gets its own container`,
        );
      }
      const facts = parseReadback((await execa('sh', ['-c', READBACK_SCRIPT])).stdout);
      await removeRunnerRules();
      return new InContainerSandbox(os.hostname(), facts, spec, release);
    } catch (err) {
      release();
      throw err;
    }
  },

  async cleanupLeftovers() {
    if (!insideTcplabContainer()) return [];
    return (await removeRunnerRules()) ? [`iptables rules in ${os.hostname()}`] : [];
  },
};
