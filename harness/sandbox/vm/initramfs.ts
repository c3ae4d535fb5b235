// The guest's initramfs: a static busybox, the handful of modules that reach
// the root filesystem (virtio, 9p, overlay, the virtio-serial port), and
// initramfs-init.sh as /init. Everything else loads from the guest's own module
// tree after switch_root. Built per boot (well under a second), so it always
// matches the script and the kernel.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execa } from 'execa';
import { PrerequisiteError } from '../../errors.ts';
import type { GuestKernel } from './kernels.ts';

/** What /init needs before the root exists; their dependencies come along (modprobe --show-depends). */
export const ROOT_MODULES = ['virtio_pci', '9pnet_virtio', '9p', 'overlay', 'virtio_console'] as const;

const INIT_SCRIPT = path.join(path.dirname(new URL(import.meta.url).pathname), 'initramfs-init.sh');
const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'];

/** The module files to insmod, in dependency order; built-in ones are absent. */
export async function rootModuleFiles(kernel: GuestKernel): Promise<string[]> {
  if (!kernel.modulesDir) return [];
  // modprobe -d wants the directory above lib/modules.
  const base = path.resolve(kernel.modulesDir, '../../..');
  const files: string[] = [];
  for (const mod of ROOT_MODULES) {
    const r = await execa('modprobe', ['-d', base, '-S', kernel.release, '--show-depends', mod], { reject: false });
    for (const line of r.stdout.split('\n')) {
      const file = /^insmod\s+(\S+)/.exec(line)?.[1];
      if (file && !files.includes(file)) files.push(file);
    }
  }
  return files;
}

async function staticBusybox(): Promise<string> {
  for (const p of BUSYBOX_PATHS) {
    if (!fs.existsSync(p)) continue;
    const ldd = await execa('ldd', [p], { reject: false });
    if (/not a dynamic executable|statically linked/.test(`${ldd.stdout}${ldd.stderr}`)) return p;
  }
  throw new PrerequisiteError('the vm backend needs a static busybox for the guest initramfs', 'apt-get install busybox-static');
}

/** Module bytes as insmod wants them: trixie ships .ko.xz, some kernels .ko.zst. */
async function moduleBytes(file: string): Promise<Buffer> {
  if (file.endsWith('.xz')) return (await execa('xz', ['-dc', file], { encoding: 'buffer' })).stdout as unknown as Buffer;
  if (file.endsWith('.zst')) return (await execa('zstd', ['-dc', file], { encoding: 'buffer' })).stdout as unknown as Buffer;
  return fs.readFileSync(file);
}

/** Writes initrd.gz into dir and returns its path. */
export async function buildInitramfs(kernel: GuestKernel, dir: string): Promise<string> {
  const tree = path.join(dir, 'initramfs');
  fs.mkdirSync(path.join(tree, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(tree, 'mod'), { recursive: true });
  fs.copyFileSync(await staticBusybox(), path.join(tree, 'bin/busybox'));
  fs.chmodSync(path.join(tree, 'bin/busybox'), 0o755);
  fs.copyFileSync(INIT_SCRIPT, path.join(tree, 'init'));
  fs.chmodSync(path.join(tree, 'init'), 0o755);
  const names: string[] = [];
  for (const file of await rootModuleFiles(kernel)) {
    const name = path.basename(file).replace(/\.(xz|zst)$/, '');
    fs.writeFileSync(path.join(tree, 'mod', name), await moduleBytes(file));
    names.push(name);
  }
  fs.writeFileSync(path.join(tree, 'modules.list'), names.map((n) => `${n}\n`).join(''));
  const list = ['.', 'bin', 'bin/busybox', 'init', 'modules.list', 'mod', ...names.map((n) => `mod/${n}`)].join('\n') + '\n';
  const cpio = await execa('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: tree, input: list, encoding: 'buffer', reject: false });
  if (cpio.exitCode !== 0) throw new PrerequisiteError(`cpio failed building the guest initramfs: ${String(cpio.stderr)}`, 'apt-get install cpio');
  const out = path.join(dir, 'initrd.gz');
  fs.writeFileSync(out, zlib.gzipSync(cpio.stdout as unknown as Buffer, { level: 1 }));
  fs.rmSync(tree, { recursive: true, force: true });
  return out;
}
