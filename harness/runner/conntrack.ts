// A stateful firewall in the sandbox: conntrack's TCP sysctls of the sandbox's own
// namespace, and the rule that drops what conntrack does not call ESTABLISHED.
//
// The sandbox sets the sysctls at creation where the kernel shows them (netns,
// docker: conntrack built in). Where conntrack is a module (Debian's kernels in a
// guest) they appear only once the first `-m conntrack` rule loads it, with the
// kernel's defaults (tcp_loose 1, established 5 days): they are written here then,
// in this namespace only.
import fs from 'node:fs';
import { procSysPath } from '../experiment/sysctls.ts';
import { assertNamespacedSysctl } from '../sandbox/sandbox.ts';
import { assertInsideSandbox, type Firewall, type FirewallRule } from './firewall.ts';

export type ConntrackResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** What the kernel must have, as catalogue skips name it (experiments/expected-skips.ts). */
export const CONNTRACK_CONFIG = ['CONFIG_NF_CONNTRACK', 'CONFIG_NETFILTER_XT_MATCH_CONNTRACK'] as const;

/**
 * Drop every packet to `port` that is neither a connection's SYN nor one conntrack
 * places in ESTABLISHED or RELATED (-m conntrack ! --ctstate ESTABLISHED,RELATED ! --syn).
 * Not ok when iptables cannot load the conntrack match (a kernel without it).
 */
export async function dropUnlessEstablished(firewall: Firewall, port: number): Promise<ConntrackResult<FirewallRule>> {
  try {
    return { ok: true, value: await firewall.drop({ toPort: port, notSyn: true, unlessCtstate: 'ESTABLISHED,RELATED' }) };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { ok: false, reason: `iptables -m conntrack failed: ${(e.stderr || e.message).trim().split('\n')[0]}` };
  }
}

/**
 * Make this namespace's conntrack sysctls read as `wanted`, writing those that do not
 * (only per-namespace conntrack TCP knobs, only inside the sandbox). Not ok when the
 * kernel has no such sysctl (no conntrack); throws when a write does not hold.
 */
export function holdConntrackSysctls(wanted: Record<string, number>): ConntrackResult<Record<string, number>> {
  assertInsideSandbox();
  const read: Record<string, number> = {};
  for (const [name, value] of Object.entries(wanted)) {
    assertNamespacedSysctl(name);
    const file = procSysPath(name);
    if (!fs.existsSync(file)) return { ok: false, reason: `${name} does not exist: this kernel has no conntrack` };
    if (Number(fs.readFileSync(file, 'utf8').trim()) !== value) fs.writeFileSync(file, `${value}\n`);
    read[name] = Number(fs.readFileSync(file, 'utf8').trim());
    if (read[name] !== value) throw new Error(`${name} reads ${read[name]} inside the sandbox after writing ${value}`);
  }
  return { ok: true, value: read };
}
