// The uncompressed kernel (vmlinux, an ELF with a PVH entry note) inside a
// bzImage, so that qemu can boot it directly with qboot instead of SeaBIOS
// plus the kernel's own decompressor: under TCG's -icount that took a 6.1
// guest's boot from 32 s to 22 s on a loaded machine (ENVIRONMENT's recipe).
// Found like scripts/extract-vmlinux: the first compressed stream whose output
// is an ELF file.
import fs from 'node:fs';
import { execa } from 'execa';

const STREAMS: readonly { magic: Buffer; command: string[] }[] = [
  { magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), command: ['xz', '-dc', '--single-stream'] },
  // zstd exits 1 on the bzImage's trailing bytes after a complete frame: the output is whole.
  { magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), command: ['zstd', '-dcq'] },
  { magic: Buffer.from([0x1f, 0x8b, 0x08]), command: ['gzip', '-dc'] },
];

/** The BIOS that boots a PVH ELF directly, where qemu ships it. */
export const QBOOT = '/usr/share/qemu/qboot.rom';

/** Writes the ELF kernel to `out` and returns true, or returns false (then boot the bzImage). */
export async function extractVmlinux(bzImage: string, out: string): Promise<boolean> {
  const image = fs.readFileSync(bzImage);
  for (const { magic, command } of STREAMS) {
    for (let at = image.indexOf(magic); at >= 0; at = image.indexOf(magic, at + 1)) {
      const r = await execa(command[0]!, command.slice(1), { input: image.subarray(at), encoding: 'buffer', reject: false });
      const elf = Buffer.from(r.stdout as unknown as Uint8Array);
      if (elf.length > 4 && elf.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) {
        fs.writeFileSync(`${out}.tmp`, elf);
        fs.renameSync(`${out}.tmp`, out);
        return true;
      }
    }
  }
  return false;
}
