// Which version string a matrix kernel's version facts are read from.
//
// Debian's `uname -r` ('5.10.0-35-amd64', '6.1.0-37-amd64') carries the ABI, not the
// stable patch level (5.10.237): factsFor() then sees 5.10.0 and misses every stable
// backport to 5.10 (zeroWindowProbeClamp came in 5.10.13). MatrixKernel.version, when
// the runner fills it from `uname -v` ("Debian 5.10.237-1"), is the real one.
import { KERNEL_CHANGES } from '../model/kernel-facts.ts';
import { inSeries } from '../model/kernel-version.ts';
import type { MatrixKernel } from './matrix-doc.ts';

export function factsRelease(k: MatrixKernel): string {
  return k.version ?? k.release;
}

/**
 * True when the facts are read from a Debian-style x.y.0-N release AND some change
 * is keyed on a patch level of that series: only then can the missing level matter.
 */
export function hidesPatchLevel(k: MatrixKernel): boolean {
  if (k.version !== undefined || !/^\d+\.\d+\.0-\d+/.test(k.release)) return false;
  const series = KERNEL_CHANGES.flatMap((c) => [...Object.keys(c.range.backports ?? {}), ...Object.keys(c.range.until?.series ?? {})]);
  return series.some((s) => inSeries(k.release, s));
}
