// Which kernel changes (kernel-facts.ts) can change what an experiment sees, as data.
//
// A difference between kernels in the matrix is blamed on a change only when the
// change is listed here for the form AND factsFor() differs between the kernels.
// Listed = the change alters the model's schedule, or the kernel's behaviour, with
// the parameters the catalogue form uses. Left out on purpose (each entry's effect):
//   rtoMinSysctl     only when tcp_rto_min_us is lowered; no experiment lowers it,
//                    so every kernel starts from the same 200 ms floor.
//   rtoMaxSettable   only when tcp_rto_max_ms / TCP_RTO_MAX_MS is set: test-pacing only.
//   tlpTimeoutMinUs  only with several segments out; test-dead, test-dead2,
//                    rto-retries2 and netstat-keepalive-send have one (same PTO jiffy).
//   rtoClampedToUserTimeout  only with TCP_USER_TIMEOUT set.
// matrix/relevant-changes.test.ts checks the table against the model: wherever the
// model predicts differently for two kernels, a listed change must tell them apart.
import type { FactKey } from '../model/kernel-facts.ts';

/** Every experiment's timers are on the wheel (the same on every kernel since 4.8). */
const WHEEL: readonly FactKey[] = ['nonCascadingWheel'];

/** tcp_write_timeout()/tcp_retransmit_timer() in SYN-SENT (syn.ts synSentSchedule). */
const SYN_SENT: readonly FactKey[] = [...WHEEL, 'synLinearTimeouts', 'synSentHonoursUserTimeout', 'synSentRtoBaseRegression'];

/** tcp_probe_timer() under a zero window with a user timeout (persist.ts). */
const ZERO_WINDOW_USER_TIMEOUT: readonly FactKey[] = [
  'zeroWindowUserTimeout',
  'zeroWindowProbeClamp',
  'probe0UserTimeoutModelled',
  'probe0UserTimeoutStamp',
];

/**
 * Keys: an experiment id, or 'id:variant' for a form whose parameters bring in more
 * (the most specific key wins, so a variant entry lists everything).
 */
export const RELEVANT_CHANGES: Readonly<Record<string, readonly FactKey[]>> = {
  // Keepalive timer: no version difference in the model (families.ts keepalive: none).
  'test-idle': WHEEL,
  'netstat-keepalive': WHEEL,
  // Keepalive with data in flight: RTO retransmissions of one segment, no user timeout.
  'netstat-keepalive-send': WHEEL,

  'test-syn-sent': SYN_SENT,
  // The 5 s user timeout ends connect(), and clamps the SYN RTO where it does not.
  'test-syn-sent:user-timeout-5s': [...SYN_SENT, 'rtoClampedToUserTimeout'],
  // Server-side SYN-ACKs only: reqsk_timer_handler() has no version difference.
  'test-syn-recv': WHEEL,
  // The client stays in SYN-SENT and retransmits its SYN too (syn-pair.ts).
  'test-syn-recv:no-close': SYN_SENT,
  'test-syn-ack': WHEEL,
  'test-accept-defer': WHEEL,

  // One segment to a silent peer, no user timeout: the same schedule on every kernel here.
  'test-dead': WHEEL,
  'test-dead2': [...WHEEL, 'rtoClampedToUserTimeout'],
  'rto-retries2': WHEEL,
  // Nagle: one segment out at the probe; the nodelay variant has six. skbDeferFreePerCpu
  // (5.19) does not apply: the server reads on the CPU the client wrote on (tail-content.ts).
  'test-read-noack': WHEEL,
  'test-read-noack:nodelay': [...WHEEL, 'tlpTimeoutMinUs'],

  'test-zero': [...WHEEL, 'probe0AbortOffByOneFixed'],
  'test-zero:user-timeout-60s': [...WHEEL, 'probe0AbortOffByOneFixed', ...ZERO_WINDOW_USER_TIMEOUT],
  // An orphan facing a zero window; the fast form sets tcp_rto_max_ms 1000 (6.15+ only).
  'test-pacing': [...WHEEL, 'probe0AbortOffByOneFixed', 'rtoMaxSettable'],
  'test-pacing2': WHEEL,
  'test-pacing3': WHEEL,

  // Scripted calls and the kernel's immediate answers (semantics.ts): no version facts.
  'test-rst': WHEEL,
  'test-rst2': WHEEL,
  'socket-semantics': WHEEL,

  // Keepalive behind conntrack (conntrack.ts): the model keys nothing on the version (its
  // conntrack side was read in 6.1 only), and the keepalive timer has no version difference.
  'conntrack-half-open': WHEEL,
  // After the challenge ACK the SYN is resent 2 jiffies later (5.6+) or at its 1 s RTO (close-wait.ts).
  'close-wait-trap': [...WHEEL, 'synSentQuickRetryAfterBadAck'],
};

/** The changes that can matter for a form, or undefined when the table has no entry for it. */
export function relevantChanges(form: string): readonly FactKey[] | undefined {
  return RELEVANT_CHANGES[form] ?? RELEVANT_CHANGES[form.split(':')[0]!];
}
