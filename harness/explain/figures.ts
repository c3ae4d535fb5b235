// The numbers an explanation quotes (how long until connect() gives up, when the
// SYN-ACKs go out, the tcp_retries2 bound …), asked of the model for the socket's
// kernel and sysctls instead of being written into the prose: a kernel whose timers
// differ (tcp_syn_linear_timeouts, 6.5) or a changed sysctl changes the figures.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { UsageError } from '../errors.ts';
import { DEFAULT_SYSCTLS, KERNEL_CHANGES, TCP_RTO_MAX_S, TCP_RTO_MIN_S, TCP_TIMEOUT_INIT_S, TCP_TIMEWAIT_LEN_S, type FactKey, factsFor } from '../model/kernel-facts.ts';
import { modelRelease, parseKernelVersion } from '../model/kernel-version.ts';
import { tcpOrphanRetries } from '../model/orphan.ts';
import { persistSchedule } from '../model/persist.ts';
import { tcpModelTimeout } from '../model/rto.ts';
import { eventsOf, type Schedule } from '../model/schedule.ts';
import { synRecvSchedule, synSentSchedule } from '../model/syn.ts';

/**
 * include/net/tcp.h TCP_KEEPALIVE_TIME (2 h), TCP_KEEPALIVE_INTVL (75 s),
 * TCP_KEEPALIVE_PROBES (9): the tcp_keepalive_* defaults.
 */
export const KEEPALIVE_DEFAULTS = { tcp_keepalive_time: 7200, tcp_keepalive_intvl: 75, tcp_keepalive_probes: 9 } as const;

/** The sysctls an explanation's figures depend on, by their names under /proc/sys/net/ipv4. */
export type ExplainSysctls = { -readonly [K in keyof typeof DEFAULT_SYSCTLS | keyof typeof KEEPALIVE_DEFAULTS]: number };

export const DEFAULT_EXPLAIN_SYSCTLS: Readonly<ExplainSysctls> = { ...DEFAULT_SYSCTLS, ...KEEPALIVE_DEFAULTS };

/** What the figures are computed for. */
export interface ExplainModel {
  /** The kernel release the model reads ('6.1.0', '5.10.223'). */
  kernel: string;
  sysctls: ExplainSysctls;
  /** Where the sysctls came from, in words: 'kernel defaults', 'this machine's /proc/sys/net/ipv4'. */
  sysctlSource: string;
}

/** This machine's kernel as the model reads it (Debian: the patch level from uname -v). */
export function hostKernel(): string {
  return modelRelease(os.release(), os.version());
}

/**
 * The sysctls of ExplainSysctls that can be read under `dir` (this machine's network
 * namespace by default); unreadable or non-numeric ones are left out.
 */
export function readSysctls(dir = '/proc/sys/net/ipv4'): Partial<ExplainSysctls> {
  const out: Partial<ExplainSysctls> = {};
  for (const name of Object.keys(DEFAULT_EXPLAIN_SYSCTLS) as Array<keyof ExplainSysctls>) {
    try {
      const v = Number(readFileSync(`${dir}/${name}`, 'utf8').trim());
      if (Number.isInteger(v) && v >= 0) out[name] = v;
    } catch {
      // not in this kernel (tcp_syn_linear_timeouts before 6.5) or not readable: the default stands
    }
  }
  return out;
}

/** The model input: a kernel (default this machine's) and sysctls (default the kernel's defaults). */
export function explainModel(o: { kernel?: string; sysctls?: Partial<ExplainSysctls>; sysctlSource?: string } = {}): ExplainModel {
  const kernel = o.kernel ?? hostKernel();
  parseKernelVersion(kernel); // throws on something that is not a release
  const given = Object.keys(o.sysctls ?? {}).length > 0;
  return {
    kernel,
    sysctls: { ...DEFAULT_EXPLAIN_SYSCTLS, ...o.sysctls },
    sysctlSource: o.sysctlSource ?? (given ? 'as given' : 'kernel defaults'),
  };
}

/**
 * What the `explain` command explains with: `--kernel` with that kernel's default
 * sysctls, or (without it) this machine's kernel and the sysctls of its network
 * namespace, read from /proc/sys/net/ipv4.
 */
export function commandModel(kernel?: string): ExplainModel {
  if (kernel === undefined || kernel === 'host') return explainModel({ sysctls: readSysctls(), sysctlSource: "this machine's" });
  try {
    return explainModel({ kernel });
  } catch {
    throw new UsageError(`--kernel ${kernel}: not a kernel release`, "give one like 5.10, 6.1.0 or 6.12.17 (default: this machine's)");
  }
}

/** Where a kernel change applies, in the notes' style: '5.4+, 4.19.77+'. */
export function sinceText(key: FactKey): string {
  const r = KERNEL_CHANGES.find((c) => c.key === key)!.range;
  return [`${r.since}+`, ...Object.values(r.backports ?? {}).map((v) => `${v}+`)].join(', ');
}

/** A release just before the mainline release that brought `key`, to show the other side of it. */
function releaseBefore(key: FactKey): string {
  const { major, minor } = parseKernelVersion(KERNEL_CHANGES.find((c) => c.key === key)!.range.since);
  return minor > 0 ? `${major}.${minor - 1}` : `${major - 1}.0`;
}

const round = (s: number) => Number(s.toFixed(3));
const end = (s: Schedule) => s.events.at(-1)!;
const abort = (s: Schedule) => {
  const e = s.events.find((x) => x.id === 'abort');
  return e && round(e.at_s);
};

export interface SynSentFigures {
  kernel: string;
  /** SYN retransmissions before connect() fails, and when it fails (seconds after the first SYN). */
  retransmits: number;
  death_s: number;
  /** When each SYN retransmission goes out, seconds after the first SYN. */
  resends_s: number[];
  /** tcp_syn_linear_timeouts in force on this kernel (0 before 6.5). */
  linear: number;
}

export interface Figures {
  model: ExplainModel;
  /** The first SYN / SYN-ACK RTO. */
  initialRto_s: number;
  rtoMin_s: number;
  rtoMax_s: number;
  timewait_s: number;
  /** Where tcp_syn_linear_timeouts begins ('6.5'), and a release on each side of it. */
  linearSince: string;
  synSent: SynSentFigures;
  /** The same settings on the other side of the linear-timeouts change. */
  synSentOther: SynSentFigures;
  /** SYN-ACK retransmissions of a request socket, and its silent drop. */
  synRecv: { resends_s: number[]; drop_s: number };
  /** tcp_model_timeout(tcp_retries2) with the minimum RTO: how long data is retransmitted. */
  retries2Bound_s: number;
  /** An orphan's retransmission limit (tcp_orphan_retries; 0 means 8 while alive) and its bound. */
  orphan: { retries: number; bound_s: number };
  /** Doublings from the minimum RTO until the interval reaches the maximum. */
  doublingsToMax: number;
  /**
   * Zero-window probing with the minimum RTO: death with the probes lost, and an
   * orphan's with them answered (undefined: not within the model's horizon).
   */
  zeroWindow: { death_s: number | undefined; orphanAnsweredDeath_s: number | undefined };
}

function synSentFigures(m: ExplainModel, kernel: string): SynSentFigures {
  const s = synSentSchedule({ tcp_syn_retries: m.sysctls.tcp_syn_retries, tcp_syn_linear_timeouts: m.sysctls.tcp_syn_linear_timeouts }, kernel);
  const resends = eventsOf(s, 'syn-retrans');
  return {
    kernel,
    retransmits: resends.length,
    death_s: round(end(s).at_s),
    resends_s: resends.map((e) => round(e.at_s)),
    linear: factsFor(kernel).synLinearTimeouts ? m.sysctls.tcp_syn_linear_timeouts : 0,
  };
}

export function figuresFor(m: ExplainModel): Figures {
  const { sysctls: sc, kernel } = m;
  const linearSince = KERNEL_CHANGES.find((c) => c.key === 'synLinearTimeouts')!.range.since;
  const otherKernel = factsFor(kernel).synLinearTimeouts ? releaseBefore('synLinearTimeouts') : linearSince;
  const synRecv = synRecvSchedule({ tcp_synack_retries: sc.tcp_synack_retries }, kernel);
  const orphanRetries = tcpOrphanRetries(sc.tcp_orphan_retries, true);
  const zw = { rto_s: TCP_RTO_MIN_S, tcp_retries2: sc.tcp_retries2, user_timeout_ms: 0, tcp_orphan_retries: sc.tcp_orphan_retries };
  return {
    model: m,
    initialRto_s: TCP_TIMEOUT_INIT_S,
    rtoMin_s: TCP_RTO_MIN_S,
    rtoMax_s: TCP_RTO_MAX_S,
    timewait_s: TCP_TIMEWAIT_LEN_S,
    linearSince,
    synSent: synSentFigures(m, kernel),
    synSentOther: synSentFigures(m, otherKernel),
    synRecv: { resends_s: eventsOf(synRecv, 'synack-retrans').map((e) => round(e.at_s)), drop_s: round(end(synRecv).at_s) },
    retries2Bound_s: round(tcpModelTimeout(sc.tcp_retries2)),
    orphan: { retries: orphanRetries, bound_s: round(tcpModelTimeout(orphanRetries)) },
    doublingsToMax: Math.ceil(Math.log2(TCP_RTO_MAX_S / TCP_RTO_MIN_S)),
    zeroWindow: {
      death_s: abort(persistSchedule(zw, kernel)),
      orphanAnsweredDeath_s: abort(persistSchedule({ ...zw, orphan: true, peer_answers: true }, kernel)),
    },
  };
}

/**
 * How long the SYN timer runs after `n` retransmissions: on `kernel`, before the
 * linear-timeouts change (classic) and from it (linear), with the model's sysctls.
 */
export function synInterval(m: ExplainModel, n: number): { here: number; classic: number; linear: number } {
  const at = (kernel: string) => {
    // Enough retries for the n-th interval to exist: the count, not the default limit, is what was read.
    const s = synSentSchedule({ tcp_syn_retries: Math.max(m.sysctls.tcp_syn_retries, n + 1), tcp_syn_linear_timeouts: m.sysctls.tcp_syn_linear_timeouts }, kernel);
    return round(s.events[Math.min(n, s.events.length - 1)]!.delay_s);
  };
  return { here: at(m.kernel), classic: at(releaseBefore('synLinearTimeouts')), linear: at(KERNEL_CHANGES.find((c) => c.key === 'synLinearTimeouts')!.range.since) };
}

/** 'default 5', or '3, as given' when the model's value is not the kernel's default. */
export function sysctlValue(m: ExplainModel, name: keyof ExplainSysctls, unit = ''): string {
  const v = m.sysctls[name];
  return v === DEFAULT_EXPLAIN_SYSCTLS[name] ? `default ${v}${unit}` : `${v}${unit}, ${m.sysctlSource}`;
}

/** 'the default tcp_synack_retries (5)', or 'tcp_synack_retries (3, as given)' when the model's value is not the default. */
export function sysctlText(m: ExplainModel, name: keyof ExplainSysctls, unit = ''): string {
  const v = m.sysctls[name];
  return v === DEFAULT_EXPLAIN_SYSCTLS[name] ? `the default ${name} (${v}${unit})` : `${name} (${v}${unit}, ${m.sysctlSource})`;
}

/** '1, 3, 7, 15, 31 s'. */
export function times(list: readonly number[]): string {
  return `${list.join(', ')} s`;
}

/** 0.2 → '200 ms', 1 → '1 s'. */
export function secsShort(s: number): string {
  return s < 1 ? `${round(s * 1000)} ms` : `${round(s)} s`;
}
