// The vm backend: experiments on another kernel. One guest per kernel (qemu,
// booted once per invocation by start()), and inside it each experiment in its
// own network namespace, exactly as the netns backend does on the host
// (namespace.ts), so the same runner serves every backend.
//
// KVM is used when this machine's /dev/kvm can run a stock kernel (probed once
// and remembered), TCG otherwise; the choice is said in one line.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { PrerequisiteError } from '../errors.ts';
import { hasCommand } from '../preflight.ts';
import { cleanupNamespaces, createNamespaceSandbox } from './namespace.ts';
import type { Backend, SandboxSpec } from './sandbox.ts';
import { cleanupGuests, Guest } from './vm/guest.ts';
import { cacheRoot, type GuestKernel } from './vm/kernels.ts';
import type { Accel } from './vm/qemu-args.ts';
import { warmUpFiles, warmUpScript } from './vm/warm-up.ts';

/** What the vm backend needs on the host, with the package that brings it. */
const TOOLS: readonly (readonly [string, string])[] = [
  ['qemu-system-x86_64', 'qemu-system-x86'],
  ['cpio', 'cpio'],
  ['modprobe', 'kmod'],
  ['xz', 'xz-utils'],
  ['setpriv', 'util-linux'],
];

/** On the guest's own tmpfs (/run, initramfs-init.sh), not on a share. */
const GUEST_SCRATCH = '/run/tcplab';

export interface VmBackend extends Backend {
  readonly name: 'vm';
  readonly kernel: GuestKernel;
  /** Boots the guest; afterwards guest, accel and boot_s are known. */
  start(outDir: string, note?: (line: string) => void): Promise<Guest>;
  readonly guest: Guest | undefined;
  /** Shuts the guest down (idempotent). */
  close(): Promise<void>;
}

async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const [tool, pkg] of TOOLS) {
    if (!(await hasCommand(tool))) missing.push(pkg);
  }
  if (!['/bin/busybox', '/usr/bin/busybox'].some((p) => fs.existsSync(p))) missing.push('busybox-static');
  return missing;
}

/**
 * KVM or TCG. TCPLAB_VM_ACCEL=kvm|tcg decides outright; otherwise KVM when
 * /dev/kvm opens and a probe boot answered (remembered per host kernel: on
 * some hosts /dev/kvm exists but cannot run a stock kernel, and the probe
 * would otherwise cost its timeout on every run).
 */
async function chooseAccel(kernel: GuestKernel, outDir: string): Promise<Accel> {
  const forced = process.env.TCPLAB_VM_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return forced;
  try {
    fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    return 'tcg';
  }
  const memo = path.join(cacheRoot(), '..', `kvm-works-${os.release()}`);
  if (fs.existsSync(memo)) return fs.readFileSync(memo, 'utf8').trim() === 'yes' ? 'kvm' : 'tcg';
  let works = false;
  try {
    const probe = await Guest.boot({ kernel, outDir, accel: 'kvm', bootTimeoutMs: 15_000 });
    await probe.shutdown();
    works = true;
  } catch {
    works = false;
  }
  fs.mkdirSync(path.dirname(memo), { recursive: true });
  fs.writeFileSync(memo, works ? 'yes\n' : 'no\n');
  return works ? 'kvm' : 'tcg';
}

export function createVmBackend(kernel: GuestKernel): VmBackend {
  let guest: Guest | undefined;
  let booting: Promise<Guest> | undefined;
  return {
    name: 'vm',
    kernel,
    get guest() {
      return guest;
    },

    /**
     * A TCG guest has one CPU (-icount), and runs in one guest share it: a runner
     * starting up (~0.3 s of guest CPU) delays another run's scripted calls. Measured
     * on 5.10 with 4 at once: six back-to-back NODELAY writes spread over 63 ms of
     * guest time instead of 3 ms, so the loss probe came between them. One at a time.
     */
    get parallelLimit() {
      return guest?.accel === 'tcg' ? 1 : undefined;
    },

    async unavailable() {
      const missing = await missingTools();
      if (missing.length) return `the vm backend needs ${missing.join(', ')} (apt-get install ${missing.join(' ')})`;
      return null;
    },

    start(outDir, note = (line) => process.stderr.write(`${line}\n`)) {
      booting ??= (async () => {
        const accel = await chooseAccel(kernel, outDir);
        note(`tcplab: booting ${kernel.release} under qemu (${accel === 'kvm' ? 'KVM' : 'TCG on instruction-counted time: no usable /dev/kvm'})…`);
        guest = await Guest.boot({ kernel, outDir, accel });
        const started = Date.now();
        // It must succeed, or no timing in this guest would hold. (It copies from the host:
        // on 5.10 its first run took 33 s of wall time and 75 s of the jumping guest clock.)
        const warm = await guest.run(['sh', '-c', warmUpScript(await warmUpFiles())]);
        if (warm.exitCode !== 0 || !/^\d+$/.test(warm.stdout.trim())) {
          await guest.shutdown();
          throw new PrerequisiteError(
            `the ${kernel.release} guest could not copy the scenarios' tools off the host's share (${warm.stderr.trim() || `exit ${warm.exitCode}`})`,
            'retry; if it persists, run npm run exp -- --doctor',
          );
        }
        note(
          `tcplab: ${guest.release} answered after ${guest.boot_s.toFixed(1)} s; ` +
            `${warm.stdout.trim()} files of the scenarios' tools put on its tmpfs and their modules loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        return guest;
      })();
      return booting;
    },

    async create(spec: SandboxSpec) {
      if (!guest) throw new PrerequisiteError('the vm backend was used before its guest booted', 'this is a tcplab bug: call start() first');
      // The runner writes on the guest's tmpfs and moves its files at the end (runner/work-folder.ts).
      return createNamespaceSandbox(guest, 'vm', spec, { TCPLAB_SCRATCH: GUEST_SCRATCH });
    },

    hasSysctl(name: string) {
      return guest?.sysctls.has(name) ?? false;
    },

    async cleanupLeftovers() {
      // Namespaces live inside guests, and a guest dies with its run.
      return [...(guest ? await cleanupNamespaces(guest) : []), ...(await cleanupGuests())];
    },

    async close() {
      await guest?.shutdown();
    },
  };
}
