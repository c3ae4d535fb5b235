// What a sandbox reports about itself once set up, read inside it: the kernel
// (`uname -r`, and from `uname -v` the release the model reads, since Debian's
// `uname -r` hides the patch level) and every TCP sysctl the model cares about.
// One shell script, so each backend needs one exec for it (in a container, or
// through `ip netns exec` here or in a guest), not one per sysctl.
import { modelRelease } from '../model/kernel-version.ts';
import { RECORDED_SYSCTLS } from './sandbox.ts';

export interface SandboxFacts {
  /** `uname -r` inside. */
  kernel: string;
  /** The release the model reads (model/kernel-version.ts modelRelease). */
  kernelVersion: string;
  /** RECORDED_SYSCTLS as read back; those this kernel lacks are absent. */
  sysctls: Record<string, string>;
}

/** Prints `kernel=…`, `uname-v=…` and a `<sysctl>=<value>` line for each recorded sysctl this kernel has. */
export const READBACK_SCRIPT = [
  'printf "kernel=%s\\n" "$(uname -r)"',
  'printf "uname-v=%s\\n" "$(uname -v)"',
  // `if`, not `&&`: a sysctl this kernel lacks (the last one too) must not fail the script.
  `for k in ${RECORDED_SYSCTLS.join(' ')}; do if v=$(sysctl -n "$k" 2>/dev/null); then printf "%s=%s\\n" "$k" "$v"; fi; done`,
].join('\n');

/** READBACK_SCRIPT's output; white space in values folded (tcp_rmem-like triples). */
export function parseReadback(stdout: string): SandboxFacts {
  let kernel = '';
  let unameV = '';
  const sysctls: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim().replace(/\s+/g, ' ');
    if (key === 'kernel') kernel = value;
    else if (key === 'uname-v') unameV = value;
    else sysctls[key] = value;
  }
  return { kernel, kernelVersion: modelRelease(kernel, unameV), sysctls };
}

/** Throws unless every sysctl the experiment set reads back as set (one this kernel does not show is left alone). */
export function assertSysctlsHeld(wanted: Record<string, number>, read: Record<string, string>): void {
  for (const [key, want] of Object.entries(wanted)) {
    if (read[key] !== undefined && read[key] !== String(want)) {
      throw new Error(`${key} reads back as ${read[key]} inside, not ${want}`);
    }
  }
}
