import { describe, expect, it } from 'vitest';
import { atLeast, compareVersions, formatVersion, inSeries, modelRelease, parseKernelVersion } from './kernel-version.ts';

describe('parseKernelVersion', () => {
  it('reads uname -r strings from the hosts the lab runs on', () => {
    expect(parseKernelVersion('6.18.44-fc-v669')).toEqual({ major: 6, minor: 18, patch: 44 });
    expect(parseKernelVersion('4.19.121-linuxkit')).toEqual({ major: 4, minor: 19, patch: 121 });
    expect(parseKernelVersion('6.1.0-27-amd64')).toEqual({ major: 6, minor: 1, patch: 0 });
    expect(parseKernelVersion('6.5')).toEqual({ major: 6, minor: 5, patch: 0 });
    expect(parseKernelVersion('5.10.0+')).toEqual({ major: 5, minor: 10, patch: 0 });
  });

  it('rejects what is not a release', () => {
    expect(() => parseKernelVersion('linuxkit')).toThrow(/not a kernel release/);
    expect(() => parseKernelVersion('')).toThrow();
  });
});

describe('comparisons', () => {
  it('orders numerically, not as strings', () => {
    expect(atLeast('6.18.44-fc-v669', '6.5')).toBe(true);
    expect(atLeast('6.1.0-27-amd64', '6.5')).toBe(false);
    expect(atLeast('4.19.121-linuxkit', '4.19.77')).toBe(true);
    expect(atLeast('4.19.9', '4.19.77')).toBe(false);
    expect(atLeast('6.5.0', '6.5')).toBe(true);
    expect(compareVersions('5.10.13', '5.10.2')).toBeGreaterThan(0);
    expect(compareVersions('4.9', '4.19')).toBeLessThan(0);
  });

  it('knows stable series', () => {
    expect(inSeries('4.19.121-linuxkit', '4.19')).toBe(true);
    expect(inSeries('4.20.1', '4.19')).toBe(false);
    expect(formatVersion(parseKernelVersion('6.1.0-27-amd64'))).toBe('6.1.0');
  });
});

describe('modelRelease', () => {
  it("reads Debian's stable patch level from uname -v (uname -r only names the ABI)", () => {
    expect(modelRelease('5.10.0-32-amd64', '#1 SMP Debian 5.10.223-1 (2024-08-10)')).toBe('5.10.223');
    expect(modelRelease('6.1.0-50-amd64', '#1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2025-01-01)')).toBe('6.1.176');
  });

  it('keeps uname -r when it already has the patch level, or uname -v says nothing', () => {
    expect(modelRelease('6.12.117+deb13-amd64', '#1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1 (2025-01-01)')).toBe('6.12.117+deb13-amd64');
    expect(modelRelease('6.18.44-fc-v1045', '#1 SMP PREEMPT_DYNAMIC')).toBe('6.18.44-fc-v1045');
    // A version from another series is not this kernel's.
    expect(modelRelease('6.1.0-50-amd64', '#1 SMP Debian 5.10.223-1')).toBe('6.1.0-50-amd64');
  });
});
