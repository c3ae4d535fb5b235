// The docker backend: one container per experiment, driven through dockerode.
//
// - image: docker/Dockerfile's sandbox stage (docker-image.ts builds it when
//   missing or outdated); the project is bind-mounted read-only at the same
//   absolute path as on the host, the run folder read-write at its own path,
//   so the absolute paths in job.json mean the same thing inside;
// - least privilege: no network but loopback (NetworkMode none), CAP_NET_ADMIN
//   + CAP_NET_RAW for iptables and tcpdump, the experiment's TCP sysctls set at
//   creation (HostConfig.Sysctls: /proc/sys is read-only inside) and read back.
//   `privileged` is opt-in only (SandboxSpec.privileged, or createDockerBackend);
// - the container idles on `cat` reading its stdin, which this process holds
//   open through an attach: should this process die without destroy() (kill -9,
//   a crash), stdin ends, the container exits and the engine removes it
//   (AutoRemove). The runner is started with exec, its stdout streamed line by
//   line, its stdin held open the same way (the runner stops when it ends);
// - every container carries the label `tcplab`, and destroy() force-removes it;
//   cleanupLeftovers() removes those whose tcplab process is gone (a live run
//   elsewhere is left alone).
//
// Also here: the in-container backend, for the CLI when it already runs inside
// a tcplab container (docker-compose.yml sets TCPLAB_IN_CONTAINER=1): the runner
// runs right there, in the container's own network namespace.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { execa } from 'execa';
import { PrerequisiteError } from '../errors.ts';
import { ensureImage } from './docker-image.ts';
import { runLines } from './exec-lines.ts';
import { assertNamespacedSysctl, type Backend, type ExecOptions, type ExecResult, RECORDED_SYSCTLS, type Sandbox, TIMER_SYSCTLS, type SandboxSpec } from './sandbox.ts';

/** The label every sandbox container carries; leftovers are found by it. */
export const LABEL = 'tcplab';
export const NAME_PREFIX = 'tcplab';
/** Where the image's node is (docker/Dockerfile: Node 20 from the npm registry). */
export const NODE_IN_IMAGE = '/usr/local/bin/node';
/** How long an engine may take to answer before it counts as absent. */
const ENGINE_TIMEOUT_MS = 3000;
/** Between SIGTERM and SIGKILL when exec times out (as exec-lines.ts). */
const KILL_GRACE_MS = 2000;
const STDERR_KEEP = 64 * 1024;

let client: Docker | undefined;

/** The engine of DOCKER_HOST, or the local socket. */
export function dockerClient(): Docker {
  client ??= new Docker();
  return client;
}

function where(): string {
  return process.env.DOCKER_HOST ?? '/var/run/docker.sock';
}

function apiMessage(err: unknown): string {
  const e = err as { json?: { message?: string } | string; reason?: string; message?: string };
  const json = typeof e.json === 'object' ? e.json?.message : typeof e.json === 'string' ? e.json : undefined;
  return String(json ?? e.message ?? err).trim();
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export type EngineStatus = { ok: true; version: string; apiVersion: string } | { ok: false; reason: string };

/** Does a Docker engine answer? If not, why, and what to do. */
export async function engineStatus(docker = dockerClient()): Promise<EngineStatus> {
  try {
    const v = await withTimeout(docker.version(), ENGINE_TIMEOUT_MS, `the Docker engine at ${where()}`);
    return { ok: true, version: v.Version, apiVersion: v.ApiVersion };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED') {
      return { ok: false, reason: `no Docker engine answers at ${where()}: start one (systemctl start docker, or dockerd &; on Debian: apt-get install -y docker.io)` };
    }
    if (code === 'EACCES') {
      return { ok: false, reason: `permission denied on ${where()}: add your user to the docker group (usermod -aG docker $USER, then log in again) or run as root` };
    }
    return { ok: false, reason: `the Docker engine at ${where()} does not answer (${apiMessage(err)})` };
  }
}

/** Container names double as hostnames: [a-z0-9-], at most 63 characters. */
export function containerName(label: string): string {
  const suffix = crypto.randomBytes(3).toString('hex');
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63 - NAME_PREFIX.length - suffix.length - 2)
    .replace(/-+$/, '');
  return `${NAME_PREFIX}-${slug || 'sandbox'}-${suffix}`;
}

/** Prints `kernel=…` and `<sysctl>=<value>` lines; one exec instead of fourteen. */
const READBACK = [
  'printf "kernel=%s\\n" "$(uname -r)"',
  `for k in ${RECORDED_SYSCTLS.join(' ')}; do v=$(sysctl -n "$k" 2>/dev/null) && printf "%s=%s\\n" "$k" "$v"; done`,
].join('\n');

function parseReadback(stdout: string): { kernel: string; sysctls: Record<string, string> } {
  let kernel = '';
  const sysctls: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim().replace(/\s+/g, ' ');
    if (key === 'kernel') kernel = value;
    else sysctls[key] = value;
  }
  return { kernel, sysctls };
}

interface ContainerExecOptions {
  timeoutMs: number;
  onLine?: (line: string) => void;
  env?: Record<string, string>;
  workingDir?: string;
  /** Keep stdout (besides handing out lines). */
  collect?: boolean;
}

/** exec in a running container: stdout by lines, stderr kept, stdin held open, a timeout. */
async function execIn(container: Docker.Container, cmd: readonly string[], o: ContainerExecOptions): Promise<ExecResult & { stdout: string }> {
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
  const stream = (await exec.start({ hijack: true, stdin: true })) as NodeJS.ReadWriteStream & { destroy?: () => void };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  container.modem.demuxStream(stream, stdout, stderr);

  let pending = '';
  let collected = '';
  stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (o.collect) collected += text;
    pending += text;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      o.onLine?.(line);
    }
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
      // Like exec-lines: SIGTERM (the runner tears down its observers), then
      // SIGKILL. One container per experiment, so "everything but PID 1" is it.
      void signalAll(container, 'TERM');
      timers.push(setTimeout(() => void signalAll(container, 'KILL'), KILL_GRACE_MS));
      // Backstop: stop waiting for a stream the engine never closes.
      timers.push(setTimeout(() => stream.destroy?.(), KILL_GRACE_MS + 5000));
    }, o.timeoutMs),
  );
  await ended;
  for (const t of timers) clearTimeout(t);
  stream.destroy?.();
  if (pending) o.onLine?.(pending);

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

async function removeContainer(docker: Docker, idOrName: string): Promise<void> {
  const container = docker.getContainer(idOrName);
  try {
    await container.remove({ force: true, v: true });
    return;
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404) return; // gone already
    if (status !== 409) throw err;
  }
  // 409: its removal is already under way (AutoRemove after it exited): wait for it.
  for (let i = 0; i < 100; i++) {
    try {
      await container.inspect();
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Is the tcplab process that made this container still running here? */
function ownerAlive(labels: Record<string, string>): boolean {
  const pid = Number(labels['tcplab.host-pid']);
  if (labels['tcplab.host'] !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

class DockerSandbox implements Sandbox {
  readonly backend = 'docker' as const;
  private destroying: Promise<void> | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly container: Docker.Container,
    /** The attach holding PID 1's stdin open: the container's lifeline. */
    private readonly lifeline: NodeJS.ReadWriteStream & { destroy?: () => void },
    readonly name: string,
    readonly kernel: string,
    readonly sysctls: Record<string, string>,
    private readonly spec: SandboxSpec,
  ) {}

  async exec(command: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const [file, ...args] = command;
    if (!file) throw new Error('exec: empty command');
    // The host's node (process.execPath) is not in the image; the image's is.
    const inside = file === process.execPath || path.basename(file) === 'node' ? NODE_IN_IMAGE : file;
    const { stdout: _, ...result } = await execIn(this.container, [inside, ...args], {
      timeoutMs: options.timeoutMs,
      onLine: options.onLine,
      env: {
        ...options.env,
        ...(process.env.TCPLAB_DEBUG ? { TCPLAB_DEBUG: process.env.TCPLAB_DEBUG } : {}),
        TCPLAB_SANDBOX: `docker:${this.name}`,
      },
      workingDir: this.spec.projectDir,
    });
    return result;
  }

  destroy(): Promise<void> {
    // Idempotent, also when called twice at once (finally + a signal handler).
    this.destroying ??= removeContainer(this.docker, this.container.id).finally(() => this.lifeline.destroy?.());
    return this.destroying;
  }
}

function createError(err: unknown, spec: SandboxSpec): Error {
  if (err instanceof PrerequisiteError) return err;
  const message = apiMessage(err);
  if (spec.privileged && /caps|capabilit|operation not permitted/i.test(message)) {
    return new PrerequisiteError(
      `a privileged container cannot start here: ${message}`,
      'drop --privileged (the default CAP_NET_ADMIN + CAP_NET_RAW is enough); hosts whose capability bounding set lacks e.g. CAP_SYS_RESOURCE cannot run privileged containers',
    );
  }
  if (/sysctl/i.test(message)) {
    return new PrerequisiteError(`the container refused the experiment's sysctls: ${message}`, 'this kernel may not have that sysctl; try --backend netns, or another --set');
  }
  return new Error(`could not start a docker sandbox: ${message}`);
}

export interface DockerBackendOptions {
  /**
   * Opt-in (`--privileged`), never the default: privileged containers instead
   * of CAP_NET_ADMIN + CAP_NET_RAW. SandboxSpec.privileged, when given, wins.
   */
  privileged?: boolean;
}

export function createDockerBackend(options: DockerBackendOptions = {}): Backend {
  return {
    ...dockerBackend,
    create: (spec) => dockerBackend.create({ ...spec, privileged: spec.privileged ?? options.privileged }),
  };
}

export const dockerBackend: Backend = {
  name: 'docker',

  async unavailable() {
    if (insideTcplabContainer()) return 'already inside a tcplab container (TCPLAB_IN_CONTAINER): the in-container backend runs experiments here';
    const status = await engineStatus();
    return status.ok ? null : status.reason;
  },

  async create(spec: SandboxSpec): Promise<Sandbox> {
    const reason = await this.unavailable();
    if (reason) throw new PrerequisiteError('the docker backend cannot run here', reason);
    for (const key of Object.keys(spec.sysctls)) assertNamespacedSysctl(key);
    const docker = dockerClient();
    const image = await ensureImage(docker);
    const name = containerName(spec.label);
    const privileged = spec.privileged === true;
    let lifeline: (NodeJS.ReadWriteStream & { destroy?: () => void }) | undefined;
    try {
      const container = await docker.createContainer({
        name,
        Hostname: name,
        Image: image,
        // PID 1 waits for its stdin to end: our attach below, held until destroy().
        Cmd: ['cat'],
        OpenStdin: true,
        StdinOnce: true,
        AttachStdin: true,
        WorkingDir: spec.projectDir,
        Labels: {
          [LABEL]: 'sandbox',
          'tcplab.experiment': spec.label,
          'tcplab.run-dir': spec.runDir,
          'tcplab.host': os.hostname(),
          'tcplab.host-pid': String(process.pid),
        },
        HostConfig: {
          NetworkMode: 'none',
          AutoRemove: true,
          ...(privileged ? { Privileged: true } : { CapAdd: ['NET_ADMIN', 'NET_RAW'] }),
          Sysctls: Object.fromEntries(Object.entries(spec.sysctls).map(([k, v]) => [k, String(v)])),
          Mounts: [
            { Type: 'bind', Source: spec.projectDir, Target: spec.projectDir, ReadOnly: true },
            { Type: 'bind', Source: spec.runDir, Target: spec.runDir, ReadOnly: false },
          ],
        },
      });
      const attached = (await container.attach({ stream: true, stdin: true, hijack: true })) as NodeJS.ReadWriteStream & { destroy?: () => void };
      attached.on('error', () => {});
      lifeline = attached;
      await container.start();
      const probe = await execIn(container, ['sh', '-c', READBACK], { timeoutMs: 20_000, collect: true });
      if (probe.exitCode !== 0) throw new Error(`reading the sysctls back failed (exit ${probe.exitCode}): ${probe.stderr.trim()}`);
      const { kernel, sysctls } = parseReadback(probe.stdout);
      for (const [key, want] of Object.entries(spec.sysctls)) {
        if (sysctls[key] !== undefined && sysctls[key] !== String(want)) {
          throw new Error(`${key} reads back as ${sysctls[key]} inside, not ${want}`);
        }
      }
      return new DockerSandbox(docker, container, attached, name, kernel, sysctls, spec);
    } catch (err) {
      await removeContainer(docker, name).catch(() => {});
      lifeline?.destroy?.();
      throw createError(err, spec);
    }
  },

  /**
   * Remove tcplab containers whose tcplab process is gone. A container whose
   * owner still runs on this machine is a live experiment (another terminal, a
   * parallel test) and is left alone.
   */
  async cleanupLeftovers() {
    if (!(await engineStatus()).ok) return [];
    const docker = dockerClient();
    const containers = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
    const names: string[] = [];
    for (const c of containers) {
      if (ownerAlive(c.Labels)) continue;
      await removeContainer(docker, c.Id);
      names.push((c.Names[0] ?? c.Id).replace(/^\//, ''));
    }
    return names;
  },
};

// ---------------------------------------------------------------------------
// Already inside a tcplab container (docker-compose.yml): run right here.

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

class InContainerSandbox implements Sandbox {
  readonly backend = 'docker' as const;
  private destroyed = false;

  constructor(
    readonly name: string,
    readonly kernel: string,
    readonly sysctls: Record<string, string>,
    private readonly spec: SandboxSpec,
    private readonly release: () => void,
  ) {}

  exec(command: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const [file, ...args] = command;
    if (!file) throw new Error('exec: empty command');
    return runLines(file, args, {
      ...options,
      cwd: this.spec.projectDir,
      env: { ...options.env, TCPLAB_SANDBOX: `docker:${this.name}` },
    });
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
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
      const name = os.hostname();
      const sysctls: Record<string, string> = {};
      for (const key of RECORDED_SYSCTLS) {
        const v = readSysctl(key);
        if (v !== undefined) sysctls[key] = v;
      }
      await removeRunnerRules();
      return new InContainerSandbox(name, os.release(), sysctls, spec, release);
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
