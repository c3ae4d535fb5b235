// The timer families `predict` knows, each with its `--set` parameters and the
// model function that turns them into a schedule.
//
// Parameter names are the catalogue's (docs/notes.md, experiments/*.ts): sysctls by
// their own name (tcp_retries2, tcp_syn_retries …), socket options in lower case
// (keepidle, keepintvl, keepcnt, user_timeout in ms, syncnt, defer_accept, rcvbuf,
// nodelay). A socket option, when set, wins over the sysctl it overrides, as in the
// kernel (keepalive_time_when(): tp->keepalive_time ?: sysctl_tcp_keepalive_time).
import { param, type ParamSpecs } from '../experiment/params.ts';
import { deferAcceptSchedule } from '../model/defer-accept.ts';
import { finWait2Schedule } from '../model/fin-wait.ts';
import { DEFAULT_SYSCTLS, type FactKey } from '../model/kernel-facts.ts';
import type { KernelRef } from '../model/kernel-ref.ts';
import { keepaliveSchedule } from '../model/keepalive.ts';
import { orphanRetransmitRetries } from '../model/orphan.ts';
import { persistSchedule } from '../model/persist.ts';
import { rtoSchedule, tcpModelTimeout } from '../model/rto.ts';
import { eventsOf, type Schedule } from '../model/schedule.ts';
import { synRecvSchedule, synSentSchedule } from '../model/syn.ts';

export const FAMILIES = ['keepalive', 'rto', 'syn', 'synack', 'persist', 'orphan', 'finwait'] as const;
export type Family = (typeof FAMILIES)[number];

/** Values of every parameter of a family: defaults, overridden by --set. */
export type Values = Record<string, number>;

export interface FamilyDef {
  family: Family;
  /** One line: which timer, in which situation. */
  title: string;
  params: ParamSpecs;
  /** The model's schedule for these values (set = only what --set gave, to tell socket option from sysctl). */
  schedule(v: Values, set: Values, kernel: KernelRef): Schedule;
  /** Extra lines for the report: bounds, what-ifs, parameters that do not change the timing. */
  extras?(v: Values, set: Values, kernel: KernelRef): string[];
  /** The kernel-facts keys whose presence or absence can change this family's schedule with these values. */
  facts(v: Values): readonly FactKey[];
}

// Shared parameter declarations, so every family documents a name the same way.
const P = {
  user_timeout: param.ms(0, 'TCP_USER_TIMEOUT in ms (0 = off)'),
  tcp_retries2: param.count(DEFAULT_SYSCTLS.tcp_retries2, 'net.ipv4.tcp_retries2: bounds retransmission TIME (tcp_model_timeout) and counts zero-window probes'),
  rto: param.ms(200, 'the connection\'s RTO (tcpi_rto) in ms when the timer starts: TCP_RTO_MIN 200 ms plus rttvar; about 204 on loopback', { min: 1, max: 120_000 }),
  tcp_orphan_retries: param.count(DEFAULT_SYSCTLS.tcp_orphan_retries, 'net.ipv4.tcp_orphan_retries: retries for a socket the application has closed (0 = 8 while the RTO is below RTO_MAX)'),
  rcvbuf: param.bytes(0, 'SO_RCVBUF of the receiver (0 = default): it makes the zero window, but does not change the probe times'),
  nodelay: param.flag(false, 'TCP_NODELAY: changes which segments go out, not when the retransmission timer fires'),
};

const keepalive: FamilyDef = {
  family: 'keepalive',
  title: 'keepalive probes of an idle ESTABLISHED socket whose peer went silent (test-idle)',
  params: {
    keepidle: param.seconds(7200, 'TCP_KEEPIDLE: idle seconds before the first probe (default: tcp_keepalive_time)', { min: 1, max: 32767 }),
    keepintvl: param.seconds(75, 'TCP_KEEPINTVL: seconds between probes (default: tcp_keepalive_intvl)', { min: 1, max: 32767 }),
    keepcnt: param.count(9, 'TCP_KEEPCNT: unanswered probes before giving up (default: tcp_keepalive_probes)', { min: 1, max: 127 }),
    user_timeout: P.user_timeout,
    tcp_keepalive_time: param.seconds(7200, 'net.ipv4.tcp_keepalive_time (used when keepidle is not set)', { min: 1, max: 32767 }),
    tcp_keepalive_intvl: param.seconds(75, 'net.ipv4.tcp_keepalive_intvl (used when keepintvl is not set)', { min: 1, max: 32767 }),
    tcp_keepalive_probes: param.count(9, 'net.ipv4.tcp_keepalive_probes (used when keepcnt is not set)', { min: 1, max: 127 }),
  },
  schedule: (v, set, kernel) =>
    keepaliveSchedule(
      {
        keepidle_s: set.keepidle ?? v.tcp_keepalive_time!,
        keepintvl_s: set.keepintvl ?? v.tcp_keepalive_intvl!,
        keepcnt: set.keepcnt ?? v.tcp_keepalive_probes!,
        user_timeout_ms: v.user_timeout!,
      },
      kernel,
    ),
  facts: () => [],
};

const rto: FamilyDef = {
  family: 'rto',
  title: 'retransmissions of unacknowledged data to a silent peer, and the ETIMEDOUT death (test-dead, rto-retries2)',
  params: {
    tcp_retries2: P.tcp_retries2,
    user_timeout: P.user_timeout,
    rto: P.rto,
    tlp: param.flag(true, 'a tail loss probe goes first (tcp_early_retrans 3, the default, with one segment out)'),
    nodelay: P.nodelay,
  },
  schedule: (v, _set, kernel) =>
    rtoSchedule({ rto_s: v.rto! / 1000, tcp_retries2: v.tcp_retries2!, user_timeout_ms: v.user_timeout!, tlp: v.tlp === 1 }, kernel),
  extras: (v, set) => {
    const lines: string[] = [];
    if (v.user_timeout === 0) {
      lines.push(
        `time bound: tcp_model_timeout(tcp_retries2=${v.tcp_retries2}, 200 ms) = ${tcpModelTimeout(v.tcp_retries2!)} s after the first RTO retransmission (a lower bound: death comes at the first RTO firing past it)`,
      );
    }
    if (set.nodelay !== undefined) lines.push('nodelay does not change the retransmission timer (only which segments go out)');
    return lines;
  },
  facts: (v) => (v.user_timeout! > 0 ? ['rtoClampedToUserTimeout'] : []),
};

const syn: FamilyDef = {
  family: 'syn',
  title: 'SYN retransmissions of connect() to a server that never answers (test-syn-sent)',
  params: {
    tcp_syn_retries: param.count(DEFAULT_SYSCTLS.tcp_syn_retries, 'net.ipv4.tcp_syn_retries: SYN retransmissions before connect() fails', { min: 1, max: 127 }),
    syncnt: param.count(0, 'TCP_SYNCNT on the connecting socket (0 = not set: tcp_syn_retries applies)', { min: 0, max: 127 }),
    user_timeout: P.user_timeout,
    tcp_syn_linear_timeouts: param.count(DEFAULT_SYSCTLS.tcp_syn_linear_timeouts, 'net.ipv4.tcp_syn_linear_timeouts (6.5+): first SYN backoffs kept at 1 s'),
  },
  schedule: (v, set, kernel) =>
    synSentSchedule(
      {
        tcp_syn_retries: v.tcp_syn_retries!,
        ...(v.syncnt ? { syncnt: v.syncnt } : {}),
        user_timeout_ms: v.user_timeout!,
        ...(set.tcp_syn_linear_timeouts !== undefined ? { tcp_syn_linear_timeouts: set.tcp_syn_linear_timeouts } : {}),
      },
      kernel,
    ),
  facts: (v) => [
    'synSentHonoursUserTimeout',
    'synSentRtoBaseRegression',
    'synLinearTimeouts',
    ...(v.user_timeout! > 0 ? (['rtoClampedToUserTimeout'] as const) : []),
  ],
};

const synack: FamilyDef = {
  family: 'synack',
  title: 'SYN-ACK retransmissions of a request socket whose final ACK never comes (test-syn-recv; test-accept-defer with defer_accept)',
  params: {
    tcp_synack_retries: param.count(DEFAULT_SYSCTLS.tcp_synack_retries, 'net.ipv4.tcp_synack_retries: SYN-ACK retransmissions before the request is dropped'),
    syncnt: param.count(0, 'TCP_SYNCNT on the LISTENING socket (0 = not set): replaces tcp_synack_retries', { min: 0, max: 127 }),
    defer_accept: param.seconds(0, 'TCP_DEFER_ACCEPT on the listener, seconds (0 = off); the client completes the handshake but sends no data', { max: 3600 }),
  },
  schedule: (v, _set, kernel) =>
    v.defer_accept! > 0
      ? deferAcceptSchedule(
          {
            defer_accept_s: v.defer_accept!,
            tcp_synack_retries: v.tcp_synack_retries!,
            data_at_s: null,
            ...(v.syncnt ? { listener_syncnt: v.syncnt } : {}),
          },
          kernel,
        )
      : synRecvSchedule({ tcp_synack_retries: v.tcp_synack_retries!, ...(v.syncnt ? { listener_syncnt: v.syncnt } : {}) }, kernel),
  extras: (v) => (v.defer_accept! > 0 ? [] : ['TCP_USER_TIMEOUT has no effect on a request socket (the notes saw the same)']),
  facts: () => [],
};

const persist: FamilyDef = {
  family: 'persist',
  title: 'zero-window probes of a sender facing a closed window whose probes go unanswered (test-zero)',
  params: {
    tcp_retries2: P.tcp_retries2,
    user_timeout: P.user_timeout,
    rto: P.rto,
    peer_answers: param.flag(false, 'the peer answers every probe with a zero window (a live receiver that never reads); default: the probes are lost'),
    rcvbuf: P.rcvbuf,
  },
  schedule: (v, _set, kernel) =>
    persistSchedule(
      { rto_s: v.rto! / 1000, tcp_retries2: v.tcp_retries2!, user_timeout_ms: v.user_timeout!, peer_answers: v.peer_answers === 1 },
      kernel,
    ),
  extras: (_v, set) => (set.rcvbuf !== undefined ? ['rcvbuf makes the zero window happen; it does not change the probe times'] : []),
  facts: (v) =>
    v.user_timeout! > 0
      ? ['zeroWindowUserTimeout', 'zeroWindowProbeClamp', 'probe0UserTimeoutModelled', 'probe0UserTimeoutStamp', 'probe0AbortOffByOneFixed']
      : ['probe0AbortOffByOneFixed'],
};

const orphan: FamilyDef = {
  family: 'orphan',
  title: 'a closed (orphaned) socket that still has data queued against a zero window: probes, then silent destruction (test-pacing)',
  params: {
    tcp_orphan_retries: P.tcp_orphan_retries,
    tcp_retries2: P.tcp_retries2,
    rto: P.rto,
    peer_answers: param.flag(true, 'the peer answers every probe with a zero window (test-pacing: it never reads); 0 = the probes are lost'),
    rcvbuf: P.rcvbuf,
  },
  schedule: (v, _set, kernel) =>
    persistSchedule(
      {
        rto_s: v.rto! / 1000,
        tcp_retries2: v.tcp_retries2!,
        user_timeout_ms: 0,
        orphan: true,
        tcp_orphan_retries: v.tcp_orphan_retries!,
        peer_answers: v.peer_answers === 1,
      },
      kernel,
    ),
  extras: (v, set, kernel) => {
    // The other way an orphan dies: unacked data instead of a zero window.
    const retries = orphanRetransmitRetries(v.rto! / 1000, v.tcp_orphan_retries!);
    const data = rtoSchedule({ rto_s: v.rto! / 1000, tcp_retries2: retries, user_timeout_ms: 0, tlp: true }, kernel);
    const end = data.events.at(-1)!;
    const retransmissions = eventsOf(data, 'rto').length;
    const lines = [
      `an orphan with unacked DATA instead (no zero window) retransmits with tcp_retries2 replaced by tcp_orphan_retries() = ${retries}: destroyed at about ${fmtS(end.at_s)} (${retransmissions} RTO retransmissions, no FIN, no RST)`,
    ];
    if (set.rcvbuf !== undefined) lines.push('rcvbuf makes the zero window happen; it does not change the probe times');
    return lines;
  },
  facts: () => ['probe0AbortOffByOneFixed'],
};

const finwait: FamilyDef = {
  family: 'finwait',
  title: 'an orphaned FIN-WAIT-2 socket waiting for the peer\'s FIN (test-pacing3)',
  params: {
    tcp_fin_timeout: param.seconds(DEFAULT_SYSCTLS.tcp_fin_timeout, 'net.ipv4.tcp_fin_timeout: how long an orphan waits in FIN-WAIT-2 (not TIME-WAIT, which is always 60 s)', { max: 86_400 }),
    rto: P.rto,
  },
  schedule: (v, _set, kernel) => finWait2Schedule({ tcp_fin_timeout: v.tcp_fin_timeout!, rto_s: v.rto! / 1000 }, kernel),
  extras: () => ['only after close(): a socket that called shutdown() alone stays in FIN-WAIT-2 until the peer sends FIN'],
  facts: () => [],
};

export const FAMILY_DEFS: Readonly<Record<Family, FamilyDef>> = { keepalive, rto, syn, synack, persist, orphan, finwait };

export function isFamily(name: string): name is Family {
  return (FAMILIES as readonly string[]).includes(name);
}

export function fmtS(s: number): string {
  return `${Number(s.toFixed(s < 10 ? 3 : 1))} s`;
}
