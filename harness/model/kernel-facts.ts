// Constants and version differences of the Linux TCP timers, as explicit data.
//
// Experiments never compare kernel versions themselves: they call factsFor()
// (or a schedule function that does) and state expectations from the answer.
// Sources: the notes summed up in docs/timer-model.md, checked against the kernel source where
// noted on each entry (`read`).

import { atLeast, compareVersions, inSeries, parseKernelVersion, type KernelVersion } from './kernel-version.ts';

/** include/net/tcp.h: TCP_RTO_MIN = HZ/5. */
export const TCP_RTO_MIN_S = 0.2;
/** include/net/tcp.h: TCP_RTO_MAX = 120*HZ (settable per socket/netns since 6.15). */
export const TCP_RTO_MAX_S = 120;
/** include/net/tcp.h: TCP_TIMEOUT_INIT = 1*HZ, the first SYN and SYN-ACK RTO (RFC 6298). */
export const TCP_TIMEOUT_INIT_S = 1;
/** include/net/tcp.h: TCP_TIMEWAIT_LEN = 60*HZ, the TIME-WAIT length (not tunable). */
export const TCP_TIMEWAIT_LEN_S = 60;
/** include/net/tcp.h: TCP_TIMEOUT_MIN = 2 jiffies, the shortest TCP timer (e.g. the probe0 clamp floor). */
export const TCP_TIMEOUT_MIN_JIFFIES = 2;
/**
 * CONFIG_HZ of Debian's kernels (and of this project's hosts): what the model assumes
 * only when it is given a bare release string. A sandbox reads its kernel's own HZ
 * (sandbox/kernel-hz.ts) and passes it along (kernel-ref.ts).
 */
export const DEFAULT_HZ = 250;
/** Defaults of the sysctls the model reads (include/net/tcp.h, TCP_*_RETRIES). */
export const DEFAULT_SYSCTLS = {
  tcp_syn_retries: 6,
  tcp_synack_retries: 5,
  tcp_retries2: 15,
  /** net/ipv4/tcp_ipv4.c tcp_sk_init(), 6.5+: sysctl_tcp_syn_linear_timeouts = 4. */
  tcp_syn_linear_timeouts: 4,
  /** net/ipv4/tcp_timer.c: sysctl_tcp_orphan_retries defaults to 0 ("8 while alive", tcp_orphan_retries()). */
  tcp_orphan_retries: 0,
  /** include/net/tcp.h: TCP_FIN_TIMEOUT = TCP_TIMEWAIT_LEN, the tcp_fin_timeout default (seconds). */
  tcp_fin_timeout: 60,
} as const;

/** A range of kernel versions a change applies to: mainline `since`, plus stable backports. */
export interface VersionRange {
  /** First mainline release that has it, e.g. '5.4'. */
  since: string;
  /** Stable series that got it earlier by backport: { '4.19': '4.19.77' }. */
  backports?: Record<string, string>;
  /** First version that no longer has it (for regressions), per series or mainline. */
  until?: { mainline?: string; series?: Record<string, string | null> };
}

export interface KernelChange {
  /** Key used by factsFor(). */
  key: FactKey;
  change: string;
  commit: string;
  range: VersionRange;
  /** What an experiment sees. */
  effect: string;
  /** Where this entry was checked, or why it is not. */
  read: string;
}

export type FactKey =
  | 'nonCascadingWheel'
  | 'rtoClampedToUserTimeout'
  | 'synSentHonoursUserTimeout'
  | 'synSentRtoBaseRegression'
  | 'zeroWindowUserTimeout'
  | 'zeroWindowProbeClamp'
  | 'synLinearTimeouts'
  | 'rtoMaxSettable'
  | 'probe0AbortOffByOneFixed'
  | 'probe0UserTimeoutModelled'
  | 'probe0UserTimeoutStamp'
  | 'rtoMinSysctl'
  | 'tlpTimeoutMinUs'
  | 'skbDeferFreePerCpu'
  | 'synSentQuickRetryAfterBadAck';

export const KERNEL_CHANGES: readonly KernelChange[] = [
  {
    key: 'nonCascadingWheel',
    change: 'Timer wheel without cascading: expiry rounded up to the level granule',
    commit: '500462a9de65 (timers: Switch to a non-cascading wheel)',
    range: { since: '4.8' },
    effect: 'Each TCP timer fires up to one granule (1, 8, 64, 512 … jiffies) late, never early.',
    read: 'kernel/time/timer.c calc_index()/calc_wheel_index(), v6.x.',
  },
  {
    key: 'rtoClampedToUserTimeout',
    change: 'RTO clamped to the remaining user timeout (tcp_clamp_rto_to_user_timeout)',
    commit: 'b701a99e431d',
    range: { since: '4.19' },
    effect: 'Data retransmission aborts at the user timeout, not at the next backoff.',
    read:
      'net/ipv4/tcp_timer.c has tcp_clamp_rto_to_user_timeout() in a 5.1-5.3 era torvalds/linux snapshot ' +
      '(01a523b0) and in a late 4.19 stable tree; the exact first release (4.19) is still from the notes (unverified).',
  },
  {
    key: 'synSentHonoursUserTimeout',
    change: 'SYN-SENT takes TCP_USER_TIMEOUT into account',
    commit: 'a41e8a88b06e',
    range: { since: '5.4', backports: { '4.19': '4.19.77' } },
    effect: 'connect() with a 5 s user timeout fails at 5 s instead of a burst of SYNs at 5.0 s.',
    read:
      'tcp_write_timeout(): absent in the 5.1-5.3 snapshot (SYN states only count retransmits), present ' +
      '(`if (!expired) expired = retransmits_timed_out(sk, retry_until, icsk_user_timeout)`) in 6.1 and 6.5+.',
  },
  {
    key: 'synSentRtoBaseRegression',
    change: 'retransmits_timed_out() used TCP_RTO_MIN as rto_base in SYN states',
    commit: 'a41e8a88b06e (bug), fixed by 3256a2d6ab1f',
    range: {
      since: '5.4',
      backports: { '4.19': '4.19.77' },
      // Assumed: the fix landed before v5.4 final (both commits are from the 5.4 cycle,
      // Sep/Oct 2019; not checked against the v5.4 tag). The notes say 4.19 stable got
      // it only in late 2021 without a patch level, so 4.19 is treated as affected
      // from .77 on; a late 4.19 stable tree read here does have the fix.
      until: { mainline: '5.4', series: { '4.19': null } },
    },
    effect:
      'SYN-SENT gives up once (2^(syn_retries+1)-1)*0.2 s have passed: after 4 retries, about 31 s, instead of 6.',
    read:
      'Fixed form read in 6.1 and a late 4.19 stable tree: `if (SYN_SENT|SYN_RECV) rto_base = tcp_timeout_init(sk)`. ' +
      'The 4.19 patch level of the fix is unknown (notes: late 2021).',
  },
  {
    key: 'zeroWindowUserTimeout',
    change: 'TCP_USER_TIMEOUT honoured under a zero window',
    commit: '9d9b1ee0b2d1',
    range: { since: '5.11', backports: { '5.10': '5.10.0', '5.4': '5.4.0' } },
    effect: 'Before it (regression since 5.1) the user timeout never fired while probes were answered with win 0.',
    read: 'From the notes; the stable patch levels are not given there (treated as the whole series).',
  },
  {
    key: 'zeroWindowProbeClamp',
    change: 'Zero-window probe timer clamped to the user timeout (tcp_clamp_probe0_to_user_timeout)',
    commit: '344db93ae3ee',
    range: { since: '5.11', backports: { '5.10': '5.10.13', '5.4': '5.4.96' } },
    effect: 'The abort comes at about the user timeout instead of at the next probe (60 s became 107.5 s before).',
    read:
      'tcp_clamp_probe0_to_user_timeout() present in 6.1 and 6.5+ tcp_timer.c. Stable: "[PATCH 5.10 141/142]" ' +
      '(2 Feb 2021, 5.10.13) and "[PATCH 5.4 08/32]" (5 Feb 2021, 5.4.96; patch level inferred from the date).',
  },
  {
    key: 'synLinearTimeouts',
    change: 'First SYN RTOs linear: sysctl tcp_syn_linear_timeouts (default 4)',
    commit: 'ccce324dabfe',
    range: { since: '6.5' },
    effect: 'SYNs at 0,1,2,3,4,5,7,11,19,35,67 s; connect fails at 131 s instead of 127 s.',
    read:
      'tcp_write_timeout()/tcp_retransmit_timer(), 6.5+ tcp_timer.c: max_retransmits = syn_retries + ' +
      'linear_timeouts in SYN_SENT; rto doubles only once icsk_backoff > linear_timeouts. ' +
      'Measured on 6.18.44 (test-syn-sent, defaults): 10 SYN retransmissions at 1, 2, 3, 4, 5, 7, 11.2, 19.4, 35.6, ' +
      '69.4 s and ETIMEDOUT at 134.9 s (131 s nominal plus timer-wheel lateness). The time bound ' +
      'tcp_model_timeout(retry_until, 1 s) still uses retry_until alone: tcp_syn_retries 2 gives 5 retransmissions ' +
      'and ETIMEDOUT at 7 s, not 6 (measured).',
  },
  {
    key: 'rtoMaxSettable',
    change: 'Maximum RTO settable: TCP_RTO_MAX_MS / tcp_rto_max_ms',
    commit: '54a378f43425, 1280c26228bd',
    range: { since: '6.15' },
    effect: 'With a smaller RTO_MAX the 924.6 s figure changes.',
    read: 'From the notes.',
  },
  {
    key: 'probe0AbortOffByOneFixed',
    change: 'tcp_probe_timer() aborts when icsk_probes_out >= max_probes (was >)',
    commit: '3976535af0cb (tcp: fix off-by-one bug on aborting window-probing socket)',
    range: { since: '4.20', backports: { '4.19': '4.19.89', '4.14': '4.14.159' } },
    effect:
      'A window-probing socket dies at the firing after probe tcp_retries2 (15 probes, then ETIMEDOUT) instead of ' +
      'after one more probe.',
    read:
      'Stable patches "[PATCH 4.19 155/243]" (4.19.89-stable review, Dec 2019) and "[PATCH 4.14 092/267]" (Dec 2019; ' +
      '4.14.159 inferred from the date): `-if (icsk_probes_out > max_probes)` `+if (... >= max_probes)`. The `>=` form ' +
      'is in the Jan 2019 torvalds/linux snapshot 01a523b0 and in a 4.19.325 tree; mainline 4.20 is inferred (4.19 ' +
      'final still had `>`, since 4.19 stable needed the backport).',
  },
  {
    key: 'probe0UserTimeoutModelled',
    change:
      'tcp_probe_timer() judges TCP_USER_TIMEOUT by tcp_model_timeout(icsk_probes_out, tcp_probe0_base) ' +
      'instead of the unsent head skb\'s timestamp (a regression)',
    commit: '9721e709fa68 (tcp: simplify window probe aborting on USER_TIMEOUT), fixed by 9d9b1ee0b2d1',
    range: {
      since: '5.1',
      until: { mainline: '5.11', series: { '5.10': '5.10.12', '5.4': '5.4.93' } },
    },
    effect:
      'icsk_probes_out is reset by every ACK, so while the peer answers the probes with a zero window the user ' +
      'timeout never fires; with unanswered probes it fires once the modelled backoff time reaches it.',
    read:
      'The removed lines of 9d9b1ee0b2d1 as backported to 5.4 ("[PATCH 5.4 86/86]", 25 Jan 2021 = 5.4.93) show this form; ' +
      'Neal Cardwell on netdev (Jan 2021): the bug came with 9721e709fa68 in 5.1, so 5.4 and 5.10 LTS need the fix. ' +
      'The 5.10 patch level (5.10.12) is inferred from the stable queue push of 27 Jan 2021, not from a review mail.',
  },
  {
    key: 'probe0UserTimeoutStamp',
    change: 'TCP_USER_TIMEOUT under a zero window timed from icsk_probes_tstamp (first unanswered probe timer firing)',
    commit: '9d9b1ee0b2d1 (tcp: fix TCP_USER_TIMEOUT with zero window)',
    range: { since: '5.11', backports: { '5.10': '5.10.12', '5.4': '5.4.93' } },
    effect:
      'The user timeout runs from the first probe timer firing and is only reset by an ACK that opens the window; ' +
      'answered zero-window probes no longer keep the socket alive past it.',
    read:
      'Patch text (netdev v2, 15 Jan 2021; 5.4 backport 5.4.93): `if (!icsk_probes_tstamp) icsk_probes_tstamp = ' +
      'tcp_jiffies32; else if (user_timeout && now - icsk_probes_tstamp >= msecs_to_jiffies(user_timeout)) goto abort;`. ' +
      'Same form in the 6.5-6.6 torvalds/linux snapshot 602bf183. Before 5.1 (4.19 stable, read in 4.19.325) the check ' +
      'used the unsent head skb\'s timestamp, set at the first firing: same behaviour, strict `>` in ms. ' +
      'Finer than the older zeroWindowUserTimeout entry (which treats 5.4.0 and 5.10.0 as fixed and 4.19 as broken).',
  },
  {
    key: 'rtoMinSysctl',
    change: 'sysctl net.ipv4.tcp_rto_min_us: the default minimum RTO (and RTTVAR floor) of new sockets',
    commit: 'f086edef71be (tcp: add sysctl_tcp_rto_min_us)',
    range: { since: '6.11' },
    effect: 'RTO = srtt + max(4*rttvar, rto_min) can go below srtt + 200 ms when the sysctl is lowered.',
    read: 'Commit message quoted on netdev (Kevin Yang, 3 Jun 2024, net-next for 6.11); tcp_rtt_estimator() floors rttvar_us at tcp_rto_min_us(sk).',
  },
  {
    key: 'tlpTimeoutMinUs',
    change: 'Loss probe timeout floor in microseconds: PTO = usecs_to_jiffies(2*srtt + 2 ms) with several packets out (was + 2 jiffies)',
    commit: '1c2709cfff1d (tcp: fix excessive TLP and RACK timeouts from HZ rounding)',
    range: { since: '6.6', backports: { '4.19': '4.19.297', '5.10': '5.10.199', '5.15': '5.15.137', '6.1': '6.1.60' } },
    effect:
      'At HZ=250 on loopback a probe with several segments out comes 1 jiffy after 2*srtt instead of 3 (measured on 6.18: 6.4 ms after the ' +
      'last of six NODELAY writes). With one segment out nothing changes (2*srtt + 200 ms rounds to the same jiffy).',
    read:
      'Patch "[PATCH net] tcp: fix excessive TLP and RACK timeouts from HZ rounding" (Neal Cardwell, 15 Oct 2023), merged for 6.6-rc7; ' +
      '"[PATCH 4.19 57/98]" stable review of 23 Oct 2023 (4.19.297 inferred from the date). Same stable batch: 5.15.137 and 6.1.60-rc1 ' +
      '(stable-rc logs list it), 5.10.199-rc1 (review thread of the same day; the patch mail itself not read). Measured by the kernel ' +
      'matrix: Debian 5.10.223 and 6.1.176 sent the probe 5.0-7.0 ms after the last NODELAY write, which only the new formula allows ' +
      '(the old 3 jiffies would be 8-12 ms).',
  },
  {
    key: 'skbDeferFreePerCpu',
    change:
      'A read skb is freed on the CPU that allocated it (skb_attempt_defer_free(): queued on that CPU\'s defer list, ' +
      'freed at its next NET_RX softirq), not by the reader',
    commit: '68822bdf76f1 (net: generalize skb freeing deferral to per-cpu lists)',
    range: { since: '5.19' },
    effect:
      'On loopback the receiver\'s skb is the sender\'s clone: after a read on another CPU the first RTO may still find ' +
      'it cloned and resend the first write alone (test-read-noack). Before 5.19 the read frees it before read() returns: ' +
      'the next retransmission is merged.',
    read:
      'Before: sk_eat_skb() → __kfree_skb() in tcp_recvmsg() (4.19, 5.10, 5.15); 5.17-5.18 (f35f821935d8, "tcp: defer skb ' +
      'freeing after socket lock is released") queue it on sk->defer_list, flushed by sk_defer_free_flush(sk) right after ' +
      'release_sock() in tcp_recvmsg(), still before read() returns. 68822bdf76f1 (5.19) removes sk_defer_free_flush() and ' +
      'adds skb_attempt_defer_free() (net/core/skbuff.c) and skb_defer_free_flush() in net_rx_action(); tcp_eat_recv_skb() ' +
      'calls it. Feature work: not backported to 5.10/5.15 stable.',
  },
  {
    key: 'synSentQuickRetryAfterBadAck',
    change:
      'SYN-SENT: an ACK outside (snd_una, snd_nxt] re-arms the retransmission timer to TCP_TIMEOUT_MIN (2 jiffies) while ' +
      'no SYN was retransmitted yet, before the RST (tcp: Reduce SYN resend delay if a suspicous ACK is received)',
    commit: '9603d47bad46',
    range: { since: '5.6' },
    effect:
      'A SYN answered by a stale socket\'s challenge ACK (close-wait-trap) is resent 2 jiffies after it, so connect() ' +
      'succeeds in milliseconds; before, the SYN waited for its 1 s RTO.',
    read:
      'Patch v3 (SeongJae Park, netdev, 2 Feb 2020, based on v5.5, Reviewed-by Eric Dumazet; TCP_TIMEOUT_MIN at Neal ' +
      'Cardwell\'s request) and the same branch in the 5.19/6.x drop-reason patches of tcp_rcv_synsent_state_process(): ' +
      '`if (icsk->icsk_retransmits == 0) inet_csk_reset_xmit_timer(sk, ICSK_TIME_RETRANS, TCP_TIMEOUT_MIN, TCP_RTO_MAX); ' +
      'goto reset_and_undo;`. First release 5.6 inferred from the commit date (2 Feb 2020, the 5.6 merge window); stable ' +
      'backports not checked. Measured on 6.18.44 (HZ=250, close-wait-trap, 6 fast and 1 real-length netns runs, 1 docker): ' +
      'the SYN again 8.4-15.2 ms after the challenge ACK, connect() returning 8.6-15.5 ms after the first SYN.',
  },
];

function inRange(v: KernelVersion, r: VersionRange): boolean {
  let has = atLeast(v, r.since);
  for (const [series, first] of Object.entries(r.backports ?? {})) {
    if (inSeries(v, series) && atLeast(v, first)) has = true;
  }
  if (!has) return false;
  const u = r.until;
  if (!u) return true;
  for (const [series, fixed] of Object.entries(u.series ?? {})) {
    if (inSeries(v, series)) return fixed === null || compareVersions(v, fixed) < 0;
  }
  return u.mainline === undefined || compareVersions(v, u.mainline) < 0;
}

export type KernelFacts = Record<FactKey, boolean> & {
  /** The parsed version the facts are for. */
  version: KernelVersion;
};

/** Every version-dependent fact the model uses, for one kernel (`uname -r`, or a kernel-ref.ts `{ release, hz }`). */
export function factsFor(kernel: string | KernelVersion | { release: string }): KernelFacts {
  const v = typeof kernel === 'string' ? parseKernelVersion(kernel) : 'release' in kernel ? parseKernelVersion(kernel.release) : kernel;
  const facts = { version: v } as KernelFacts;
  for (const c of KERNEL_CHANGES) facts[c.key] = inRange(v, c.range);
  return facts;
}

/** The table entries that hold for this kernel, for a report's "why" column. */
export function changesFor(kernel: string | KernelVersion | { release: string }): KernelChange[] {
  const f = factsFor(kernel);
  return KERNEL_CHANGES.filter((c) => f[c.key]);
}
