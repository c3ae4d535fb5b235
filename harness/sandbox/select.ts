// Which sandbox to run in. `auto` (the default): docker when its engine
// answers; otherwise netns when root (saying so in one line); otherwise exit 2
// naming both ways out. Inside a tcplab container (docker-compose.yml sets
// TCPLAB_IN_CONTAINER) experiments run in place, in the container's own
// network namespace.
import { PrerequisiteError, UsageError } from '../errors.ts';
import { createDockerBackend, inContainerBackend, insideTcplabContainer } from './docker.ts';
import { netnsBackend } from './netns.ts';
import type { Backend } from './sandbox.ts';

export const BACKEND_CHOICES = ['auto', 'netns', 'docker', 'vm'] as const;

export interface SelectOptions {
  /** docker only, opt-in: privileged containers instead of NET_ADMIN + NET_RAW. */
  privileged?: boolean;
  /** Where the one-line fallback notice goes (stderr by default). */
  note?: (line: string) => void;
}

export async function selectBackend(name: string, o: SelectOptions = {}): Promise<Backend> {
  const note = o.note ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (insideTcplabContainer()) {
    if (name !== 'auto' && name !== 'docker') {
      throw new UsageError(`--backend ${name} cannot run inside a tcplab container`, 'leave --backend at auto: experiments run in this container');
    }
    const reason = await inContainerBackend.unavailable();
    if (reason) throw new PrerequisiteError('cannot run experiments in this container', reason);
    return inContainerBackend;
  }
  const docker = createDockerBackend({ privileged: o.privileged });
  if (name === 'auto') {
    const dockerReason = await docker.unavailable();
    if (!dockerReason) return docker;
    const netnsReason = await netnsBackend.unavailable();
    if (!netnsReason) {
      note('tcplab: no Docker engine answers, so this runs in a network namespace (netns backend) instead');
      return netnsBackend;
    }
    throw new PrerequisiteError(
      'no sandbox is available here: no Docker engine answers, and the netns backend needs root',
      `either start Docker (${dockerReason}), or run as root for the netns backend (sudo npm run exp …)`,
    );
  }
  const backends: Partial<Record<string, Backend>> = { netns: netnsBackend, docker };
  const backend = backends[name];
  if (!backend) {
    if (name === 'vm') throw new PrerequisiteError('the vm backend is not part of this version yet', 'use --backend docker or netns');
    throw new UsageError(`unknown backend '${name}'`, `choose one of: ${BACKEND_CHOICES.join(', ')}`);
  }
  const reason = await backend.unavailable();
  if (reason) throw new PrerequisiteError(`the ${name} backend cannot run here`, reason);
  return backend;
}
