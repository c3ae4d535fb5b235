// getsockopt(TCP_INFO) decoded at the fixed offsets of struct tcp_info
// (include/uapi/linux/tcp.h). Newer kernels only append fields, so a field is
// read only when the length the kernel returned covers it.
import { getRawOption, IPPROTO_TCP, SOCKET_OPTIONS } from './sockopt.ts';

type Width = 1 | 4 | 8;
const FIELDS: [name: string, offset: number, width: Width][] = [
  ['state', 0, 1],
  ['ca_state', 1, 1],
  ['retransmits', 2, 1],
  ['probes', 3, 1],
  ['backoff', 4, 1],
  ['rto_us', 8, 4],
  ['unacked', 24, 4],
  ['lost', 32, 4],
  ['retrans', 36, 4],
  ['last_data_sent_ms', 44, 4],
  ['last_data_recv_ms', 52, 4],
  ['last_ack_recv_ms', 56, 4],
  ['rtt_us', 68, 4],
  ['rttvar_us', 72, 4],
  ['snd_cwnd', 80, 4],
  ['total_retrans', 100, 4],
  ['notsent_bytes', 144, 4],
  ['snd_wnd', 228, 4],
];

/** Big enough for every kernel up to 6.18 (struct tcp_info is ~280 bytes). */
const BUFFER_SIZE = 512;

export function readTcpInfo(fd: number): Record<string, number> {
  const [, opt] = SOCKET_OPTIONS.TCP_INFO;
  const raw = getRawOption(fd, IPPROTO_TCP, opt, BUFFER_SIZE);
  const info: Record<string, number> = {};
  for (const [name, offset, width] of FIELDS) {
    if (offset + width > raw.length) continue;
    info[name] = width === 1 ? raw.readUInt8(offset) : width === 4 ? raw.readUInt32LE(offset) : Number(raw.readBigUInt64LE(offset));
  }
  return info;
}
