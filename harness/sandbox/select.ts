// Which sandbox to run in. `--kernel` other than the host's: the vm backend,
// its guest booted. `auto` (the default): docker when its engine answers;
// otherwise netns when root (saying so in one line); otherwise exit 2 naming
// both ways out. Inside a tcplab container (docker-compose.yml sets
// TCPLAB_IN_CONTAINER) experiments run in place, in the container's own
// network namespace.
import { PrerequisiteError, UsageError } from '../errors.ts';
import { createDockerBackend } from './docker.ts';
import { inContainerBackend, insideTcplabContainer } from './docker-in-container.ts';
import { netnsBackend } from './netns.ts';
import type { Backend } from './sandbox.ts';
import { installSignalHandlers } from './lifecycle.ts';
import { createVmBackend, type VmBackend } from './vm.ts';
import { cleanupGuests } from './vm/guest.ts';
import { debianKernel, type GuestKernel, parseKernelSpec, userKernel } from './vm/kernels.ts';

export const BACKEND_CHOICES = ['auto', 'netns', 'docker', 'vm'] as const;

export interface SelectOptions {
  /** docker only, opt-in: privileged containers instead of NET_ADMIN + NET_RAW. */
  privileged?: boolean;
  /** Where the one-line fallback notice goes (stderr by default). */
  note?: (line: string) => void;
  /** `--kernel`: 'host' (or absent) runs on this kernel; anything else in a vm. */
  kernel?: string;
  /** `--modules`: the module tree of a `--kernel path/to/vmlinuz`. */
  modules?: string;
  /** The run folders' parent, shared writable with a guest. */
  outDir?: string;
}

/** The kernel `--kernel` names, fetched into the cache first when it is a Debian one. */
export async function guestKernel(spec: string, modules: string | undefined, note: (line: string) => void): Promise<GuestKernel> {
  const k = parseKernelSpec(spec);
  if (k.kind === 'host') throw new UsageError('--kernel host runs on this machine, not in a vm');
  if (k.kind === 'file') return userKernel(k.path, modules);
  if (modules) throw new UsageError('--modules goes with --kernel path/to/vmlinuz', `drop --modules: Debian's ${spec} kernel brings its own`);
  return debianKernel(k.label, note);
}

/** A vm backend for that kernel, its guest booted (close() it when done). */
export async function startVm(spec: string, o: SelectOptions & { outDir: string }): Promise<VmBackend> {
  const note = o.note ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Ctrl-C while fetching or booting must take the guest along too (vm/guest.ts exit hook).
  installSignalHandlers();
  const kernel = await guestKernel(spec, o.modules, note);
  const vm = createVmBackend(kernel);
  const reason = await vm.unavailable();
  if (reason) throw new PrerequisiteError(`the vm backend cannot run here`, reason);
  // Folders of guests whose tcplab process was killed outright (their guest powered itself off).
  await cleanupGuests();
  await vm.start(o.outDir, note);
  return vm;
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
  if (o.kernel && o.kernel !== 'host') {
    parseKernelSpec(o.kernel);
    if (name !== 'auto' && name !== 'vm') throw new UsageError(`--kernel ${o.kernel} needs the vm backend, not ${name}`, `drop --backend ${name} (or use --backend vm)`);
    return startVm(o.kernel, { ...o, outDir: o.outDir ?? 'results' });
  }
  if (name === 'vm') throw new UsageError('--backend vm needs a kernel to boot', 'add --kernel 5.10, 6.1, 6.12 or --kernel path/to/vmlinuz');
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
    throw new UsageError(`unknown backend '${name}'`, `choose one of: ${BACKEND_CHOICES.join(', ')}`);
  }
  const reason = await backend.unavailable();
  if (reason) throw new PrerequisiteError(`the ${name} backend cannot run here`, reason);
  return backend;
}
