import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.ts';
import { bzImageRelease, hostDebianMirror, parseKernelSpec, userKernel } from './kernels.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-kernels-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The bytes of a bzImage's real-mode header that bzImageRelease reads (arch/x86/boot/header.S). */
function fakeBzImage(release: string): string {
  const buf = Buffer.alloc(0x1000);
  buf.write('HdrS', 0x202, 'latin1');
  buf.writeUInt16LE(0x0c00 - 0x200, 0x20e);
  buf.write(`${release} (debian-kernel@lists.debian.org) #1 SMP Debian\0`, 0x0c00, 'latin1');
  const file = path.join(tmp, `vmlinuz-${release}`);
  fs.writeFileSync(file, buf);
  return file;
}

describe('--kernel', () => {
  it('names a Debian kernel, the host, or a kernel image', () => {
    expect(parseKernelSpec('6.1')).toEqual({ kind: 'debian', label: '6.1' });
    expect(parseKernelSpec('host')).toEqual({ kind: 'host' });
    const file = fakeBzImage('6.9.0-custom');
    expect(parseKernelSpec(file)).toEqual({ kind: 'file', path: file });
  });

  it('rejects anything else with exit 2 and the choices', () => {
    expect(() => parseKernelSpec('4.19')).toThrow(UsageError);
    expect(() => parseKernelSpec('4.19')).toThrow(/unknown kernel '4.19'/);
    expect(() => parseKernelSpec('/no/such/vmlinuz')).toThrow(/no such file/);
  });

  it("reads a user's kernel release from its bzImage header", () => {
    expect(bzImageRelease(fakeBzImage('6.13.2-lab+'))).toBe('6.13.2-lab+');
    const notKernel = path.join(tmp, 'not-a-kernel');
    fs.writeFileSync(notKernel, Buffer.alloc(0x400));
    expect(bzImageRelease(notKernel)).toBeNull();
    expect(() => userKernel(notKernel)).toThrow(/no bzImage header/);
  });

  it("takes a user's module tree only where modules.dep is", () => {
    const file = fakeBzImage('6.9.1-mods');
    const mods = path.join(tmp, 'mods');
    fs.mkdirSync(mods);
    expect(() => userKernel(file, mods)).toThrow(/no modules.dep/);
    fs.writeFileSync(path.join(mods, 'modules.dep'), '');
    expect(userKernel(file, mods)).toMatchObject({ release: '6.9.1-mods', modulesDir: mods });
    expect(userKernel(fakeBzImage('6.9.2-nomods')).modulesDir).toBeNull();
  });
});

describe("the Debian mirror is the host's own", () => {
  const etc = (files: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(tmp, 'apt-'));
    fs.mkdirSync(path.join(dir, 'sources.list.d'));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  };

  it('from deb822 sources, skipping the security archive', () => {
    const dir = etc({
      'sources.list.d/debian.sources': 'Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\nComponents: main\n\nTypes: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n',
    });
    expect(hostDebianMirror(dir)).toBe('http://mirror.example/debian');
  });

  it('from one-line sources', () => {
    expect(hostDebianMirror(etc({ 'sources.list': '# comment\ndeb [arch=amd64] http://other.example/debian bookworm main\n' }))).toBe('http://other.example/debian');
    expect(hostDebianMirror(etc({}))).toBeNull();
  });
});
