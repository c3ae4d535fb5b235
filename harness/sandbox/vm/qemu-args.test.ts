import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QBOOT } from './vmlinux.ts';
import { qemuArgs, type QemuSpec } from './qemu-args.ts';

const spec: QemuSpec = {
  kernel: { label: '6.1', release: '6.1.0-50-amd64', vmlinuz: '/c/6.1/vmlinuz', modulesDir: '/c/6.1/root/lib/modules/6.1.0-50-amd64' },
  initrd: '/tmp/g/initrd.gz',
  outDir: '/work/results',
  node: '/usr/bin/node',
  agent: '/work/harness/sandbox/vm/guest-agent.mjs',
  controlSocket: '/tmp/g/ctl.sock',
  accel: 'tcg',
  cpus: 2,
  memoryMiB: 2048,
};

const shares = (args: string[]) => args.filter((_, i) => args[i - 1] === '-virtfs');

describe('qemu command line', () => {
  it("shares the host's root read-only, the modules read-only, and only the run folders' parent writable", () => {
    const s = shares(qemuArgs(spec));
    expect(s).toHaveLength(3);
    expect(s[0]).toMatch(/^local,path=\/,mount_tag=hostroot,.*readonly=on/);
    expect(s[1]).toMatch(/mount_tag=modules,.*readonly=on/);
    expect(s[2]).toBe('local,path=/work/results,mount_tag=results,security_model=none');
  });

  it('has no network device: experiments stay on loopback inside the guest', () => {
    const args = qemuArgs(spec);
    expect(args).toContain('-nodefaults');
    expect(args.join(' ')).not.toMatch(/-netdev|-nic|virtio-net/);
  });

  it('runs TCG on instruction-counted time with one CPU, KVM with the CPUs asked for', () => {
    expect(qemuArgs(spec).slice(0, 8)).toEqual(['-accel', 'tcg,thread=single', '-cpu', 'max', '-icount', 'shift=0,sleep=off', '-smp', '1']);
    expect(qemuArgs({ ...spec, accel: 'kvm' }).slice(0, 6)).toEqual(['-accel', 'kvm', '-cpu', 'host', '-smp', '2']);
  });

  it('skips the local APIC timer calibration under TCG only (KVM guests have several CPUs, which need it)', () => {
    const tcg = qemuArgs(spec);
    expect(tcg[tcg.indexOf('-append') + 1]!.split(' ')).toContain('nolapic_timer');
    expect(qemuArgs({ ...spec, accel: 'kvm' }).join(' ')).not.toContain('nolapic_timer');
  });

  it('tells the guest where node, the agent and the run folders are; refuses paths with spaces', () => {
    const append = qemuArgs(spec)[qemuArgs(spec).indexOf('-append') + 1]!;
    expect(append).toContain('tcplab.node=/usr/bin/node');
    expect(append).toContain('tcplab.out=/work/results');
    expect(() => qemuArgs({ ...spec, outDir: '/my results' })).toThrow(/space/);
  });

  it.skipIf(!fs.existsSync(QBOOT))('boots the uncompressed kernel with qboot when there is one, else the bzImage', () => {
    const withElf = qemuArgs({ ...spec, kernel: { ...spec.kernel, vmlinux: '/c/6.1/vmlinux' } });
    expect(withElf.slice(withElf.indexOf('-bios'), withElf.indexOf('-bios') + 4)).toEqual(['-bios', QBOOT, '-kernel', '/c/6.1/vmlinux']);
    expect(qemuArgs(spec)).not.toContain('-bios');
    expect(qemuArgs(spec)[qemuArgs(spec).indexOf('-kernel') + 1]).toBe('/c/6.1/vmlinuz');
  });

  it('leaves out the modules share for a kernel without modules', () => {
    expect(shares(qemuArgs({ ...spec, kernel: { ...spec.kernel, modulesDir: null } }))).toHaveLength(2);
  });
});
