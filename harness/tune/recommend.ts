// `tcplab tune`: the socket settings that detect a dead peer within a target, from the
// model alone (pure: no run, no clock). Every candidate is judged by asking the model
// for its schedule (keepalive.ts, rto.ts) and reading when the abort may come at the
// latest (detection.ts); nothing here redoes the timers' arithmetic.
//
// The two cases are two different timers, never both at once:
// - idle (nothing unacked, send queue empty): tcp_keepalive_timer(), net/ipv4/tcp_timer.c
//   (same logic 5.1 … 2025 mainline, keepalive.ts). It aborts after TCP_KEEPCNT unanswered
//   probes, or, when TCP_USER_TIMEOUT is set, at the first firing at or past the user
//   timeout with a probe out (KEEPCNT then ignored). The retransmission timer is not armed.
// - sending (data unacked): tcp_retransmit_timer() → tcp_write_timeout() (rto.ts). The
//   bound is TCP_USER_TIMEOUT when set, else tcp_retries2's tcp_model_timeout(), counted
//   from the first RTO retransmission (retrans_stamp); since 4.19 (b701a99e431d)
//   tcp_clamp_rto_to_user_timeout() shortens the last backoff so death comes at the user
//   timeout. tcp_keepalive_timer() only re-arms itself while tp->packets_out, so the
//   keepalive settings do not matter then.
import { DEFAULT_SYSCTLS } from '../model/kernel-facts.ts';
import { hzOf, modelledFacts, releaseOf, type KernelRef } from '../model/kernel-ref.ts';
import { keepaliveSchedule, type KeepaliveParams } from '../model/keepalive.ts';
import { handshakeRto } from '../model/loopback.ts';
import { rtoSchedule } from '../model/rto.ts';
import type { Schedule } from '../model/schedule.ts';
import { detectionOf, type Detection } from './detection.ts';
import type { While } from './target.ts';

/**
 * include/net/tcp.h MAX_TCP_KEEPIDLE / MAX_TCP_KEEPINTVL (32767 s) and MAX_TCP_KEEPCNT
 * (127); do_tcp_setsockopt() (tcp_sock_set_keepidle_locked() since 5.8) refuses values
 * below 1 with EINVAL. Whole seconds: the options are ints of seconds.
 */
export const KEEPALIVE_LIMITS = { idle_s: [1, 32767], intvl_s: [1, 32767], cnt: [1, 127] } as const;

/** Unanswered probes tolerated before giving up: 3 lets two lost probes pass on a lossy path. */
const PREFERRED_KEEPCNT = 3;
/** The probe interval as a share of the target: probes come often enough to fit three in. */
const INTERVAL_SHARE = 0.1;

export interface TuneSettings {
  /** Null when the case that needs keepalive (idle) is not asked for. */
  keepalive: { idle_s: number; intvl_s: number; cnt: number } | null;
  /** TCP_USER_TIMEOUT in ms; null when not needed (idle only: KEEPCNT ends it). */
  user_timeout_ms: number | null;
}

export interface CaseAdvice {
  case: 'idle' | 'sending';
  /** The catalogue experiment that verifies it, and its --set values. */
  experiment: 'test-idle' | 'test-dead';
  sets: string[];
  schedule: Schedule;
  detection: Detection;
  /** Which timer fires, when, and why the other settings do not matter then. */
  why: string[];
}

export interface Feasible {
  feasible: true;
  target_s: number;
  while: While;
  kernel: string;
  hz: number;
  settings: TuneSettings;
  cases: CaseAdvice[];
  /** The host-wide alternative to TCP_USER_TIMEOUT for the sending case (text only). */
  tcp_retries2: { value: number; detection: Detection } | null;
}

export interface Infeasible {
  feasible: false;
  target_s: number;
  while: While;
  kernel: string;
  hz: number;
  /** The soonest the model lets each impossible case end, with the smallest settings. */
  floors: { case: 'idle' | 'sending'; latest_s: number; why: string }[];
}

export type Recommendation = Feasible | Infeasible;

const sec = (s: number) => `${Math.round(s * 1000) / 1000} s`;

function idleDetection(k: { idle_s: number; intvl_s: number; cnt: number }, user_timeout_ms: number, kernel: KernelRef) {
  const p: KeepaliveParams = { keepidle_s: k.idle_s, keepintvl_s: k.intvl_s, keepcnt: k.cnt, user_timeout_ms };
  const schedule = keepaliveSchedule(p, kernel);
  return { schedule, detection: detectionOf(schedule) };
}

function sendingDetection(user_timeout_ms: number, tcp_retries2: number, kernel: KernelRef) {
  // Loopback's RTO (what the verification runs see): a real path's RTO is larger, and
  // the bound only starts at the first RTO retransmission (rto.ts).
  const schedule = rtoSchedule({ ...handshakeRto(kernel), tcp_retries2, user_timeout_ms, tlp: true }, kernel);
  return { schedule, detection: detectionOf(schedule) };
}

/**
 * The keepalive settings with the longest idle time whose abort the model puts within
 * the target at the latest: interval a tenth of the target, 3 probes; fewer probes and
 * 1 s intervals only when that does not fit. Undefined when even 1/1/1 is too slow.
 */
function idleKeepalive(target_s: number, kernel: KernelRef) {
  const intvl = Math.max(1, Math.floor(target_s * INTERVAL_SHARE));
  const shapes = [
    [intvl, PREFERRED_KEEPCNT],
    [intvl, 2],
    [1, PREFERRED_KEEPCNT],
    [1, 2],
    [1, 1],
  ] as const;
  for (const [intvl_s, cnt] of shapes) {
    for (let idle_s = Math.min(Math.floor(target_s), KEEPALIVE_LIMITS.idle_s[1]); idle_s >= 1; idle_s--) {
      const k = { idle_s, intvl_s, cnt };
      if (idleDetection(k, 0, kernel).detection.latest_s <= target_s) return k;
    }
  }
  return undefined;
}

/** The largest TCP_USER_TIMEOUT (ms, at most `max_ms`) whose sending-case death fits the target. */
function largestUserTimeout(target_s: number, max_ms: number, kernel: KernelRef): number | undefined {
  const fits = (ms: number) => sendingDetection(ms, DEFAULT_SYSCTLS.tcp_retries2, kernel).detection.latest_s <= target_s;
  if (!fits(1)) return undefined;
  // The death moves later with the user timeout: bisect, then confirm the answer.
  let lo = 1;
  let hi = max_ms;
  if (fits(hi)) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The largest tcp_retries2 (up to the default 15) whose retransmission death fits: the sysctl route. */
function largestRetries2(target_s: number, kernel: KernelRef): Feasible['tcp_retries2'] {
  for (let n = DEFAULT_SYSCTLS.tcp_retries2; n >= 0; n--) {
    const { detection } = sendingDetection(0, n, kernel);
    if (detection.latest_s <= target_s) return { value: n, detection };
  }
  return null;
}

function idleWhy(k: { idle_s: number; intvl_s: number; cnt: number }, ut: number, d: Detection, target_s: number): string[] {
  const end = ut
    ? `with TCP_USER_TIMEOUT=${ut} ms it aborts at the first firing at or past ${sec(ut / 1000)} with a probe out, so TCP_KEEPCNT is ignored (kept at ${k.cnt}, which ends it at the same firing should the user timeout be unset)`
    : `after TCP_KEEPCNT=${k.cnt} unanswered probes it aborts at the next firing`;
  return [
    `the keepalive timer fires (tcp_keepalive_timer): first probe TCP_KEEPIDLE=${k.idle_s} s after the last packet received, then one every TCP_KEEPINTVL=${k.intvl_s} s; ${end}: RST, read() gets ETIMEDOUT`,
    `nominally at ${sec(d.nominal_s)}; the timer wheel fires each timer late by up to its granule and the lateness carries along the chain, so the model allows up to ${sec(d.latest_s)} (${sec(d.lateness_s)} late, incl. the wakeup of read()) — within the ${sec(target_s)} target`,
    'nothing is in flight, so the retransmission timer is not armed: TCP_USER_TIMEOUT acts only through the keepalive check, and tcp_retries2 does not matter',
  ];
}

function sendingWhy(ut: number, d: Detection, target_s: number, clamped: boolean): string[] {
  return [
    'data is unacked, so the retransmission timer fires (tcp_retransmit_timer): a tail loss probe, then RTO retransmissions doubling from ~200 ms (loopback; a real path starts from its own RTO)',
    `TCP_USER_TIMEOUT=${ut} ms is counted from the first RTO retransmission (retrans_stamp), and tcp_write_timeout() then ends the connection: ETIMEDOUT, no RST; tcp_retries2 is ignored`,
    clamped
      ? 'this kernel clamps the last backoff to the time left (tcp_clamp_rto_to_user_timeout, 4.19+), so death comes at the user timeout, at most a granule late'
      : 'this kernel has no tcp_clamp_rto_to_user_timeout (before 4.19): death comes at the next RTO firing past the user timeout',
    `nominally at ${sec(d.nominal_s)} after the write, at the latest ${sec(d.latest_s)} (timer-wheel lateness and read()'s wakeup: ${sec(d.lateness_s)}) — within the ${sec(target_s)} target`,
    'keepalive is not armed while data is in flight (tcp_keepalive_timer only re-arms itself while packets_out), so TCP_KEEPIDLE/INTVL/CNT do not matter here',
  ];
}

const keepaliveSets = (k: { idle_s: number; intvl_s: number; cnt: number }) => [`keepidle=${k.idle_s}`, `keepintvl=${k.intvl_s}`, `keepcnt=${k.cnt}`];

export function recommend(target_s: number, mode: While, kernel: KernelRef): Recommendation {
  const facts = modelledFacts(kernel);
  const base = { target_s, while: mode, kernel: releaseOf(kernel), hz: hzOf(kernel) };
  const wantIdle = mode !== 'sending';
  const wantSending = mode !== 'idle';

  const keepalive = wantIdle ? idleKeepalive(target_s, kernel) : undefined;
  // The sending case's bound; with idle too, no larger than the idle abort's nominal
  // time, so the user timeout ends the idle case at the same firing KEEPCNT would.
  const idleAbortMs = Math.round((keepalive ? idleDetection(keepalive, 0, kernel).detection.nominal_s : target_s) * 1000);
  const ut = wantSending ? largestUserTimeout(target_s, idleAbortMs, kernel) : undefined;

  const floors: Infeasible['floors'] = [];
  if (wantIdle && !keepalive) {
    const least = idleDetection({ idle_s: 1, intvl_s: 1, cnt: 1 }, 0, kernel).detection;
    floors.push({
      case: 'idle',
      latest_s: least.latest_s,
      why:
        `an idle connection is watched only by keepalive: the first probe cannot come before TCP_KEEPIDLE's minimum of 1 s, and the abort needs one unanswered probe and one more firing (TCP_KEEPINTVL ≥ 1 s); ` +
        `even KEEPIDLE=1 KEEPINTVL=1 KEEPCNT=1 ends it at ${sec(least.nominal_s)} nominally, up to ${sec(least.latest_s)} with the timer wheel's lateness`,
    });
  }
  if (wantSending && ut === undefined) {
    const least = sendingDetection(1, DEFAULT_SYSCTLS.tcp_retries2, kernel).detection;
    floors.push({
      case: 'sending',
      latest_s: least.latest_s,
      why:
        `with data in flight the user timeout is counted from the first RTO retransmission (retrans_stamp), which comes a loss probe and an RTO (≥ TCP_RTO_MIN 200 ms) after the write; ` +
        `even TCP_USER_TIMEOUT=1 ms ends it at ${sec(least.nominal_s)} nominally, up to ${sec(least.latest_s)}`,
    });
  }
  if (floors.length) return { ...base, feasible: false, floors };

  const cases: CaseAdvice[] = [];
  if (keepalive) {
    const u = ut ?? 0;
    const { schedule, detection } = idleDetection(keepalive, u, kernel);
    cases.push({ case: 'idle', experiment: 'test-idle', sets: [...keepaliveSets(keepalive), `user_timeout=${u}`], schedule, detection, why: idleWhy(keepalive, u, detection, target_s) });
  }
  if (ut !== undefined) {
    const { schedule, detection } = sendingDetection(ut, DEFAULT_SYSCTLS.tcp_retries2, kernel);
    // With keepalive set too, test-dead shows it stays silent while data is unacked.
    const sets = [...(keepalive ? keepaliveSets(keepalive) : []), `user_timeout=${ut}`];
    cases.push({ case: 'sending', experiment: 'test-dead', sets, schedule, detection, why: sendingWhy(ut, detection, target_s, facts.rtoClampedToUserTimeout) });
  }
  return {
    ...base,
    feasible: true,
    settings: { keepalive: keepalive ?? null, user_timeout_ms: ut ?? null },
    cases,
    tcp_retries2: wantSending ? largestRetries2(target_s, kernel) : null,
  };
}
