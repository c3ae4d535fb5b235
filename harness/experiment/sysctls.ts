// Sysctls an experiment pins that not every kernel has. tcp_syn_linear_timeouts
// exists from 6.5 on: pinning it must work on 6.18 and be skipped on 6.1, where
// the model ignores it too (kernel-facts.ts synLinearTimeouts). Such a key is
// written with a trailing '?', e.g.
//   sysctls: (p) => ({ 'net.ipv4.tcp_syn_retries': p.tcp_syn_retries,
//                      [optionalSysctl('net.ipv4.tcp_syn_linear_timeouts')]: p.tcp_syn_linear_timeouts })
// and resolved once, before the sandbox is made (sandbox/lifecycle.ts): backends
// only ever see plain names. A plain key stays required: a kernel without it fails
// the run with the sandbox's own message.

const MARK = '?';

/** Mark a sysctl as optional: set where the kernel has it, skipped where it does not. */
export function optionalSysctl(name: string): string {
  return name.endsWith(MARK) ? name : name + MARK;
}

export function parseSysctlKey(key: string): { name: string; optional: boolean } {
  return key.endsWith(MARK) ? { name: key.slice(0, -MARK.length), optional: true } : { name: key, optional: false };
}

export interface ResolvedSysctls {
  /** Plain names and values to set. */
  sysctls: Record<string, number>;
  /** Optional ones this kernel does not have. */
  skipped: string[];
}

/** Drop the optional sysctls `has` says the kernel lacks; strip the marks. */
export function resolveSysctls(requested: Record<string, number>, has: (name: string) => boolean): ResolvedSysctls {
  const sysctls: Record<string, number> = {};
  const skipped: string[] = [];
  for (const [key, value] of Object.entries(requested)) {
    const { name, optional } = parseSysctlKey(key);
    if (optional && !has(name)) skipped.push(name);
    else sysctls[name] = value;
  }
  return { sysctls, skipped };
}

/** /proc/sys path of a dotted sysctl name. */
export function procSysPath(name: string): string {
  return `/proc/sys/${name.replaceAll('.', '/')}`;
}
