// The kernel a prediction is for: its release and its CONFIG_HZ.
//
// HZ is a fact of the running kernel (a build option: 100, 250, 300 or 1000 on
// x86), not a constant: every TCP timer is kept in jiffies (icsk_rto, the
// keepalive and probe intervals), and the timer wheel rounds in jiffies, so the
// windows the model predicts depend on it. A plain release string stands for a
// kernel whose HZ is not known: DEFAULT_HZ (Debian's 250) is assumed for it.
// The sandboxes read HZ from the kernel's config (harness/sandbox/kernel-hz.ts)
// and hand the model `{ release, hz }`.

import { DEFAULT_HZ, factsFor, type KernelFacts } from './kernel-facts.ts';

/** How a sandbox's HZ was obtained: its kernel config, a measurement, or the default. */
export type HzSource = 'config' | 'measured' | 'assumed';

/** A `uname -r` string (HZ assumed), or a release with the HZ of that kernel. */
export type KernelRef = string | { release: string; hz: number; hz_source?: HzSource };

/** The release the version facts are read from. */
export function releaseOf(kernel: KernelRef): string {
  return typeof kernel === 'string' ? kernel : kernel.release;
}

/** CONFIG_HZ of the kernel, DEFAULT_HZ when only a release is given. */
export function hzOf(kernel: KernelRef): number {
  return typeof kernel === 'string' ? DEFAULT_HZ : kernel.hz;
}

/** The HZ values Linux offers on x86 (kernel/Kconfig.hz); others are other architectures' or a mistake. */
export const KNOWN_HZ = [100, 250, 300, 1000] as const;

/**
 * The version facts of a kernel the timer model covers. Every schedule rounds its
 * timers the way the non-cascading wheel does (timer-wheel.ts, 500462a9de65, 4.8):
 * before it, the cascading wheel fired a timer on its jiffy after apply_slack() had
 * moved it by up to delay/256 (kernel/timer.c, 2.6.36-4.7), which is not modelled, so
 * such a kernel is refused rather than judged by the wrong windows.
 */
export function modelledFacts(kernel: KernelRef): KernelFacts {
  const release = releaseOf(kernel);
  const facts = factsFor(release);
  if (!facts.nonCascadingWheel) {
    throw new Error(
      `the timer model covers kernels with the non-cascading timer wheel (4.8+, 500462a9de65); ${release} has the cascading one, whose apply_slack() rounding it does not model`,
    );
  }
  return facts;
}
