// The qemu command line for a tcplab guest (ENVIRONMENT's recipe): the host's
// root shared read-only over 9p (under a tmpfs overlay in the guest), the
// kernel's module tree in a second share, the run folders' parent in a third,
// writable one, and a virtio-serial port for the guest agent. No network
// device: experiments run on the guest's loopback, inside its namespaces.
import fs from 'node:fs';
import type { GuestKernel } from './kernels.ts';
import { QBOOT } from './vmlinux.ts';

export type Accel = 'kvm' | 'tcg';

export interface QemuSpec {
  kernel: GuestKernel;
  initrd: string;
  /** Parent of the run folders, writable in the guest at the same path. */
  outDir: string;
  /** The node binary and the agent script, as paths on the host root. */
  node: string;
  agent: string;
  /** The agent's port: a unix socket qemu listens on. */
  controlSocket: string;
  accel: Accel;
  cpus: number;
  memoryMiB: number;
}

/** Kernel command-line words may not contain spaces (initramfs-init.sh splits on them). */
function word(what: string, value: string): string {
  if (/\s/.test(value)) throw new Error(`the vm backend cannot pass ${what} with a space in it: ${value}`);
  return value;
}

/**
 * Under TCG the guest runs on instruction-counted virtual time (-icount): each
 * guest instruction is 1 ns (shift=0). Without it, the emulation's slowness
 * (10-16x) and host load show up in guest time: measured in a 6.1 guest under
 * multi-threaded TCG, loopback handshake RTTs of 0.3-13.5 ms (jiffy-sized, so
 * every RTO moved), RTO retransmissions 15-105 ms late and read() waking 96 ms
 * after the RST. With -icount the same guest measured a 21 µs RTT and kernel
 * timers within their wheel windows, and a busy host only stretches wall time.
 *
 * sleep=off: when the guest idles, its clock jumps to its next timer at once
 * instead of waiting for it in real time (qemu's icount_start_warp_timer(): "we
 * never let VCPUs sleep ... useful when we want a deterministic execution time,
 * isolated from host latencies"). A scenario is mostly waiting for kernel timers,
 * so the fast catalogue on 6.1 went from 22 min to under 5, and test-pacing's
 * 5.5-minute orphan from 486 s to 31 s of wall time. The price: a guest that
 * waits for the host (a 9p read or write) sees that wait as a jump too, so
 * nothing a scenario does may touch a share (vm/warm-up.ts, runner/work-folder.ts).
 *
 * icount needs single-threaded TCG, and secondary CPUs fail to calibrate under
 * it (calibrate_delay_direct), so such a guest has one CPU.
 */
const TCG_ICOUNT = ['-accel', 'tcg,thread=single', '-cpu', 'max', '-icount', 'shift=0,sleep=off', '-smp', '1'];

/**
 * Kernel words for such a one-CPU TCG guest. nolapic_timer: the tick runs on the
 * HPET's clockevent instead of the local APIC timer, whose calibration
 * (calibrate_APIC_clock(), arch/x86/kernel/apic/apic.c, 5.10-6.12) spins for
 * LAPIC_CAL_LOOPS = HZ/10 ticks on rdtsc, and each rdtsc ends a translation block
 * under -icount: 0.1 s of guest time took 3 s of wall time, a third of the boot
 * (sampled through qemu's monitor: setup_boot_APIC_clock). TCG in qemu 7.2 has no
 * TSC-deadline timer, the feature that skips the calibration. On one CPU nothing
 * needs the APIC timer (setup_boot_APIC_clock(): "No broadcast on UP"); the timer
 * wheel runs on jiffies either way. Measured boot to the agent's hello: 6.1 8.5 -> 6.0 s,
 * 5.10 11.3 -> 8.7 s, 6.12 8.2 -> 6.1 s.
 */
const TCG_KERNEL_WORDS = ['nolapic_timer'];

export function qemuArgs(s: QemuSpec): string[] {
  const share = (tag: string, dir: string, readonly: boolean, extra = '') =>
    ['-virtfs', `local,path=${dir},mount_tag=${tag},security_model=none${readonly ? ',readonly=on' : ''}${extra}`];
  const append = [
    'console=ttyS0',
    'quiet',
    // 5.10 and 6.1 otherwise distrust TCG's TSC and fall back to a coarse clocksource.
    'tsc=reliable',
    'panic=-1',
    ...(s.accel === 'tcg' ? TCG_KERNEL_WORDS : []),
    `tcplab.node=${word('the node path', s.node)}`,
    `tcplab.agent=${word('the agent path', s.agent)}`,
    `tcplab.out=${word('--out', s.outDir)}`,
  ].join(' ');
  return [
    ...(s.accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host', '-smp', String(s.cpus)] : TCG_ICOUNT),
    '-m', String(s.memoryMiB),
    '-nographic', '-nodefaults', '-no-reboot',
    '-serial', 'stdio',
    // qboot + the uncompressed ELF (PVH entry) when there is one: no SeaBIOS, no decompression in the guest.
    ...(s.kernel.vmlinux && fs.existsSync(QBOOT) ? ['-bios', QBOOT, '-kernel', s.kernel.vmlinux] : ['-kernel', s.kernel.vmlinuz]),
    '-initrd', s.initrd,
    '-append', append,
    ...share('hostroot', '/', true, ',multidevs=remap'),
    ...(s.kernel.modulesDir ? share('modules', s.kernel.modulesDir, true) : []),
    ...share('results', s.outDir, false),
    '-device', 'virtio-serial-pci',
    '-chardev', `socket,id=ctl,path=${s.controlSocket},server=on,wait=off`,
    '-device', 'virtserialport,chardev=ctl,name=tcplab',
  ];
}
