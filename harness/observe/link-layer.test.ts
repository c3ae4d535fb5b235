import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ipv4Offset, LINKTYPE } from './link-layer.ts';

// The first frame of a little-endian classic pcap: 24-byte file header, 16-byte record header.
function firstFrame(name: string): Buffer {
  const file = readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
  return file.subarray(40, 40 + file.readUInt32LE(24 + 8));
}

describe('ipv4Offset', () => {
  const ethernet = firstFrame('lo.pcap');
  const sll2 = firstFrame('any.pcap');
  const ip = ethernet.subarray(14);

  it('finds IPv4 after the 14-byte Ethernet header of `tcpdump -i lo`', () => {
    expect(ipv4Offset(LINKTYPE.ETHERNET, ethernet)).toBe(14);
  });

  it('finds IPv4 after the 20-byte SLL2 header of `tcpdump -i any`', () => {
    expect(sll2.subarray(0, 2).toString('hex')).toBe('0800');
    expect(ipv4Offset(LINKTYPE.LINUX_SLL2, sll2)).toBe(20);
    expect(sll2.subarray(20).equals(ip)).toBe(true);
  });

  it('finds IPv4 after a 16-byte SLL header (older libpcap `-i any`)', () => {
    // packet type 0 (to us), ARPHRD_LOOPBACK 772, address length 6, address, protocol 0x0800
    const sll = Buffer.concat([Buffer.from('0000030400060000000000000000' + '0800', 'hex'), ip]);
    expect(ipv4Offset(LINKTYPE.LINUX_SLL, sll)).toBe(16);
  });

  it('steps over VLAN tags', () => {
    const tagged = Buffer.concat([ethernet.subarray(0, 12), Buffer.from('81000064', 'hex'), ethernet.subarray(12)]);
    expect(ipv4Offset(LINKTYPE.ETHERNET, tagged)).toBe(18);
  });

  it('reads raw IP only when it is version 4', () => {
    expect(ipv4Offset(LINKTYPE.RAW, ip)).toBe(0);
    expect(ipv4Offset(LINKTYPE.IPV4, ip)).toBe(0);
    expect(ipv4Offset(LINKTYPE.RAW, Buffer.from('6000000000', 'hex'))).toBeNull();
  });

  it('returns null for other protocols, short frames and unknown link types', () => {
    const ipv6 = Buffer.from(ethernet);
    ipv6.writeUInt16BE(0x86dd, 12);
    expect(ipv4Offset(LINKTYPE.ETHERNET, ipv6)).toBeNull();
    expect(ipv4Offset(LINKTYPE.ETHERNET, ethernet.subarray(0, 13))).toBeNull();
    expect(ipv4Offset(LINKTYPE.LINUX_SLL2, sll2.subarray(0, 19))).toBeNull();
    expect(ipv4Offset(LINKTYPE.RAW, Buffer.alloc(0))).toBeNull();
    expect(ipv4Offset(0, ethernet)).toBeNull();
  });
});
