// The RTO a connection starts its backoff from, predicted from a measured RTT.
//
// Read: net/ipv4/tcp_input.c tcp_rtt_estimator() and tcp_set_rto(), include/net/tcp.h
// __tcp_set_rto() and tcp_bound_rto(), in 4.19-era, 5.x and 6.x copies (the same
// arithmetic throughout; 6.15 bounds by tcp_rto_max(sk), patch 54a378f43425):
//
//   first sample m:   srtt_us = m << 3;  mdev_us = m << 1;            /* "rto = 3*rtt" */
//                     rttvar_us = max(mdev_us, tcp_rto_min_us(sk));
//   later samples:    srtt += (m - srtt/8); mdev_us tracks 4 * mean deviation;
//                     rttvar_us = max over the last window of mdev_us, decaying towards
//                     it, never below tcp_rto_min_us(sk) (mdev_max_us restarts at it)
//   tcp_set_rto():    icsk_rto = usecs_to_jiffies((srtt_us >> 3) + rttvar_us);
//                     tcp_bound_rto(): icsk_rto = min(icsk_rto, RTO_MAX)
//
// The kernel keeps mdev_us and rttvar_us at 4x the RFC 6298 RTTVAR, so in RFC terms
// RTO = SRTT + max(4 * RTTVAR, rto_min), rounded UP to whole jiffies. TCP_INFO reports
// tcpi_rtt = srtt_us >> 3 and tcpi_rttvar = mdev_us >> 2 (the current RFC RTTVAR, not
// the windowed maximum the RTO uses), so this is exact after the first sample and an
// estimate in steady state; tcpi_rto is the kernel's own answer. rto_min is 200 ms
// (TCP_RTO_MIN) unless lowered by the route's rto_min, TCP_BPF_RTO_MIN, the
// tcp_rto_min_us sysctl (6.11+, rtoMinSysctl) or TCP_RTO_MIN_US (6.15+).
// On loopback (srtt ~ 50 us) this gives usecs_to_jiffies(200050 us): 204 ms at HZ=250,
// 201 ms at HZ=1000, 210 ms at HZ=100 - the "0.2 s plus a little" of the notes.

import { TCP_RTO_MAX_S, TCP_RTO_MIN_S } from './kernel-facts.ts';

export interface RtoEstimateParams {
  /** Smoothed RTT (tcpi_rtt), seconds. */
  srtt_s: number;
  /**
   * RFC 6298 RTTVAR (tcpi_rttvar), seconds. Omit for the connection's first RTT sample
   * (the handshake), where the kernel takes RTTVAR = RTT / 2 (mdev_us = 2 * m).
   */
  rttvar_s?: number;
  /** Minimum RTO, seconds (default TCP_RTO_MIN, 0.2). */
  rto_min_s?: number;
  /** Maximum RTO, seconds (default TCP_RTO_MAX, 120; TCP_RTO_MAX_MS from 6.15). */
  rto_max_s?: number;
}

/** usecs_to_jiffies(): rounds up to whole jiffies. */
function usecsToJiffies(us: number, hz: number): number {
  return Math.ceil(us / (1e6 / hz) - 1e-9);
}

/**
 * icsk_rto in seconds (whole jiffies) for a given SRTT/RTTVAR. Mirrors tcp_set_rto() =
 * __tcp_set_rto() + tcp_bound_rto() with rttvar_us from tcp_rtt_estimator(),
 * net/ipv4/tcp_input.c + include/net/tcp.h (4.19, 5.x, 6.x). `hz`: CONFIG_HZ of the
 * kernel (kernel-ref.ts hzOf), whose jiffies the RTO is rounded up to.
 */
export function initialRto(p: RtoEstimateParams, hz: number): number {
  const rttvar_s = p.rttvar_s ?? p.srtt_s / 2;
  const rtoMin_s = p.rto_min_s ?? TCP_RTO_MIN_S;
  const rtoMax_s = p.rto_max_s ?? TCP_RTO_MAX_S;
  if (!(p.srtt_s >= 0 && rttvar_s >= 0 && rtoMin_s > 0 && rtoMax_s > 0)) {
    throw new Error(`initialRto: bad parameters ${JSON.stringify(p)}`);
  }
  const srttUs = Math.round(p.srtt_s * 1e6);
  const rttvarUs = Math.max(Math.round(4 * rttvar_s * 1e6), Math.round(rtoMin_s * 1e6)); // rttvar_us
  const rtoJ = Math.min(usecsToJiffies(srttUs + rttvarUs, hz), Math.round(rtoMax_s * hz));
  return rtoJ / hz;
}
