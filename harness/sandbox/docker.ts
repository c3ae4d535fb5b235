// The docker backend: one container per experiment, driven through dockerode,
// with base-sandbox.ts's lifecycle:
//
//   create   the image (docker-image.ts builds it when missing or outdated), a
//            least-privilege container made and held (docker-container.ts),
//            its kernel and sysctls read back inside (readback.ts); removed
//            again if any of that fails;
//   exec     docker exec, stdout by lines (docker-exec.ts);
//   destroy  force-removes the container and lets go of its lifeline;
//   cleanupLeftovers  removes tcplab containers whose tcplab process is gone (a
//            live run elsewhere is left alone).
//
// The engine itself (client, does it answer) is docker-engine.ts; the CLI
// already inside a tcplab container (docker-compose.yml) uses
// docker-in-container.ts instead.
import path from 'node:path';
import type Docker from 'dockerode';
import { PrerequisiteError } from '../errors.ts';
import { BaseSandbox, setUpOrRemove } from './base-sandbox.ts';
import { containerName, containerOptions, holdStdin, LABEL, ownerAlive, removeContainer } from './docker-container.ts';
import { apiMessage, dockerClient, engineStatus } from './docker-engine.ts';
import { execInContainer, type HijackedStream } from './docker-exec.ts';
import { ensureImage } from './docker-image.ts';
import { insideTcplabContainer } from './docker-in-container.ts';
import { assertSysctlsHeld, parseReadback, READBACK_SCRIPT, type SandboxFacts } from './readback.ts';
import { assertNamespacedSysctl, type Backend, type ExecOptions, type ExecResult, type Sandbox, type SandboxSpec } from './sandbox.ts';

// Callers (cli.ts, doctor.ts, the tests) reach the engine and both docker backends here.
export { dockerClient, engineStatus, type EngineStatus } from './docker-engine.ts';
export { inContainerBackend, insideTcplabContainer } from './docker-in-container.ts';

/** Where the image's node is (docker/Dockerfile: Node 20 from the npm registry). */
export const NODE_IN_IMAGE = '/usr/local/bin/node';

class DockerSandbox extends BaseSandbox {
  constructor(
    private readonly docker: Docker,
    private readonly container: Docker.Container,
    /** The attach holding PID 1's stdin open: the container's lifeline. */
    private readonly lifeline: HijackedStream,
    name: string,
    facts: SandboxFacts,
    private readonly spec: SandboxSpec,
  ) {
    super('docker', name, facts, 'docker');
  }

  protected async run(file: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
    // The host's node (process.execPath) is not in the image; the image's is.
    const inside = file === process.execPath || path.basename(file) === 'node' ? NODE_IN_IMAGE : file;
    const { stdout: _, ...result } = await execInContainer(this.container, [inside, ...args], {
      timeoutMs: options.timeoutMs,
      onLine: options.onLine,
      // The container does not inherit this process's environment.
      env: { ...options.env, ...(process.env.TCPLAB_DEBUG ? { TCPLAB_DEBUG: process.env.TCPLAB_DEBUG } : {}) },
      workingDir: this.spec.projectDir,
    });
    return result;
  }

  protected remove(): Promise<void> {
    return removeContainer(this.docker, this.container.id).finally(() => this.lifeline.destroy?.());
  }
}

/** The kernel and sysctls as the container sees them (one exec). */
async function readFacts(container: Docker.Container): Promise<SandboxFacts> {
  const probe = await execInContainer(container, ['sh', '-c', READBACK_SCRIPT], { timeoutMs: 20_000, collect: true });
  if (probe.exitCode !== 0) throw new Error(`reading the sysctls back failed (exit ${probe.exitCode}): ${probe.stderr.trim()}`);
  return parseReadback(probe.stdout);
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
    let lifeline: HijackedStream | undefined;
    try {
      return await setUpOrRemove(
        async () => {
          const container = await docker.createContainer(containerOptions(name, image, spec));
          lifeline = await holdStdin(container);
          await container.start();
          const facts = await readFacts(container);
          assertSysctlsHeld(spec.sysctls, facts.sysctls);
          return new DockerSandbox(docker, container, lifeline, name, facts, spec);
        },
        () => removeContainer(docker, name).finally(() => lifeline?.destroy?.()),
      );
    } catch (err) {
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
