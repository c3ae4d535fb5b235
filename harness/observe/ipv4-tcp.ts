// Decoding an IPv4 packet that carries TCP: addresses, ports, flags, numbers
// and the options a timer lab needs (MSS, window scale, SACK-permitted, timestamps).

export interface TcpFlags {
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  psh: boolean;
  urg: boolean;
}

export interface TcpOptions {
  mss?: number;
  wscale?: number;
  sackOk?: boolean;
  tsval?: number;
  tsecr?: number;
}

export interface TcpPacket {
  /** Capture time, epoch seconds (µs precision). */
  ts: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  flags: TcpFlags;
  seq: number;
  ack: number;
  /** Raw window field, as on the wire (not scaled). */
  win: number;
  /** Payload bytes, from the IP header: right even when the capture cut the payload (-s). */
  len: number;
  options: TcpOptions;
}

const PROTO_TCP = 6;

/**
 * Decodes the IPv4+TCP packet at `ip`, or returns null when it is not one
 * (another protocol, a fragment, or too short to hold the headers).
 * `wireLength` is the packet's length on the wire from the IP header on; it is
 * used only when the IP total length is 0, as for TSO/BIG TCP super-packets.
 */
export function decodeIpv4Tcp(ip: Buffer, wireLength: number, ts: number): TcpPacket | null {
  if (ip.length < 20 || ip[0]! >> 4 !== 4) return null;
  const ihl = (ip[0]! & 0x0f) * 4;
  if (ihl < 20 || ip[9] !== PROTO_TCP) return null;
  // Any fragment (more-fragments set, or an offset): its TCP length is not ours to know.
  if ((ip.readUInt16BE(6) & 0x3fff) !== 0) return null;
  const totalLength = ip.readUInt16BE(2) || wireLength;

  const tcp = ip.subarray(ihl);
  if (tcp.length < 20) return null;
  const dataOffset = (tcp[12]! >> 4) * 4;
  const len = totalLength - ihl - dataOffset;
  if (dataOffset < 20 || len < 0) return null;
  const flagBits = tcp[13]!;

  return {
    ts,
    src: dottedQuad(ip, 12),
    sport: tcp.readUInt16BE(0),
    dst: dottedQuad(ip, 16),
    dport: tcp.readUInt16BE(2),
    flags: {
      fin: (flagBits & 0x01) !== 0,
      syn: (flagBits & 0x02) !== 0,
      rst: (flagBits & 0x04) !== 0,
      psh: (flagBits & 0x08) !== 0,
      ack: (flagBits & 0x10) !== 0,
      urg: (flagBits & 0x20) !== 0,
    },
    seq: tcp.readUInt32BE(4),
    ack: tcp.readUInt32BE(8),
    win: tcp.readUInt16BE(14),
    len,
    options: decodeTcpOptions(tcp.subarray(20, Math.min(dataOffset, tcp.length))),
  };
}

/** RFC 9293 option list; stops quietly at End-of-List or at a malformed option. */
export function decodeTcpOptions(bytes: Buffer): TcpOptions {
  const options: TcpOptions = {};
  let i = 0;
  while (i < bytes.length) {
    const kind = bytes[i]!;
    if (kind === 0) break; // End of Option List
    if (kind === 1) {
      i++; // No-Operation
      continue;
    }
    const size = bytes[i + 1];
    if (size === undefined || size < 2 || i + size > bytes.length) break;
    if (kind === 2 && size === 4) options.mss = bytes.readUInt16BE(i + 2);
    else if (kind === 3 && size === 3) options.wscale = bytes[i + 2]!;
    else if (kind === 4 && size === 2) options.sackOk = true;
    else if (kind === 8 && size === 10) {
      options.tsval = bytes.readUInt32BE(i + 2);
      options.tsecr = bytes.readUInt32BE(i + 6);
    }
    i += size;
  }
  return options;
}

/** tcpdump's flag letters, in tcpdump's order (F S R P . U); 'none' when no flag is set. */
export function tcpdumpFlags(f: TcpFlags): string {
  const letters =
    (f.fin ? 'F' : '') + (f.syn ? 'S' : '') + (f.rst ? 'R' : '') + (f.psh ? 'P' : '') + (f.ack ? '.' : '') + (f.urg ? 'U' : '');
  return letters || 'none';
}

function dottedQuad(b: Buffer, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}
