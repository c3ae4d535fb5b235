// What the segments of a short burst of small writes carry when no ACK comes back
// (test-read-noack): Nagle, the tail loss probe, and the merging of retransmissions.
//
// Read (6.x net/ipv4/tcp_output.c, net/ipv4/tcp.c):
// - tcp_nagle_test()/tcp_nagle_check(): with Nagle on, a segment shorter than the MSS
//   waits while earlier data is unacknowledged; tcp_sendmsg() appends the later small
//   writes to that waiting skb (tcp_write_queue_tail with room), so they queue as one.
//   With TCP_NODELAY every write leaves at once (the initial cwnd of 10 is not reached).
// - tcp_schedule_loss_probe(): PTO = 2*srtt + TCP_RTO_MIN with one packet out, + 2
//   jiffies with more (rto.ts); re-armed after every transmission of new data.
// - tcp_send_loss_probe(): "At most one outstanding TLP"; it first sends NEW data if
//   any waits (tcp_write_xmit(…, TCP_NAGLE_OFF, push_one=2, …): one skb, Nagle ignored),
//   else retransmits the LAST segment; then icsk_pending = 0 and tcp_rearm_rto()
//   restarts the RTO from now.
// - tcp_retransmit_timer() → tcp_retransmit_skb(head) → __tcp_retransmit_skb() →
//   tcp_retrans_try_collapse(): the head absorbs the following sent skbs while they fit
//   in the MSS — but tcp_can_collapse() refuses any skb that is still skb_cloned(). On
//   loopback the clone transmitted earlier is the very skb queued in the receiver's
//   socket (c2s is not dropped here), so it stays cloned until the server READS it.
//   Before that read each RTO resends the first write alone; after it, everything in
//   flight in one segment. (The notes on 4.19: 201:211 twice, then 201:241 after the
//   server's read of 40 bytes.)
// - net/ipv4/tcp.c tcp_eat_recv_skb() → net/core/skbuff.c skb_attempt_defer_free() (5.19+,
//   68822bdf76f1): a read on another CPU than skb->alloc_cpu (set in __alloc_skb() by the
//   sender's tcp_sendmsg(), copied to its clones by __copy_skb_header()) only queues the
//   skb on that CPU's defer list, freed at its next NET_RX softirq (skb_defer_free_flush()
//   in net_rx_action()). Until then the sender's skb is still cloned and each RTO resends
//   the first write alone; nothing bounds how long (seen on 6.18: two RTOs after the read
//   still unmerged when the retransmit timer kept firing on the reader's CPU). A read on
//   alloc_cpu itself frees at once (`cpu == raw_smp_processor_id()` → nodefer), so a lab
//   that writes and reads on one CPU sees the merge from the first RTO after the read.
//   Sysctl net.core.skb_defer_max is global, not per namespace, so a lab cannot turn it off.
//   Before 5.19 (kernel-facts.ts skbDeferFreePerCpu) the reader frees the skb itself
//   before read() returns on any CPU (sk_eat_skb() → __kfree_skb(); 5.17-5.18 via
//   sk->defer_list, flushed by sk_defer_free_flush() right after release_sock() in
//   tcp_recvmsg()): the notes' 4.19 capture shows 201:241 at once.

import { factsFor } from './kernel-facts.ts';
import { releaseOf, type KernelRef } from './kernel-ref.ts';

export interface TailContentParams {
  /** Number of write() calls, back to back (well within one PTO). */
  writes: number;
  /** Bytes per write. */
  write_bytes: number;
  /** TCP_NODELAY on the sender. */
  nodelay: boolean;
  /** The sender's MSS (65483 on lo with timestamps). */
  mss?: number;
  /** The read runs on the CPU the writes ran on (the lab holds its thread there); default true. */
  read_on_write_cpu?: boolean;
}

export interface TailContent {
  /** Payload of each segment sent by the writes themselves, in order. */
  sent: number[];
  /** Segments in flight when the loss probe is scheduled for the last time (rto.ts packets_out). */
  packetsOutAtProbe: number;
  /** The loss probe: new data (what Nagle held back) or the last segment again. */
  probe: { newData: boolean; len: number };
  /** An RTO retransmission while the receiver has not read the data: the first segment alone. */
  retransUnread: number;
  /** An RTO retransmission once the receiver has read everything: all of it, merged. */
  retransRead: number;
  /**
   * RTO retransmissions after the read that may still be unmerged: 0 when the read frees the
   * skbs itself; Infinity when it only defers them to another CPU (5.19+), as nothing bounds it.
   */
  unmergedAfterRead: number;
  /** Bytes the receiver can read although none of its ACKs arrive. */
  delivered: number;
}

const LO_MSS = 65483;

/**
 * What the segments carry. `kernel` (skbDeferFreePerCpu, 5.19+) and the reader's CPU
 * decide whether retransmissions right after the read may still be unmerged; without a
 * kernel the model takes the newest behaviour.
 */
export function tailContent(p: TailContentParams, kernel?: KernelRef): TailContent {
  const mss = p.mss ?? LO_MSS;
  const deferred = (kernel === undefined || factsFor(releaseOf(kernel)).skbDeferFreePerCpu) && p.read_on_write_cpu === false;
  const unmergedAfterRead = deferred ? Infinity : 0;
  if (!(p.writes >= 1 && p.write_bytes >= 1 && p.write_bytes * p.writes <= mss)) {
    throw new Error(`tailContent: bad parameters ${JSON.stringify(p)} (the burst must fit in one MSS)`);
  }
  const total = p.writes * p.write_bytes;
  if (p.nodelay) {
    return {
      sent: Array.from({ length: p.writes }, () => p.write_bytes),
      packetsOutAtProbe: p.writes,
      probe: { newData: false, len: p.write_bytes },
      retransUnread: p.write_bytes,
      retransRead: total,
      unmergedAfterRead,
      delivered: total,
    };
  }
  const held = total - p.write_bytes;
  return {
    sent: [p.write_bytes],
    packetsOutAtProbe: 1,
    // With a single write there is nothing new: the probe resends the segment.
    probe: held > 0 ? { newData: true, len: held } : { newData: false, len: p.write_bytes },
    retransUnread: p.write_bytes,
    retransRead: total,
    unmergedAfterRead,
    delivered: total,
  };
}
