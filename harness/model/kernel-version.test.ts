import { describe, expect, it } from 'vitest';
import { atLeast, compareVersions, formatVersion, inSeries, parseKernelVersion } from './kernel-version.ts';

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
