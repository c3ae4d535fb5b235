// What a run must never change on the machine it runs on: the firewall
// (iptables and ip6tables), the net.* sysctls, the list of network namespaces
// and the interfaces. Every rule and sysctl an experiment sets lives in its own
// namespace or container; this is how tests check that it stayed there.
import { execa } from 'execa';

export type HostState = Record<'iptables' | 'ip6tables' | 'sysctls' | 'netns' | 'links', string>;

async function out(cmd: string, args: readonly string[]): Promise<string> {
  const r = await execa(cmd, args, { reject: false });
  return r.exitCode === 0 ? r.stdout : `(${cmd} failed: ${r.stderr.trim()})`;
}

/** Counters and timestamps change on their own; they are not state. */
export function normaliseRules(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, '[*]'))
    .join('\n');
}

/** Interfaces by name, flags and settings, without the index (reused) or carrier state. */
export function normaliseLinks(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^\d+:\s*/, '').replace(/\bstate \S+ /, '').replace(/<[^>]*>/, (flags) => `<${flags.slice(1, -1).split(',').filter((f) => f !== 'NO-CARRIER' && f !== 'LOWER_UP').join(',')}>`))
    .sort()
    .join('\n');
}

/** Sysctls that count things (entries in use, not settings). */
const COUNTERS = /^net\.netfilter\.nf_conntrack_count\b/;

export async function hostState(): Promise<HostState> {
  const sysctls = await out('sysctl', ['-a', '--pattern', '^net\\.']);
  return {
    iptables: normaliseRules(await out('iptables-save', [])),
    ip6tables: normaliseRules(await out('ip6tables-save', [])),
    sysctls: sysctls.split('\n').filter((l) => !COUNTERS.test(l)).join('\n'),
    netns: (await out('ip', ['netns', 'list'])).split('\n').sort().join('\n'),
    links: normaliseLinks(await out('ip', ['-o', 'link'])),
  };
}

/** The lines that differ, per part: empty when nothing changed. */
export function changes(before: HostState, after: HostState): string[] {
  const diffs: string[] = [];
  for (const key of Object.keys(before) as (keyof HostState)[]) {
    const a = new Set(before[key].split('\n'));
    const b = new Set(after[key].split('\n'));
    for (const l of a) if (!b.has(l)) diffs.push(`${key}: - ${l}`);
    for (const l of b) if (!a.has(l)) diffs.push(`${key}: + ${l}`);
  }
  return diffs;
}
