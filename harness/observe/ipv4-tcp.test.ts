import { describe, expect, it } from 'vitest';
import { decodeIpv4Tcp, decodeTcpOptions, tcpdumpFlags, type TcpFlags } from './ipv4-tcp.ts';

// IP packets copied from `tcpdump -r fixtures/lo.pcap -nn -x` (the bytes after the Ethernet header).
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
// 127.0.0.1.53340 > 127.0.0.1.5556: Flags [S], seq 1320300370, win 65495,
//   options [mss 65495,sackOK,TS val 3551816996 ecr 0,nop,wscale 10], length 0
const SYN = hex(`4500 003c 82ea 4000 4006 b9cf 7f00 0001 7f00 0001 d05c 15b4 4eb2 2f52 0000 0000
                 a002 ffd7 fe30 0000 0204 ffd7 0402 080a d3b4 6d24 0000 0000 0103 030a`);
// 127.0.0.1.54616 > 127.0.0.1.5555: Flags [P.], seq 7:13, ack 7, win 64,
//   options [nop,nop,TS val 3490539645 ecr 766299801], length 6 ("again\n")
const DATA = hex(`4500 003a 5485 4000 4006 e836 7f00 0001 7f00 0001 d558 15b3 eb30 4e0c b9de 1912
                  8018 0040 fe2e 0000 0101 080a d00d 687d 2dac ce99 6167 6169 6e0a`);

describe('decodeIpv4Tcp', () => {
  it('decodes a real SYN with its options', () => {
    expect(decodeIpv4Tcp(SYN, SYN.length, 1795306493.271281)).toEqual({
      ts: 1795306493.271281,
      src: '127.0.0.1',
      sport: 53340,
      dst: '127.0.0.1',
      dport: 5556,
      flags: { syn: true, ack: false, fin: false, rst: false, psh: false, urg: false },
      seq: 1320300370,
      ack: 0,
      win: 65495,
      len: 0,
      options: { mss: 65495, sackOk: true, tsval: 3551816996, tsecr: 0, wscale: 10 },
    });
  });

  it('decodes a real data segment', () => {
    const p = decodeIpv4Tcp(DATA, DATA.length, 0)!;
    expect([tcpdumpFlags(p.flags), p.sport, p.dport, p.seq, p.ack, p.win, p.len]).toEqual([
      'P.', 54616, 5555, 3945811468, 3118340370, 64, 6,
    ]);
    expect(p.options).toEqual({ tsval: 3490539645, tsecr: 766299801 });
  });

  it('takes the payload length from the IP header, not from the captured bytes (tcpdump -s)', () => {
    expect(decodeIpv4Tcp(DATA.subarray(0, 52), DATA.length, 0)?.len).toBe(6);
  });

  it('uses the wire length when the IP total length is 0 (TSO / BIG TCP)', () => {
    const big = Buffer.from(DATA);
    big.writeUInt16BE(0, 2);
    expect(decodeIpv4Tcp(big, 70_000, 0)?.len).toBe(70_000 - 20 - 32);
  });

  it('skips what is not a whole unfragmented IPv4 TCP packet', () => {
    const udp = Buffer.from(DATA);
    udp[9] = 17;
    const fragment = Buffer.from(DATA);
    fragment.writeUInt16BE(0x2000, 6); // more fragments
    const v6 = Buffer.from(DATA);
    v6[0] = 0x60;
    for (const bad of [udp, fragment, v6, DATA.subarray(0, 30), DATA.subarray(0, 10)]) {
      expect(decodeIpv4Tcp(bad, bad.length, 0)).toBeNull();
    }
  });
});

describe('decodeTcpOptions', () => {
  it('reads the SYN options as Linux lays them out', () => {
    expect(decodeTcpOptions(SYN.subarray(40))).toEqual({ mss: 65495, sackOk: true, tsval: 3551816996, tsecr: 0, wscale: 10 });
  });

  it('skips unknown options and stops at End-of-List or a malformed length', () => {
    expect(decodeTcpOptions(hex('0101 1e04 aaaa 0204 05b4 00 030307'))).toEqual({ mss: 1460 }); // MPTCP-ish 30, EOL
    expect(decodeTcpOptions(hex('0204 05b4 0300'))).toEqual({ mss: 1460 }); // length 0
    expect(decodeTcpOptions(hex('0204 05b4 080a 0000'))).toEqual({ mss: 1460 }); // runs past the end
    expect(decodeTcpOptions(hex(''))).toEqual({});
  });
});

describe('tcpdumpFlags', () => {
  const flags = (on: string): TcpFlags => ({
    syn: on.includes('S'),
    ack: on.includes('A'),
    fin: on.includes('F'),
    rst: on.includes('R'),
    psh: on.includes('P'),
    urg: on.includes('U'),
  });
  it.each([
    ['S', 'S'],
    ['SA', 'S.'],
    ['A', '.'],
    ['PA', 'P.'],
    ['FA', 'F.'],
    ['FPA', 'FP.'],
    ['R', 'R'],
    ['RA', 'R.'],
    ['AU', '.U'],
    ['', 'none'],
  ])('%s -> %s', (on, printed) => {
    expect(tcpdumpFlags(flags(on))).toBe(printed);
  });
});
