// The skips the catalogue expects, and why. A run may answer `skip` instead of a
// verdict only when its kernel lacks what the experiment needs; the catalogue test
// (catalogue.test.ts) accepts a skip only when it is listed here, its reason says
// so, and the kernel's own build config confirms the feature is missing. Any other
// skip is a failure: an experiment that quietly stopped checking anything.

export interface ExpectedSkip {
  /** experiment:variant */
  form: string;
  /** The kernel config options it needs: the absence of any one (neither =y nor =m) makes the run skip. */
  needs: string | readonly string[];
  /** What the run's reason must say. */
  reason: RegExp;
  why: string;
}

export const EXPECTED_SKIPS: readonly ExpectedSkip[] = [
  {
    form: 'rto-retries2:rtt-400ms',
    needs: 'CONFIG_NET_SCH_NETEM',
    reason: /needs netem/,
    why: 'the 400 ms RTT comes from a netem qdisc on lo; a kernel built without sch_netem (e.g. this project\'s Firecracker host) cannot add it',
  },
  ...['conntrack-half-open', 'conntrack-half-open:keepalive-longer'].map((form) => ({
    form,
    needs: ['CONFIG_NF_CONNTRACK', 'CONFIG_NETFILTER_XT_MATCH_CONNTRACK'],
    reason: /needs conntrack/,
    why: 'the stateful firewall is an iptables -m conntrack rule over conntrack\'s own per-namespace timeouts; a kernel without either has no such firewall to show',
  })),
];

/** Whether kernel config text enables an option (built in or as a module). */
export function configHas(config: string, option: string): boolean {
  return new RegExp(`^${option}=[ym]$`, 'm').test(config);
}

/**
 * Why a skip is acceptable, or why it is not: it must be listed, say what the list
 * says, and the kernel's config (undefined: not readable) must lack the feature.
 */
export function judgeSkip(form: string, reason: string | undefined, config: string | undefined): { ok: boolean; why: string } {
  const listed = EXPECTED_SKIPS.find((s) => s.form === form);
  if (!listed) return { ok: false, why: `${form} skipped (${reason ?? 'no reason'}), but no skip is expected for it (experiments/expected-skips.ts)` };
  if (!reason || !listed.reason.test(reason)) return { ok: false, why: `${form} skipped for '${reason ?? ''}', not for what the list expects (${listed.reason})` };
  const needs = typeof listed.needs === 'string' ? [listed.needs] : listed.needs;
  if (config === undefined) return { ok: false, why: `${form} skipped, and this kernel's config cannot be read to confirm it lacks ${needs.join(' or ')}` };
  if (needs.every((option) => configHas(config, option))) return { ok: false, why: `${form} skipped, but this kernel has ${needs.join(' and ')}: it should have run` };
  return { ok: true, why: listed.why };
}
