import fs from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { GUEST_PATH, warmUpFiles, warmUpScript } from './warm-up.ts';

describe("the warm-up's file list, worked out on the host (the guest's root is the host's)", () => {
  it("holds each tool the scenarios start, as the guest's PATH finds it, with its libraries' real files", async () => {
    const files = await warmUpFiles();
    const env = { PATH: GUEST_PATH.join(':') };
    for (const tool of ['ss', 'tcpdump', 'iptables']) {
      const found = (await execa('sh', ['-c', `command -v ${tool}`], { env, reject: false })).stdout.trim();
      if (!found) continue; // not installed here: the experiment says so, the warm-up skips it
      expect(files).toContain(found);
      expect(files).toContain(fs.realpathSync(found));
      const libc = /libc\.so\.6 => (\S+)/.exec((await execa('ldd', [fs.realpathSync(found)])).stdout)?.[1];
      expect(libc && files).toContain(libc);
      expect(files).toContain(fs.realpathSync(libc!));
    }
  });

  it('names only paths that exist, once each', async () => {
    const files = await warmUpFiles();
    expect(new Set(files).size).toBe(files.length);
    expect(files.filter((f) => !fs.lstatSync(f, { throwIfNoEntry: false }))).toEqual([]);
  });

  it('quotes every path for the guest shell and reports their number', () => {
    const script = warmUpScript(["/a b/it's"]);
    expect(script).toContain(`touch -h -c -a '/a b/it'\\''s'`);
    expect(script.trim().split('\n').at(-1)).toBe('echo 1');
  });
});
