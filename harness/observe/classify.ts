// Naming each packet of one TCP connection with a PacketClass (events.ts).
//
// A capture shows only packets, not which kernel path sent them, so each class
// is inferred from sequence space, per direction, in capture order:
//
//   rst             any RST (tcp_send_active_reset, tcp_v4_send_reset).
//   syn             a SYN without ACK (tcp_connect).
//   syn-retrans     the same SYN again, same ISN (tcp_retransmit_timer ->
//                   tcp_retransmit_skb, while in SYN-SENT).
//   synack          SYN+ACK (tcp_v4_send_synack).
//   synack-retrans  the same SYN-ACK again, whether its timer fired
//                   (reqsk_timer_handler -> inet_rtx_syn_ack) or a repeated
//                   SYN prompted it (tcp_check_req -> inet_rtx_syn_ack).
//   fin             any FIN, also with data (tcp_send_fin), and its retransmits.
//   data-retrans    payload starting below the highest sequence already sent
//                   in that direction: RTO and fast retransmits
//                   (tcp_retransmit_skb) and the tail loss probe, which re-sends
//                   the last segment when no new data waits (tcp_send_loss_probe).
//   data            other payload (tcp_write_xmit; a loss probe that carries
//                   new data is also just data).
//   keepalive-probe / window-probe
//                   tcp_xmit_probe_skb's segment: seq = snd_una - 1 and no
//                   payload, so it is an old byte the peer must answer with an
//                   ACK. Both the keepalive timer (tcp_keepalive_timer ->
//                   tcp_write_wakeup) and the zero-window probe timer
//                   (tcp_probe_timer -> tcp_send_probe0 -> tcp_write_wakeup)
//                   send it; it is a window probe when the peer's last
//                   advertised window was 0. Other stacks send one garbage byte
//                   instead, so len 1 counts too once that byte was acked (else
//                   it is the tail loss probe of a 1-byte segment).
//   challenge-ack   a bare ACK (no payload, SYN, FIN or RST) sent right after the
//                   peer's SYN without ACK: a synchronized socket's answer to a
//                   SYN (tcp_validate_incoming -> tcp_send_challenge_ack, RFC
//                   5961 4.2), e.g. a stale CLOSE-WAIT socket meeting a new
//                   connection on its 4-tuple. A listener answers with a SYN-ACK.
//   ack             everything else.
//
// Numbers are made relative to each side's ISN, as tcpdump prints them (the
// SYN is seq 0, the first data byte 1). A direction whose SYN was not captured
// keeps raw numbers. A segment without the ACK flag gets ack 0.

import type { PacketClass, PacketEvent } from '../events.ts';
import { tcpdumpFlags, type TcpPacket } from './ipv4-tcp.ts';

export interface Endpoint {
  addr: string;
  port: number;
}

export interface Endpoints {
  client: Endpoint;
  server: Endpoint;
}

/** What we know about one direction's sequence space. */
interface Sender {
  /** ISN from a SYN, if seen. */
  isn?: number;
  /** Reference for comparisons: the ISN, or the first seq seen. */
  base?: number;
  /** Highest sequence end sent so far, as an offset from base. */
  high?: number;
  /** Highest ACK the other side sent for this direction, as an offset from base. */
  acked?: number;
  /** SYN sequence numbers sent, to spot a repeated SYN or SYN-ACK. */
  synSeqs: Set<number>;
  /** Raw window field of the last segment this side sent. */
  lastWin?: number;
  /** This side's last segment was a SYN without ACK (what a challenge ACK answers). */
  lastBareSyn?: boolean;
}

export function classifyConnection(packets: TcpPacket[], ends: Endpoints, t0: number): PacketEvent[] {
  const c2s: Sender = { synSeqs: new Set() };
  const s2c: Sender = { synSeqs: new Set() };
  const events: PacketEvent[] = [];

  for (const p of packets) {
    const dir = direction(p, ends);
    if (!dir) continue;
    const [me, peer] = dir === 'c2s' ? [c2s, s2c] : [s2c, c2s];

    if (p.flags.syn && me.isn === undefined) {
      me.isn = p.seq;
      me.base = p.seq;
    }
    me.base ??= p.seq;
    const cls = classify(p, me, peer);

    events.push({
      t: Math.round((p.ts - t0) * 1e6) / 1e6,
      kind: 'packet',
      dir,
      flags: tcpdumpFlags(p.flags),
      seq: me.isn === undefined ? p.seq : (p.seq - me.isn) >>> 0,
      ack: !p.flags.ack ? 0 : peer.isn === undefined ? p.ack : (p.ack - peer.isn) >>> 0,
      win: p.win,
      len: p.len,
      class: cls,
    });
    remember(p, me, peer);
  }
  return events;
}

function classify(p: TcpPacket, me: Sender, peer: Sender): PacketClass {
  const { syn, ack, fin, rst } = p.flags;
  if (rst) return 'rst';
  if (syn) {
    const again = me.synSeqs.has(p.seq);
    if (ack) return again ? 'synack-retrans' : 'synack';
    return again ? 'syn-retrans' : 'syn';
  }
  if (fin) return 'fin';

  const seq = offset(p.seq, me.base);
  const high = me.high;
  if (high !== undefined && seq === high - 1) {
    const garbageByteAcked = p.len === 1 && me.acked !== undefined && me.acked >= high;
    if (p.len === 0 || garbageByteAcked) return peer.lastWin === 0 ? 'window-probe' : 'keepalive-probe';
  }
  if (p.len > 0) return high !== undefined && seq < high ? 'data-retrans' : 'data';
  return ack && peer.lastBareSyn ? 'challenge-ack' : 'ack';
}

function remember(p: TcpPacket, me: Sender, peer: Sender): void {
  if (p.flags.syn) me.synSeqs.add(p.seq);
  // SYN and FIN each take one sequence number.
  const end = offset(p.seq, me.base) + p.len + (p.flags.syn ? 1 : 0) + (p.flags.fin ? 1 : 0);
  if (me.high === undefined || end > me.high) me.high = end;
  if (p.flags.ack && peer.base !== undefined) {
    const acked = offset(p.ack, peer.base);
    if (peer.acked === undefined || acked > peer.acked) peer.acked = acked;
  }
  if (!p.flags.rst) me.lastWin = p.win;
  me.lastBareSyn = p.flags.syn && !p.flags.ack;
}

/** Serial-number distance from base (RFC 1982): wraps at 2^32, negative if before. */
function offset(n: number, base: number | undefined): number {
  return (n - (base ?? n)) | 0;
}

function direction(p: TcpPacket, { client, server }: Endpoints): PacketEvent['dir'] | null {
  if (p.src === client.addr && p.sport === client.port && p.dst === server.addr && p.dport === server.port) return 'c2s';
  if (p.src === server.addr && p.sport === server.port && p.dst === client.addr && p.dport === client.port) return 's2c';
  return null;
}

/**
 * One Endpoints per distinct 4-tuple, in order of first appearance. The client
 * is the side that sent the first SYN; failing that, the side that received the
 * first SYN-ACK; failing that, the sender of the first packet seen.
 */
export function connectionsIn(packets: TcpPacket[]): Endpoints[] {
  const byTuple = new Map<string, TcpPacket[]>();
  for (const p of packets) {
    const a = `${p.src}|${p.sport}`;
    const b = `${p.dst}|${p.dport}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    const list = byTuple.get(key);
    if (list) list.push(p);
    else byTuple.set(key, [p]);
  }
  return [...byTuple.values()].map((list) => {
    const syn = list.find((p) => p.flags.syn && !p.flags.ack);
    const synAck = list.find((p) => p.flags.syn && p.flags.ack);
    const first = list[0]!;
    const clientSends = syn ?? (synAck ? undefined : first);
    if (clientSends) {
      return { client: source(clientSends), server: destination(clientSends) };
    }
    return { client: destination(synAck!), server: source(synAck!) };
  });
}

const source = (p: TcpPacket): Endpoint => ({ addr: p.src, port: p.sport });
const destination = (p: TcpPacket): Endpoint => ({ addr: p.dst, port: p.dport });
