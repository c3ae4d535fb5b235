// Reading a classic pcap file (what `tcpdump -w` writes) into TCP packets.
//
// pcap-parser does the record framing; we check the file header ourselves
// first, because its only complaint about a nanosecond pcap or a pcapng file
// is "unknown magic number", which tells a user nothing about what to do.
// Frames that are not IPv4+TCP are skipped: a capture may hold ARP, IPv6, …

import { open, stat } from 'node:fs/promises';
import pcapParser from 'pcap-parser';
import { decodeIpv4Tcp, type TcpPacket } from './ipv4-tcp.ts';
import { ipv4Offset, SUPPORTED_LINKTYPES } from './link-layer.ts';

export { tcpdumpFlags, type TcpPacket } from './ipv4-tcp.ts';

export class PcapFormatError extends Error {
  override readonly name = 'PcapFormatError';
}

const MAGIC_US = ['a1b2c3d4', 'd4c3b2a1'];
const MAGIC_NS = ['a1b23c4d', '4d3cb2a1'];
const MAGIC_PCAPNG = '0a0d0d0a';
const HEADER_BYTES = 24;

const RECORD_HEADER_BYTES = 16;

export interface Capture {
  linkType: number;
  packets: TcpPacket[];
  /**
   * Bytes after the last whole record: a packet cut off because tcpdump was
   * killed mid-write or the disk filled (pcap-parser drops them silently).
   */
  cutOffBytes: number;
}

export async function readPcap(path: string): Promise<Capture> {
  const linkType = await checkHeader(path);
  const packets: TcpPacket[] = [];
  let whole = HEADER_BYTES;
  await new Promise<void>((resolve, reject) => {
    const parser = pcapParser.parse(path);
    parser.on('packet', ({ header, data }) => {
      whole += RECORD_HEADER_BYTES + header.capturedLength;
      const at = ipv4Offset(linkType, data);
      if (at === null) return;
      const ts = header.timestampSeconds + header.timestampMicroseconds / 1e6;
      const packet = decodeIpv4Tcp(data.subarray(at), header.originalLength - at, ts);
      if (packet) packets.push(packet);
    });
    parser.on('error', reject);
    parser.on('end', resolve);
  });
  return { linkType, packets, cutOffBytes: (await stat(path)).size - whole };
}

/** Validates the 24-byte file header and returns the link type. */
async function checkHeader(path: string): Promise<number> {
  const file = await open(path, 'r');
  const header = Buffer.alloc(HEADER_BYTES);
  let got: number;
  try {
    ({ bytesRead: got } = await file.read(header, 0, HEADER_BYTES, 0));
  } finally {
    await file.close();
  }
  const magic = header.toString('hex', 0, 4);
  if (magic === MAGIC_PCAPNG) {
    throw new PcapFormatError(
      `${path} is pcapng, not classic pcap. tcpdump -w writes classic pcap; convert with \`editcap -F pcap ${path} out.pcap\`.`,
    );
  }
  if (MAGIC_NS.includes(magic)) {
    throw new PcapFormatError(
      `${path} has nanosecond timestamps (magic a1b23c4d), which pcap-parser cannot read. ` +
        `Capture without --time-stamp-precision=nano, or convert with \`editcap -F pcap ${path} out.pcap\`.`,
    );
  }
  if (got < HEADER_BYTES || !MAGIC_US.includes(magic)) {
    throw new PcapFormatError(`${path} is not a pcap file (${got} bytes, magic ${magic || 'none'}; expected a1b2c3d4).`);
  }
  const bigEndian = magic === MAGIC_US[0];
  // The upper bits of this field may carry FCS information; the link type is the low 16.
  const linkType = (bigEndian ? header.readUInt32BE(20) : header.readUInt32LE(20)) & 0xffff;
  if (!SUPPORTED_LINKTYPES.includes(linkType)) {
    throw new PcapFormatError(
      `${path} has link type ${linkType}; supported: ${SUPPORTED_LINKTYPES.join(', ')} ` +
        '(Ethernet as from `tcpdump -i lo`, Linux SLL/SLL2 as from `-i any`, raw IP).',
    );
  }
  return linkType;
}
