// A transfer paced by a slow reader behind a small receive buffer (test-pacing2):
// what the timers do while the reader keeps reading.
//
// Read: net/ipv4/tcp.c tcp_cleanup_rbuf() (6.x: after a read that reopens the window
// from zero, `time_to_ack` sends a window update at once), net/ipv4/tcp_input.c
// tcp_ack() → tcp_ack_probe() (a window that opens clears ICSK_TIME_PROBE0, resets
// icsk_backoff and icsk_probes_out), include/net/tcp.h tcp_check_probe_timer() /
// tcp_probe0_base() (the persist timer is armed max(icsk_rto, TCP_RTO_MIN) after the
// window closes, and not backed off).
//
// So while the reader frees space more often than one persist interval, every
// zero-window episode ends with a window update before the persist timer fires: no
// window probes, no backoff, and an orphaned sender is never judged by
// tcp_orphan_retries. The transfer is as fast as the reader: each read reopens the
// window and one segment of that size follows. How many bytes a read reopens depends
// on the receiver's window arithmetic (__tcp_select_window()), not on a timer; the
// experiment records it.

import type { Schedule } from './schedule.ts';
import { momentEvent } from './timer-event.ts';

export interface ReaderPacedParams {
  /** icsk_rto of the sender when the window closes (tcp_probe0_base), seconds. */
  rto_s: number;
  /** The reader reads every this many seconds. */
  read_interval_s: number;
  /** How long the reader goes on, seconds. */
  duration_s: number;
}

/**
 * Events: 'window-update' and 'refill' (the first read's window update and the
 * segment it lets out, both at the read: reactions, not timers), then
 * 'reader-stops' (the end of the observation, a scripted moment). The verdict
 * comes from the facts: window probes only if read_interval_s >= the persist interval.
 */
export function readerPacedSchedule(p: ReaderPacedParams): Schedule & { probes: boolean } {
  if (!(p.rto_s > 0 && p.read_interval_s > 0 && p.duration_s > 0)) throw new Error(`readerPacedSchedule: bad parameters ${JSON.stringify(p)}`);
  const persist_s = Math.max(p.rto_s, 0.2); // tcp_probe0_base(): max(icsk_rto, TCP_RTO_MIN)
  const probes = p.read_interval_s >= persist_s;
  return {
    anchor: 'the reader starts reading',
    events: [
      // Sent inside the first read, so captured just before the read returns (its timestamp).
      momentEvent({
        id: 'window-update',
        label: 'the first read reopens the window: a window update at once',
        at_s: 0,
        after: null,
        delay_s: 0,
        cite: 'tcp_cleanup_rbuf() (net/ipv4/tcp.c, 6.x): a read that reopens a zero window sends the update at once (time_to_ack)',
      }),
      momentEvent({
        id: 'refill',
        label: 'the sender answers with one segment of the reopened window',
        at_s: 0,
        after: 'window-update',
        delay_s: 0,
        cite: 'tcp_ack() → tcp_ack_probe() and tcp_data_snd_check() (net/ipv4/tcp_input.c): the opened window lets the queued data out',
      }),
      // A scripted moment, so no timer window (it had a wheel granule's before).
      momentEvent({
        id: 'reader-stops',
        label: 'the reader stops (end of the observation)',
        at_s: p.duration_s,
        after: null,
        delay_s: p.duration_s,
        cite: 'a scripted moment, not a kernel timer',
      }),
    ],
    probes,
    notes: [
      probes
        ? `reads every ${p.read_interval_s} s are slower than the persist timer (${persist_s} s): window probes between reads`
        : `reads every ${p.read_interval_s} s reopen the window before the persist timer (${persist_s} s) fires: no window probes, no backoff (tcp_ack_probe())`,
      'each read sends a window update at once (tcp_cleanup_rbuf()); the sender answers with one segment of the reopened window',
    ],
  };
}
