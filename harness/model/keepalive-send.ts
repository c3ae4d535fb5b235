// Keepalive probing interrupted by a write ("port 2" of the netstat notes): the peer has
// gone silent, keepalive has sent some probes, then the application writes.
//
// Read: tcp_keepalive_timer(), net/ipv4/tcp_timer.c (5.1-5.3, 6.1, 6.5 trees, see
// keepalive.ts): `if (tp->packets_out || !tcp_write_queue_empty(sk)) goto resched;` —
// with data in flight it neither probes nor aborts, it only re-arms itself. The write
// arms the loss-probe/retransmission timer (tcp_event_new_data_sent → tcp_rearm_rto /
// tcp_schedule_loss_probe), which get_tcp4_sock() and inet_sk_diag_fill() report first
// (icsk_pending RETRANS / LOSS_PROBE → timer "on", 5.x/6.x copies read): netstat and ss
// switch from `keepalive` to `on`. icsk_retransmits counts the RTO retransmissions while
// icsk_probes_out keeps the keepalive probes already sent (only an incoming ACK, in
// tcp_ack(), clears it), so netstat's `on (…/RETRANS/PROBES)` shows PROBES frozen.
// The end is tcp_write_timeout() with tcp_retries2 (rto.ts): ETIMEDOUT without an RST,
// not keepalive's abort (which would send one).

import { keepaliveSchedule, type KeepaliveParams } from './keepalive.ts';
import { hzOf, type KernelRef } from './kernel-ref.ts';
import { rtoSchedule, type RtoParams } from './rto.ts';
import { eventsOf, type Schedule } from './schedule.ts';
import { momentEvent } from './timer-event.ts';

export interface KeepaliveSendParams {
  keepalive: KeepaliveParams;
  /** The application writes after this many keepalive probes went out… */
  write_after_probes: number;
  /** …this long after the nominal time of that probe (a scripted moment). */
  write_delay_s: number;
  rto: Omit<RtoParams, 'user_timeout_ms'>;
}

/**
 * Probes 1..write_after_probes (keepalive.ts), the write (id 'data', scripted: measured
 * from the anchor), then the data's loss probe, RTO retransmissions and death (rto.ts),
 * measured from the write. Anchor: as keepalive.ts (the last packet the prober received).
 */
export function keepaliveSendSchedule(p: KeepaliveSendParams, kernel: KernelRef): Schedule {
  const ka = keepaliveSchedule(p.keepalive, kernel);
  const probes = eventsOf(ka, 'probe');
  if (!(p.write_after_probes >= 1 && p.write_after_probes <= probes.length)) {
    throw new Error(`keepaliveSendSchedule: write_after_probes must be 1..${probes.length} (keepalive gives up after that)`);
  }
  if (!(p.write_delay_s > 0 && p.write_delay_s < p.keepalive.keepintvl_s)) {
    throw new Error('keepaliveSendSchedule: the write must come before the next keepalive firing (0 < write_delay_s < keepintvl)');
  }
  const before = probes.slice(0, p.write_after_probes);
  const writeAt = before.at(-1)!.at_s + p.write_delay_s;
  const data = momentEvent({
    id: 'data',
    label: 'the application writes (data segment)',
    at_s: writeAt,
    // Scripted from the anchor, not from the probe: the probe's timer-wheel lateness
    // does not move the write.
    after: null,
    delay_s: writeAt,
    cite: 'scripted write; tcp_keepalive_timer() stops probing once packets_out (net/ipv4/tcp_timer.c)',
    hz: hzOf(kernel),
  });
  const rto = rtoSchedule({ ...p.rto, user_timeout_ms: 0 }, kernel);
  const shifted = rto.events.map((e) => ({
    ...e,
    at_s: e.at_s + writeAt,
    after: e.after ?? 'data',
    ...(e.earliest_at_s !== undefined ? { earliest_at_s: e.earliest_at_s + writeAt } : {}),
  }));
  return {
    anchor: ka.anchor,
    events: [...before, data, ...shifted],
    ...(rto.error ? { error: rto.error } : {}),
    notes: [
      `keepalive probes ${p.write_after_probes} times, then the write puts data in flight: no more probes, no keepalive abort`,
      ...rto.notes,
    ],
  };
}
