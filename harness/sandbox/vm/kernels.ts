// Which kernel a guest boots. `--kernel 6.1` (a Debian release's kernel,
// fetched once with apt into ~/.cache/tcplab/kernels/), `--kernel host` (no
// guest: the host's own kernel), or `--kernel path/to/vmlinuz` (a kernel the
// user built, with its modules directory optional).
//
// Debian's packages are fetched with apt against private lists and a private
// state directory, so the host's own apt sources and lists are never touched.
// The mirror is the one the host's apt already uses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { PrerequisiteError, UsageError } from '../../errors.ts';
import { hasCommand } from '../../preflight.ts';
import { extractVmlinux } from './vmlinux.ts';

/** The kernels of Debian's releases, as the matrix names them. */
export const DEBIAN_KERNELS = {
  '5.10': { suite: 'bullseye' },
  '6.1': { suite: 'bookworm' },
  '6.12': { suite: 'trixie' },
} as const;
export type DebianKernelLabel = keyof typeof DEBIAN_KERNELS;
export const KERNEL_LABELS = [...Object.keys(DEBIAN_KERNELS), 'host'] as const;

/** A kernel ready to boot. */
export interface GuestKernel {
  /** '6.1', or the file name of a user's kernel. */
  label: string;
  /** uname -r of the kernel, from the package or the bzImage header. */
  release: string;
  vmlinuz: string;
  /** The same kernel uncompressed (vmlinux.ts), when it could be extracted: boots faster. */
  vmlinux?: string;
  /** The module tree (lib/modules/<release>) with modules.dep, or null for a kernel without modules. */
  modulesDir: string | null;
}

export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'tcplab', 'kernels');
}

export function isDebianLabel(spec: string): spec is DebianKernelLabel {
  return Object.hasOwn(DEBIAN_KERNELS, spec);
}

/**
 * What `--kernel` names: 'host', a Debian label, or a path to a kernel image.
 * Anything else is bad input (exit 2).
 */
export function parseKernelSpec(spec: string): { kind: 'host' } | { kind: 'debian'; label: DebianKernelLabel } | { kind: 'file'; path: string } {
  if (spec === 'host') return { kind: 'host' };
  if (isDebianLabel(spec)) return { kind: 'debian', label: spec };
  if (spec.includes('/') || fs.existsSync(spec)) {
    if (!fs.existsSync(spec)) throw new UsageError(`--kernel ${spec}: no such file`, 'give the path to a kernel image (bzImage/vmlinuz)');
    return { kind: 'file', path: path.resolve(spec) };
  }
  throw new UsageError(`unknown kernel '${spec}'`, `choose one of: ${KERNEL_LABELS.join(', ')}, or a path to a kernel image`);
}

/**
 * The release string a bzImage carries (arch/x86/boot/header.S: the 16-bit
 * `kernel_version` field at 0x20e points 0x200 bytes before the string).
 */
export function bzImageRelease(file: string): string | null {
  const buf = fs.readFileSync(file);
  if (buf.length < 0x210 || buf.toString('latin1', 0x202, 0x206) !== 'HdrS') return null;
  const at = buf.readUInt16LE(0x20e) + 0x200;
  const end = buf.indexOf(0, at);
  return buf.toString('latin1', at, end > at ? end : at + 64).split(' ')[0] || null;
}

/** A kernel the user built: its release from the image, modules from --modules or beside it. */
export function userKernel(file: string, modulesDir?: string): GuestKernel {
  const release = bzImageRelease(file);
  if (!release) throw new UsageError(`--kernel ${file}: not an x86 kernel image (no bzImage header)`, 'give arch/x86/boot/bzImage or a vmlinuz');
  const guess = [modulesDir, path.join(path.dirname(file), 'lib/modules', release), path.join('/lib/modules', release)].filter(Boolean) as string[];
  const found = guess.find((d) => fs.existsSync(path.join(d, 'modules.dep')));
  if (modulesDir && !found) throw new UsageError(`--modules ${modulesDir}: no modules.dep there`, `run depmod for ${release}, or leave --modules out for a kernel with 9p and overlay built in`);
  return { label: path.basename(file), release, vmlinuz: file, modulesDir: found ?? null };
}

/** The host's Debian mirror (the first plain-codename entry in its apt sources). */
export function hostDebianMirror(etc = '/etc/apt'): string | null {
  if (process.env.TCPLAB_DEBIAN_MIRROR) return process.env.TCPLAB_DEBIAN_MIRROR;
  const texts: string[] = [];
  for (const f of [path.join(etc, 'sources.list'), ...listDir(path.join(etc, 'sources.list.d')).filter((n) => /\.(list|sources)$/.test(n)).map((n) => path.join(etc, 'sources.list.d', n))]) {
    try {
      texts.push(fs.readFileSync(f, 'utf8'));
    } catch {
      // absent
    }
  }
  for (const text of texts) {
    // one-line style: deb [opts] URI suite components
    for (const m of text.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+([a-z]+)\s/gm)) if (m[1] && !m[1].includes('security')) return m[1];
    // deb822 style
    for (const stanza of text.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1] ?? '';
      if (uri && !uri.includes('security') && /\/debian\/?$/.test(uri) && /(^|\s)[a-z]+(\s|$)/.test(suites)) return uri;
    }
  }
  return null;
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** A Debian kernel from the cache, fetching it first when it is not there. */
export async function debianKernel(label: DebianKernelLabel, progress: (line: string) => void): Promise<GuestKernel> {
  const dir = path.join(cacheRoot(), label);
  const ready = readCached(dir, label);
  if (ready && !ready.vmlinux && (await extractVmlinux(ready.vmlinuz, path.join(dir, 'vmlinux')))) return readCached(dir, label)!;
  if (ready) return ready;
  await fetchDebianKernel(label, dir, progress);
  const fetched = readCached(dir, label);
  if (!fetched) throw new PrerequisiteError(`the ${label} kernel in ${dir} is incomplete`, `remove ${dir} and run again`);
  return fetched;
}

function readCached(dir: string, label: string): GuestKernel | null {
  try {
    const release = fs.readFileSync(path.join(dir, 'release'), 'utf8').trim();
    const modulesDir = path.join(dir, 'root/lib/modules', release);
    if (!fs.existsSync(path.join(modulesDir, 'modules.dep'))) return null;
    const vmlinux = path.join(dir, 'vmlinux');
    return { label, release, vmlinuz: path.join(dir, 'vmlinuz'), modulesDir, ...(fs.existsSync(vmlinux) ? { vmlinux } : {}) };
  } catch {
    return null;
  }
}

async function fetchDebianKernel(label: DebianKernelLabel, dir: string, progress: (line: string) => void): Promise<void> {
  for (const tool of ['apt-get', 'dpkg-deb', 'depmod']) {
    if (!(await hasCommand(tool))) {
      throw new PrerequisiteError(`fetching Debian kernels needs ${tool}`, 'run on Debian or Ubuntu (apt-get install apt dpkg kmod), or pass --kernel path/to/vmlinuz');
    }
  }
  const mirror = hostDebianMirror();
  if (!mirror) throw new PrerequisiteError('no Debian mirror found in /etc/apt', 'set TCPLAB_DEBIAN_MIRROR to a Debian mirror URL');
  const { suite } = DEBIAN_KERNELS[label];
  const work = `${dir}.partial-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  for (const d of ['state/lists/partial', 'cache/archives/partial', 'etc', 'deb']) fs.mkdirSync(path.join(work, d), { recursive: true });
  const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
  const signed = fs.existsSync(keyring) ? `[signed-by=${keyring}] ` : '';
  fs.writeFileSync(path.join(work, 'etc/sources.list'), `deb ${signed}${mirror} ${suite} main\n`);
  // Private lists and state: the host's own apt is left exactly as it was.
  const apt = [
    '-o', `Dir::Etc::sourcelist=${path.join(work, 'etc/sources.list')}`,
    '-o', 'Dir::Etc::sourceparts=-',
    '-o', `Dir::State=${path.join(work, 'state')}`,
    '-o', `Dir::Cache=${path.join(work, 'cache')}`,
    '-o', 'APT::Sandbox::User=root',
  ];
  try {
    progress(`tcplab: fetching Debian ${suite}'s package list…`);
    await execa('apt-get', [...apt, '-qq', 'update']);
    const depends = (await execa('apt-cache', [...apt, 'depends', 'linux-image-amd64'])).stdout;
    const pkg = /Depends:\s*(linux-image-\S+)/.exec(depends)?.[1];
    if (!pkg) throw new Error(`${suite} has no linux-image-amd64 dependency`);
    const size = Number(/^Size:\s*(\d+)/m.exec((await execa('apt-cache', [...apt, 'show', pkg])).stdout)?.[1] ?? 0);
    progress(`tcplab: downloading ${pkg} (${(size / 1e6).toFixed(0)} MB) into ${dir}…`);
    const started = Date.now();
    const ticker = setInterval(() => {
      const got = listDir(path.join(work, 'cache/archives/partial')).concat(listDir(path.join(work, 'deb')))
        .reduce((n, f) => n + sizeOf(path.join(work, 'cache/archives/partial', f)) + sizeOf(path.join(work, 'deb', f)), 0);
      progress(`tcplab: downloading ${pkg}: ${(got / 1e6).toFixed(0)}/${(size / 1e6).toFixed(0)} MB, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }, 2000);
    try {
      await execa('apt-get', [...apt, '-qq', 'download', pkg], { cwd: path.join(work, 'deb') });
    } finally {
      clearInterval(ticker);
    }
    const deb = listDir(path.join(work, 'deb')).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} left no .deb`);
    progress(`tcplab: unpacking ${deb}…`);
    const x = path.join(work, 'x');
    await execa('dpkg-deb', ['-x', path.join(work, 'deb', deb), x]);
    const release = listDir(path.join(x, 'boot')).find((f) => f.startsWith('vmlinuz-'))?.slice('vmlinuz-'.length);
    if (!release) throw new Error(`${deb} has no /boot/vmlinuz-*`);
    // bookworm and older ship lib/modules, trixie usr/lib/modules.
    const modules = [path.join(x, 'lib/modules', release), path.join(x, 'usr/lib/modules', release)].find((d) => fs.existsSync(d));
    if (!modules) throw new Error(`${deb} has no module tree for ${release}`);
    const out = path.join(work, 'out');
    fs.mkdirSync(path.join(out, 'root/lib/modules'), { recursive: true });
    fs.renameSync(modules, path.join(out, 'root/lib/modules', release));
    fs.renameSync(path.join(x, 'boot', `vmlinuz-${release}`), path.join(out, 'vmlinuz'));
    fs.renameSync(path.join(x, 'boot', `config-${release}`), path.join(out, 'config'));
    // The package's postinst would run depmod; modprobe in the guest needs modules.dep.
    await execa('depmod', ['-b', path.join(out, 'root'), release]);
    await extractVmlinux(path.join(out, 'vmlinuz'), path.join(out, 'vmlinux'));
    fs.writeFileSync(path.join(out, 'package'), `${deb}\n`);
    fs.writeFileSync(path.join(out, 'release'), `${release}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.renameSync(out, dir);
    progress(`tcplab: ${label} is ${release}, cached in ${dir}`);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new PrerequisiteError(`could not fetch Debian ${suite}'s kernel: ${(e.stderr || e.message).trim().split('\n').slice(-2).join(' | ')}`, `check that apt reaches ${mirror}, or pass --kernel path/to/vmlinuz`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
