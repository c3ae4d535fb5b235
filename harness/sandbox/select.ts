// Which sandbox to run in. `auto` (the default) prefers docker when its engine
// answers, then netns when root; otherwise it says both ways out.
import { PrerequisiteError, UsageError } from '../errors.ts';
import { netnsBackend } from './netns.ts';
import type { Backend } from './sandbox.ts';

export const BACKEND_CHOICES = ['auto', 'netns', 'docker', 'vm'] as const;

const backends: Partial<Record<string, Backend>> = { netns: netnsBackend };

export async function selectBackend(name: string): Promise<Backend> {
  if (name === 'auto') {
    const reason = await netnsBackend.unavailable();
    if (reason) {
      throw new PrerequisiteError('no sandbox is available here', `run as root for the netns backend (${reason})`);
    }
    return netnsBackend;
  }
  const backend = backends[name];
  if (!backend) {
    if (name === 'docker' || name === 'vm') {
      throw new PrerequisiteError(`the ${name} backend is not part of this version yet`, 'use --backend netns (as root)');
    }
    throw new UsageError(`unknown backend '${name}'`, `choose one of: ${BACKEND_CHOICES.join(', ')}`);
  }
  const reason = await backend.unavailable();
  if (reason) throw new PrerequisiteError(`the ${name} backend cannot run here`, reason);
  return backend;
}
