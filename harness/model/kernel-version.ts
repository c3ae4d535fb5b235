// Kernel versions as the model sees them: the numeric part of `uname -r`.
//
// Distribution and build suffixes ('-fc-v669', '-linuxkit', '-27-amd64', '+')
// say nothing about TCP timer behaviour by themselves; the model keys every
// difference on the upstream version (and, for stable backports, the patch level).

export interface KernelVersion {
  major: number;
  minor: number;
  patch: number;
}

const RELEASE = /^(\d+)\.(\d+)(?:\.(\d+))?/;

/** Parse a `uname -r` string or a short form like '6.5'. Throws on anything else. */
export function parseKernelVersion(release: string): KernelVersion {
  const m = RELEASE.exec(release.trim());
  if (!m) throw new Error(`not a kernel release string: '${release}'`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? 0 : Number(m[3]) };
}

function toVersion(v: KernelVersion | string): KernelVersion {
  return typeof v === 'string' ? parseKernelVersion(v) : v;
}

/** Negative, zero or positive, like a sort comparator. */
export function compareVersions(a: KernelVersion | string, b: KernelVersion | string): number {
  const x = toVersion(a);
  const y = toVersion(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/** True when `v` is `min` or newer: atLeast('6.18.44-fc-v669', '6.5') === true. */
export function atLeast(v: KernelVersion | string, min: KernelVersion | string): boolean {
  return compareVersions(v, min) >= 0;
}

/** True when `v` belongs to the stable series `series` ('4.19' matches 4.19.x). */
export function inSeries(v: KernelVersion | string, series: string): boolean {
  const x = toVersion(v);
  const s = parseKernelVersion(series);
  return x.major === s.major && x.minor === s.minor;
}

export function formatVersion(v: KernelVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/**
 * The release the model should read for a kernel. Debian's `uname -r`
 * ('5.10.0-32-amd64') names the ABI, not the stable patch level, which is in
 * `uname -v` ('#1 SMP Debian 5.10.223-1 (2024-08-10)'); the stable backports
 * the model keys on (e.g. 5.10.13) need the real one. Others: `uname -r`.
 */
export function modelRelease(release: string, unameVersion = ''): string {
  const debian = /Debian (\d+\.\d+\.\d+)/.exec(unameVersion)?.[1];
  if (debian && /^\d+\.\d+\.0-/.test(release)) {
    const [major, minor] = release.split('.');
    if (debian.startsWith(`${major}.${minor}.`)) return debian;
  }
  return release;
}
