import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapFormatError, readPcap, tcpdumpFlags } from './pcap.ts';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'tcplab-pcap-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// What `tcpdump -r fixtures/lo.pcap -nn -tt -S` prints for each packet:
// [time, sport, dport, flags, seq, ack, win, length]. tcpdump prints no seq for
// segments without payload, SYN or FIN; those seqs were read from `-x` (IP bytes 24..27).
// prettier-ignore
const TCPDUMP: Array<[number, number, number, string, number, number, number, number]> = [
    [1795306493.271281, 53340, 5556, 'S', 1320300370, 0, 65495, 0],
    [1795306493.271305, 5556, 53340, 'S.', 1674802715, 1320300371, 65483, 0],
    [1795306494.290955, 5556, 53340, 'S.', 1674802715, 1320300371, 65483, 0],
    [1795306494.291006, 53340, 5556, 'S', 1320300370, 0, 65495, 0],
    [1795306494.291015, 53340, 5556, '.', 1320300371, 1674802716, 64, 0],
    [1795306494.291032, 5556, 53340, 'S.', 1674802715, 1320300371, 65483, 0],
    [1795306494.291038, 53340, 5556, '.', 1320300371, 1674802716, 64, 0],
    [1795306494.291305, 53340, 5556, 'F.', 1320300371, 1674802716, 64, 0],
    [1795306494.291373, 5556, 53340, 'F.', 1674802716, 1320300372, 64, 0],
    [1795306494.291410, 53340, 5556, '.', 1320300372, 1674802717, 64, 0],
    [1795306494.492042, 54616, 5555, 'S', 3945811461, 0, 65495, 0],
    [1795306494.492065, 5555, 54616, 'S.', 3118340363, 3945811462, 65483, 0],
    [1795306494.492087, 54616, 5555, '.', 3945811462, 3118340364, 64, 0],
    [1795306494.492222, 54616, 5555, 'P.', 3945811462, 3118340364, 64, 6],
    [1795306494.492232, 5555, 54616, '.', 3118340364, 3945811468, 64, 0],
    [1795306494.492266, 5555, 54616, 'P.', 3118340364, 3945811468, 64, 6],
    [1795306494.492272, 54616, 5555, '.', 3945811468, 3118340370, 64, 0],
    [1795306495.502912, 54616, 5555, '.', 3945811467, 3118340370, 64, 0],
    [1795306495.502929, 5555, 54616, '.', 3118340370, 3945811468, 64, 0],
    [1795306496.526980, 54616, 5555, '.', 3945811467, 3118340370, 64, 0],
    [1795306497.550927, 54616, 5555, '.', 3945811467, 3118340370, 64, 0],
    [1795306498.295544, 54616, 5555, 'P.', 3945811468, 3118340370, 64, 6],
    [1795306498.502931, 54616, 5555, 'P.', 3945811468, 3118340370, 64, 6],
    [1795306498.711074, 54616, 5555, 'P.', 3945811468, 3118340370, 64, 6],
    [1795306499.150921, 54616, 5555, 'P.', 3945811468, 3118340370, 64, 6],
    [1795306499.198959, 5555, 54616, '.', 3118340370, 3945811474, 64, 0],
    [1795306499.198997, 54616, 5555, 'F.', 3945811474, 3118340370, 64, 0],
    [1795306499.242995, 5555, 54616, '.', 3118340370, 3945811475, 64, 0],
    [1795306499.251713, 5555, 54616, 'F.', 3118340370, 3945811475, 64, 0],
    [1795306499.251738, 54616, 5555, '.', 3945811475, 3118340371, 64, 0],
    [1795306499.452370, 54340, 5559, 'S', 71239836, 0, 65495, 0],
    [1795306499.452392, 5559, 54340, 'S.', 2083354119, 71239837, 1152, 0],
    [1795306499.452414, 54340, 5559, '.', 71239837, 2083354120, 64, 0],
    [1795306499.452680, 54340, 5559, '.', 71239837, 2083354120, 64, 576],
    [1795306499.452691, 5559, 54340, '.', 2083354120, 71240413, 576, 0],
    [1795306499.452702, 54340, 5559, 'P.', 71240413, 2083354120, 64, 576],
    [1795306499.494957, 5559, 54340, '.', 2083354120, 71240989, 0, 0],
    [1795306499.707018, 54340, 5559, '.', 71240988, 2083354120, 64, 0],
    [1795306499.707037, 5559, 54340, '.', 2083354120, 71240989, 0, 0],
    [1795306500.142879, 54340, 5559, '.', 71240988, 2083354120, 64, 0],
    [1795306501.006984, 54340, 5559, '.', 71240988, 2083354120, 64, 0],
    [1795306501.007004, 5559, 54340, '.', 2083354120, 71240989, 0, 0],
    [1795306501.053146, 5559, 54340, '.', 2083354120, 71240989, 576, 0],
    [1795306501.053177, 54340, 5559, '.', 71240989, 2083354120, 64, 576],
    [1795306501.053215, 5559, 54340, '.', 2083354120, 71241565, 576, 0],
    [1795306501.053226, 54340, 5559, '.', 71241565, 2083354120, 64, 576],
    [1795306501.053236, 5559, 54340, '.', 2083354120, 71242141, 576, 0],
    [1795306501.053243, 54340, 5559, '.', 71242141, 2083354120, 64, 576],
    [1795306501.053251, 5559, 54340, '.', 2083354120, 71242717, 576, 0],
    [1795306501.053257, 54340, 5559, '.', 71242717, 2083354120, 64, 576],
    [1795306501.053265, 5559, 54340, '.', 2083354120, 71243293, 576, 0],
    [1795306501.053272, 54340, 5559, '.', 71243293, 2083354120, 64, 576],
    [1795306501.053302, 5559, 54340, '.', 2083354120, 71243869, 576, 0],
    [1795306501.053311, 54340, 5559, '.', 71243869, 2083354120, 64, 576],
    [1795306501.053322, 5559, 54340, '.', 2083354120, 71244445, 576, 0],
    [1795306501.053341, 54340, 5559, '.', 71244445, 2083354120, 64, 576],
    [1795306501.053360, 5559, 54340, '.', 2083354120, 71245021, 576, 0],
    [1795306501.053402, 54340, 5559, '.', 71245021, 2083354120, 64, 576],
    [1795306501.053426, 5559, 54340, '.', 2083354120, 71245597, 576, 0],
    [1795306501.053433, 54340, 5559, 'P.', 71245597, 2083354120, 64, 240],
    [1795306501.053455, 5559, 54340, '.', 2083354120, 71245837, 576, 0],
    [1795306501.153797, 54340, 5559, 'F.', 71245837, 2083354120, 64, 0],
    [1795306501.194925, 5559, 54340, '.', 2083354120, 71245838, 576, 0],
    [1795306501.254125, 5559, 54340, 'F.', 2083354120, 71245838, 576, 0],
    [1795306501.254152, 54340, 5559, '.', 71245838, 2083354121, 64, 0],
    [1795306501.454888, 49314, 5557, 'S', 1303370971, 0, 65495, 0],
    [1795306501.454907, 5557, 49314, 'R.', 0, 1303370972, 0, 0],
];

describe('readPcap on a capture cut short (tcpdump killed mid-write, disk full)', () => {
  it('keeps every whole packet and says how many bytes of the last one are cut off', async () => {
    const whole = readFileSync(fixture('lo.pcap'));
    expect((await readPcap(fixture('lo.pcap'))).cutOffBytes).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'tcplab-pcap-'));
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 30));
    const r = await readPcap(cut);
    expect(r.packets).toHaveLength(TCPDUMP.length - 1);
    expect(r.cutOffBytes).toBeGreaterThan(0);
    rmSync(dir, { recursive: true });
  });
});

describe('readPcap on fixtures/lo.pcap (tcpdump -i lo: Ethernet)', async () => {
  const { linkType, packets } = await readPcap(fixture('lo.pcap'));

  it('is link type 1 with every TCP packet tcpdump sees', () => {
    expect(linkType).toBe(1);
    expect(packets).toHaveLength(TCPDUMP.length);
  });

  it('decodes what tcpdump decodes, packet by packet', () => {
    const decoded = packets.map((p) => [p.ts, p.sport, p.dport, tcpdumpFlags(p.flags), p.seq, p.ack, p.win, p.len]);
    expect(decoded).toEqual(TCPDUMP);
    expect(new Set(packets.flatMap((p) => [p.src, p.dst]))).toEqual(new Set(['127.0.0.1']));
  });

  it('decodes SYN and SYN-ACK options (tcpdump: mss 65495,sackOK,TS val … ecr …,nop,wscale N)', () => {
    expect(packets[0]!.options).toEqual({ mss: 65495, sackOk: true, tsval: 3551816996, tsecr: 0, wscale: 10 });
    expect(packets[1]!.options).toEqual({ mss: 65495, sackOk: true, tsval: 2892859316, tsecr: 3551816996, wscale: 10 });
    // the receiver with a 1 KB SO_RCVBUF offers no window scaling
    expect(packets[31]!.options).toEqual({ mss: 65495, sackOk: true, tsval: 3943385792, tsecr: 288787222, wscale: 0 });
    // later segments carry only timestamps; the RST carries none
    expect(packets[13]!.options).toEqual({ tsval: 3490535842, tsecr: 766298790 });
    expect(packets[66]!.options).toEqual({});
  });

  it('reads lengths from the IP header although the capture kept only 128 bytes', () => {
    expect(packets.filter((p) => p.len === 576)).toHaveLength(10);
  });
});

describe('readPcap on fixtures/any.pcap (tcpdump -i any: Linux SLL2, same traffic)', async () => {
  const lo = await readPcap(fixture('lo.pcap'));
  const any = await readPcap(fixture('any.pcap'));

  it('is link type 276 and decodes to the same packets as lo.pcap', () => {
    expect(any.linkType).toBe(276);
    const withoutTime = (ps: typeof lo.packets) => ps.map(({ ts: _ts, ...rest }) => rest);
    expect(withoutTime(any.packets)).toEqual(withoutTime(lo.packets));
  });

  it('has timestamps within tens of µs of the lo capture', () => {
    // Two taps on one packet: here -i any stamped 0-12 µs before -i lo, never after.
    const gaps = any.packets.map((p, i) => lo.packets[i]!.ts - p.ts);
    expect(Math.min(...gaps)).toBeGreaterThan(-1e-6);
    expect(Math.max(...gaps)).toBeLessThan(50e-6);
  });
});

// Rewrites lo.pcap's frames under another link type, to test the other decoders with real packets.
function relink(linkType: number, frame: (ethernet: Buffer) => Buffer | null, name: string): string {
  const file = readFileSync(fixture('lo.pcap'));
  const header = Buffer.from(file.subarray(0, 24));
  header.writeUInt32LE(linkType, 20);
  const parts: Buffer[] = [header];
  for (let at = 24; at + 16 <= file.length; ) {
    const caplen = file.readUInt32LE(at + 8);
    const origlen = file.readUInt32LE(at + 12);
    const old = file.subarray(at + 16, at + 16 + caplen);
    const now = frame(old);
    if (now) {
      const record = Buffer.from(file.subarray(at, at + 16));
      record.writeUInt32LE(now.length, 8);
      record.writeUInt32LE(origlen - old.length + now.length, 12);
      parts.push(record, now);
    }
    at += 16 + caplen;
  }
  const path = join(scratch, name);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

describe('readPcap on other link types', async () => {
  const want = (await readPcap(fixture('lo.pcap'))).packets;

  it.each([
    [101, 'raw IP'],
    [228, 'raw IPv4'],
  ])('link type %i (%s)', async (type) => {
    const path = relink(type, (f) => f.subarray(14), `raw-${type}.pcap`);
    expect(await readPcap(path)).toEqual({ linkType: type, packets: want, cutOffBytes: 0 });
  });

  it('link type 113 (Linux SLL)', async () => {
    const sll = Buffer.from('0000030400060000000000000000' + '0800', 'hex');
    const path = relink(113, (f) => Buffer.concat([sll, f.subarray(14)]), 'sll.pcap');
    expect(await readPcap(path)).toEqual({ linkType: 113, packets: want, cutOffBytes: 0 });
  });

  it('skips frames that are not IPv4 TCP', async () => {
    let n = 0;
    const path = relink(
      1,
      (f) => {
        const copy = Buffer.from(f);
        if (n % 3 === 1) copy.writeUInt16BE(0x86dd, 12); // "IPv6"
        if (n % 3 === 2) copy[14 + 9] = 17; // UDP
        n++;
        return copy;
      },
      'mixed.pcap',
    );
    expect((await readPcap(path)).packets).toEqual(want.filter((_, i) => i % 3 === 0));
  });
});

describe('readPcap failures', () => {
  const file = readFileSync(fixture('lo.pcap'));
  const withMagic = (hex: string, name: string) => {
    const path = join(scratch, name);
    writeFileSync(path, Buffer.concat([Buffer.from(hex, 'hex'), file.subarray(4)]));
    return path;
  };

  it('explains nanosecond pcap', async () => {
    await expect(readPcap(withMagic('4d3cb2a1', 'nano.pcap'))).rejects.toThrow(/nanosecond.*time-stamp-precision=nano/);
  });

  it('explains pcapng', async () => {
    await expect(readPcap(withMagic('0a0d0d0a', 'x.pcapng'))).rejects.toThrow(/pcapng.*editcap -F pcap/);
  });

  it('rejects files that are not pcap, or too short for a header', async () => {
    await expect(readPcap(withMagic('7b226b69', 'json.pcap'))).rejects.toThrow(PcapFormatError);
    const short = join(scratch, 'short.pcap');
    writeFileSync(short, file.subarray(0, 10));
    await expect(readPcap(short)).rejects.toThrow(/not a pcap file \(10 bytes/);
  });

  it('names the supported link types when it meets another', async () => {
    const path = relink(127, (f) => f, 'radiotap.pcap');
    await expect(readPcap(path)).rejects.toThrow(/link type 127; supported: 1, 101, 113, 228, 276/);
  });

  it('fails on a missing file', async () => {
    await expect(readPcap(join(scratch, 'absent.pcap'))).rejects.toThrow(/ENOENT/);
  });

  it('drops a record cut short at the end (tcpdump killed mid-write)', async () => {
    const path = join(scratch, 'cut.pcap');
    writeFileSync(path, file.subarray(0, file.length - 10));
    expect((await readPcap(path)).packets).toHaveLength(TCPDUMP.length - 1);
  });
});
