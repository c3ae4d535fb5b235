import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedKernelConfig, firstConfig, hostConfigFiles, readConfigFile } from './kernel-config.ts';

const CONFIG = 'CONFIG_HZ_1000=y\nCONFIG_HZ=1000\nCONFIG_NET_SCH_NETEM=m\n';
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-kconfig-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('kernel config files', () => {
  it('reads a plain config and a gzipped one (/proc/config.gz) as the same text', () => {
    const d = tmp();
    fs.writeFileSync(path.join(d, 'config-6.18.44'), CONFIG);
    fs.writeFileSync(path.join(d, 'config.gz'), zlib.gzipSync(CONFIG));
    expect(readConfigFile(path.join(d, 'config-6.18.44'))).toBe(CONFIG);
    expect(readConfigFile(path.join(d, 'config.gz'))).toBe(CONFIG);
    expect(readConfigFile(path.join(d, 'missing'))).toBeUndefined();
  });

  it('takes the first readable file, and says which', () => {
    const d = tmp();
    fs.writeFileSync(path.join(d, 'config.gz'), zlib.gzipSync(CONFIG));
    expect(firstConfig([path.join(d, 'missing'), path.join(d, 'config.gz')])).toEqual({ file: path.join(d, 'config.gz'), text: CONFIG });
    expect(firstConfig([path.join(d, 'missing')])).toBeUndefined();
  });

  it("this machine's: /boot/config-<release>, then /proc/config.gz", () => {
    expect(hostConfigFiles('6.18.44-fc-v1045')).toEqual(['/boot/config-6.18.44-fc-v1045', '/proc/config.gz']);
    expect(hostConfigFiles()[0]).toBe(`/boot/config-${os.release()}`);
  });

  it("a cached guest kernel's: <cacheRoot()>/<label>/config, undefined before it is fetched", () => {
    const d = tmp();
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = d;
    try {
      expect(cachedKernelConfig('6.1')).toBeUndefined();
      fs.mkdirSync(path.join(d, 'tcplab/kernels/6.1'), { recursive: true });
      fs.writeFileSync(path.join(d, 'tcplab/kernels/6.1/config'), CONFIG);
      expect(cachedKernelConfig('6.1')).toEqual({ file: path.join(d, 'tcplab/kernels/6.1/config'), text: CONFIG });
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });
});
