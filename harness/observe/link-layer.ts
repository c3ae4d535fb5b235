// Where the IPv4 packet starts inside a captured frame, per pcap link type.
// Numbers are LINKTYPE_* values from tcpdump.org/linktypes.html.

export const LINKTYPE = {
  ETHERNET: 1, // `tcpdump -i lo` and Ethernet devices
  RAW: 101, // raw IP, v4 or v6 (the version nibble tells)
  LINUX_SLL: 113, // Linux "cooked" v1: `-i any` before libpcap 1.10
  IPV4: 228, // raw IPv4 only
  LINUX_SLL2: 276, // Linux "cooked" v2: `-i any` with libpcap ≥ 1.10 (Debian 12)
} as const;

export const SUPPORTED_LINKTYPES: readonly number[] = Object.values(LINKTYPE);

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_VLAN = [0x8100, 0x88a8]; // 802.1Q, 802.1ad

/**
 * The offset of the IPv4 header in `frame`, or null when the frame carries
 * something else (IPv6, ARP, …) or is too short to tell.
 */
export function ipv4Offset(linkType: number, frame: Buffer): number | null {
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      let at = 12;
      // VLAN tags push the ethertype 4 bytes further each.
      while (frame.length >= at + 2 && ETHERTYPE_VLAN.includes(frame.readUInt16BE(at))) at += 4;
      return frame.length >= at + 2 && frame.readUInt16BE(at) === ETHERTYPE_IPV4 ? at + 2 : null;
    }
    case LINKTYPE.LINUX_SLL: // 16 bytes; protocol (ethertype) in the last 2
      return frame.length >= 16 && frame.readUInt16BE(14) === ETHERTYPE_IPV4 ? 16 : null;
    case LINKTYPE.LINUX_SLL2: // 20 bytes; protocol (ethertype) in the first 2
      return frame.length >= 20 && frame.readUInt16BE(0) === ETHERTYPE_IPV4 ? 20 : null;
    case LINKTYPE.RAW:
    case LINKTYPE.IPV4:
      return frame.length >= 1 && frame[0]! >> 4 === 4 ? 0 : null;
    default:
      return null;
  }
}
