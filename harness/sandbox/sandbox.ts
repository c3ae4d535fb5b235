// One interface, several backends (docker, netns, vm). The lifecycle is
// testcontainers-like: create → exec → destroy, and destroy always happens
// (see lifecycle.ts). base-sandbox.ts is the part every backend's sandbox shares.

export type BackendName = 'netns' | 'docker' | 'vm';

export interface SandboxSpec {
  /** Human part of the name: the experiment id. */
  label: string;
  /** TCP sysctls to set in the sandbox's own namespace (never the host's). */
  sysctls: Record<string, number>;
  /** The project checkout, visible inside (read-only where the backend allows). */
  projectDir: string;
  /** The run folder, writable inside at the same path. */
  runDir: string;
  /**
   * docker only, opt-in (`--privileged`), never the default: a privileged
   * container instead of CAP_NET_ADMIN + CAP_NET_RAW. Other backends ignore it.
   */
  privileged?: boolean;
}

export interface ExecOptions {
  /** Kill the command after this long. */
  timeoutMs: number;
  /** Called for each line the command prints on stdout. */
  onLine?: (line: string) => void;
  env?: Record<string, string>;
}

export interface ExecResult {
  exitCode: number | undefined;
  stderr: string;
  timedOut: boolean;
  /** Killed by a signal (e.g. SIGINT on Ctrl-C). */
  signal?: string;
}

export interface Sandbox {
  readonly backend: BackendName;
  /** The namespace/container name, which starts with "tcplab". */
  readonly name: string;
  /** `uname -r` as seen inside. */
  readonly kernel: string;
  /** The release the model reads, when `uname -r` hides the patch level (model/kernel-version.ts modelRelease). */
  readonly kernelVersion?: string;
  /** Every TCP sysctl the model cares about, read back inside after setup. */
  readonly sysctls: Record<string, string>;
  exec(command: readonly string[], options: ExecOptions): Promise<ExecResult>;
  /** Idempotent; kills everything still running inside. */
  destroy(): Promise<void>;
}

export interface Backend {
  readonly name: BackendName;
  /** null when usable here; otherwise why not and what to do. */
  unavailable(): Promise<string | null>;
  create(spec: SandboxSpec): Promise<Sandbox>;
  /** Remove sandboxes that earlier runs left behind; returns their names. */
  cleanupLeftovers(): Promise<string[]>;
  /**
   * Whether the sandbox's kernel has this sysctl, for optional ones
   * (experiment/sysctls.ts). Absent: the host's /proc/sys answers, which is
   * right for backends on the host's kernel (netns, docker); a vm answers for its own.
   */
  hasSysctl?(name: string): boolean;
  /** Release what the backend holds for the whole invocation (a vm's guest). */
  close?(): Promise<void>;
  /** At most this many runs at once, whatever --parallel says (a one-CPU guest). */
  readonly parallelLimit?: number;
}

/** The TCP timer sysctls every kernel tcplab models has (per network namespace since 4.x). */
export const TIMER_SYSCTLS = [
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_retries1',
  'net.ipv4.tcp_retries2',
  'net.ipv4.tcp_syn_retries',
  'net.ipv4.tcp_synack_retries',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_orphan_retries',
] as const;

/** Sysctls read back into result.json, whether or not the experiment pins them (some only on newer kernels). */
export const RECORDED_SYSCTLS = [
  ...TIMER_SYSCTLS,
  'net.ipv4.tcp_early_retrans',
  'net.ipv4.tcp_syn_linear_timeouts',
  'net.ipv4.tcp_rto_max_ms',
  // Present only where conntrack is (built in, or its module loaded): conntrack-half-open.
  'net.netfilter.nf_conntrack_tcp_loose',
  'net.netfilter.nf_conntrack_tcp_timeout_established',
  'net.ipv4.tcp_congestion_control',
] as const;

/**
 * Only per-network-namespace TCP knobs may be set: anything else would change
 * the host. tcp_mem is the one net.ipv4.tcp_* sysctl that is still global. The
 * conntrack TCP knobs live in struct nf_tcp_net, one per namespace
 * (nf_conntrack_standalone_init_tcp_sysctl() points them at nf_tcp_pernet(net),
 * read in 6.1); nf_conntrack_max and _buckets, which are global, are not among them.
 */
export function assertNamespacedSysctl(name: string): void {
  const tcp = /^net\.ipv4\.tcp_[a-z0-9_]+$/.test(name) && name !== 'net.ipv4.tcp_mem';
  const conntrackTcp = /^net\.netfilter\.nf_conntrack_tcp_(loose|be_liberal|max_retrans|ignore_invalid_rst|timeout_[a-z_]+)$/.test(name);
  if (!tcp && !conntrackTcp) {
    throw new Error(`refusing to set ${name}: only per-namespace net.ipv4.tcp_* and net.netfilter.nf_conntrack_tcp_* sysctls are allowed`);
  }
}
