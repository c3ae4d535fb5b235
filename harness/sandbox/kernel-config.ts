// A kernel's build config, as text: what the facts a kernel is built with are read
// from (CONFIG_HZ in kernel-hz.ts; the features experiments/expected-skips.ts checks).
//
// - this machine's kernel (netns and docker run on it): /boot/config-<release>, else
//   /proc/config.gz (CONFIG_IKCONFIG_PROC);
// - a Debian guest kernel of the vm cache: <cacheRoot()>/<label>/config, the package's
//   /boot/config-<release>, kept beside its vmlinuz (vm/kernels.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { cacheRoot } from './vm/kernels.ts';

export interface KernelConfig {
  /** The file it was read from. */
  file: string;
  text: string;
}

/** A config file's text (gunzipped when the name ends in .gz), or undefined when it cannot be read. */
export function readConfigFile(file: string): string | undefined {
  try {
    const buf = fs.readFileSync(file);
    return (file.endsWith('.gz') ? zlib.gunzipSync(buf) : buf).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Where this machine keeps the config of its running kernel, `release` (`uname -r`), in the order to try. */
export function hostConfigFiles(release: string = os.release()): string[] {
  return [`/boot/config-${release}`, '/proc/config.gz'];
}

/** The first of `files` that can be read. */
export function firstConfig(files: readonly string[]): KernelConfig | undefined {
  for (const file of files) {
    const text = readConfigFile(file);
    if (text !== undefined) return { file, text };
  }
  return undefined;
}

/** This machine's kernel config, or undefined when it keeps none. */
export function hostKernelConfig(): KernelConfig | undefined {
  return firstConfig(hostConfigFiles());
}

/** The config the vm backend keeps for a cached guest kernel (`--kernel 6.1` → <cacheRoot()>/6.1/config), or undefined when not fetched. */
export function cachedKernelConfig(label: string): KernelConfig | undefined {
  return firstConfig([path.join(cacheRoot(), label, 'config')]);
}
