// CONFIG_HZ of the kernel a sandbox runs on: a fact of that kernel, read, not assumed.
//
// In order:
// 1. config: the kernel's build config, read inside the sandbox
//    (`/boot/config-$(uname -r)`, else `/proc/config.gz` when CONFIG_IKCONFIG_PROC),
//    else on this machine when the sandbox shares its kernel (netns, docker: same
//    `uname -r`), else the config the vm backend keeps beside a guest kernel
//    (~/.cache/tcplab/kernels/<label>/config, from the Debian package's /boot); the
//    files and how they are read are kernel-config.ts's.
// 2. measured: the RTO of a fresh loopback connection, inside the sandbox. Not
//    `getconf CLK_TCK`: that is USER_HZ, fixed at 100 for the times(2) ABI whatever
//    CONFIG_HZ is. The RTO is: tcp_rtt_estimator()'s first sample sets srtt = m and
//    rttvar = max(2m, TCP_RTO_MIN), and __tcp_set_rto() gives icsk_rto =
//    usecs_to_jiffies(m + 200 ms) (net/ipv4/tcp_input.c, 4.x-6.x), which ss -i shows
//    as `rto:` (tcpi_rto, jiffies_to_usecs). 200 ms is whole jiffies at HZ 100, 250,
//    300 and 1000, so rto is 200 ms plus ceil(m) jiffies: with a loopback m of tens
//    of microseconds, 201 ms at HZ=1000, 203.333 at 300, 204 at 250, 210 at 100.
//    The HZ whose rounding of (200 ms + ss's `rtt:`) gives the `rto:` seen is taken,
//    if exactly one does (a slow guest's m of several ms can make 250 and 1000 agree).
// 3. assumed: DEFAULT_HZ (250), with a warning.
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_HZ } from '../model/kernel-facts.ts';
import { KNOWN_HZ, type HzSource } from '../model/kernel-ref.ts';
import { hostConfigFiles, readConfigFile } from './kernel-config.ts';
import type { Sandbox } from './sandbox.ts';

export interface KernelHz {
  hz: number;
  source: HzSource;
  /** Where it came from, in words (a file, the measured rto, why it is assumed). */
  detail: string;
}

/** CONFIG_HZ=N from a kernel config's text, or undefined. */
export function configHz(text: string): number | undefined {
  const m = /^CONFIG_HZ=(\d+)\s*$/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The jiffies TCP arms for `s` seconds: usecs_to_jiffies() rounds up. */
function jiffiesUp(s: number, hz: number): number {
  return Math.ceil(s * hz - 1e-6);
}

/**
 * The HZ that explains an `ss -i` rto of a connection whose only RTT sample is `rtt_ms`
 * (see the head of this file), or undefined when none or several do.
 */
export function hzFromRto(rto_ms: number, rtt_ms: number): number | undefined {
  const fits = KNOWN_HZ.filter((hz) => Math.abs((jiffiesUp((200 + rtt_ms) / 1000, hz) * 1000) / hz - rto_ms) < 0.01);
  return fits.length === 1 ? fits[0] : undefined;
}

/** `rto:` and `rtt:` (srtt) of the first socket in `ss -tni` output. */
export function parseSsRto(text: string): { rto_ms: number; rtt_ms: number } | undefined {
  const rto = /\brto:([\d.]+)/.exec(text)?.[1];
  const rtt = /\brtt:([\d.]+)\//.exec(text)?.[1];
  return rto && rtt ? { rto_ms: Number(rto), rtt_ms: Number(rtt) } : undefined;
}

// Prints the config, if the kernel has one where it is looked for.
const CONFIG_SCRIPT = 'cat "/boot/config-$(uname -r)" 2>/dev/null || zcat /proc/config.gz 2>/dev/null || true';

// One loopback connection, then ss -tni on its client end (run with the sandbox's node).
const MEASURE_SCRIPT = `
const net = require('node:net');
const { execFileSync } = require('node:child_process');
const server = net.createServer(() => {}).listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => {
    setTimeout(() => {
      try { process.stdout.write(execFileSync('ss', ['-tniH', 'src', '127.0.0.1:' + c.localPort]).toString().replace(/\\s+/g, ' ') + '\\n'); }
      finally { c.destroy(); server.close(); }
    }, 20);
  });
});`;

async function linesInside(sandbox: Sandbox, command: readonly string[]): Promise<string> {
  const lines: string[] = [];
  const r = await sandbox.exec(command, { timeoutMs: 15_000, onLine: (l) => lines.push(l) });
  return r.exitCode === 0 ? lines.join('\n') : '';
}

/** Host-side config files that describe the sandbox's kernel. */
export function hostConfigCandidates(sandbox: Pick<Sandbox, 'backend' | 'kernel'>, guestVmlinuz?: string, hostRelease = os.release()): string[] {
  if (sandbox.backend === 'vm') {
    if (!guestVmlinuz) return [];
    const dir = path.dirname(guestVmlinuz);
    // A cached Debian kernel keeps its package's config beside vmlinuz; a kernel built
    // by hand is usually arch/x86/boot/bzImage under the tree with its .config.
    return [path.join(dir, 'config'), path.join(dir, `config-${sandbox.kernel}`), path.resolve(dir, '../../../.config'), `/boot/config-${sandbox.kernel}`];
  }
  // netns and docker run on this machine's kernel (a Docker engine in a VM does not).
  return sandbox.kernel === hostRelease ? hostConfigFiles(hostRelease) : [];
}

/** CONFIG_HZ of this machine's kernel from its config, when readable (for `predict`'s default). */
export function thisMachineHz(): KernelHz | undefined {
  return fromConfigFiles(hostConfigFiles());
}

function fromConfigFiles(files: readonly string[]): KernelHz | undefined {
  for (const file of files) {
    const text = readConfigFile(file);
    const hz = text === undefined ? undefined : configHz(text);
    if (hz !== undefined) return { hz, source: 'config', detail: `CONFIG_HZ in ${file}` };
  }
  return undefined;
}

const cache = new Map<string, Promise<KernelHz>>();

/**
 * CONFIG_HZ of the sandbox's kernel: from its config, else measured inside it, else
 * assumed. Worked out once per backend and kernel in a process. `warn` hears the assumption.
 */
export function sandboxHz(sandbox: Sandbox, opts: { guestVmlinuz?: string; warn?: (line: string) => void } = {}): Promise<KernelHz> {
  const key = `${sandbox.backend}\0${sandbox.kernel}\0${opts.guestVmlinuz ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    found = detect(sandbox, opts);
    cache.set(key, found);
  }
  return found;
}

async function detect(sandbox: Sandbox, opts: { guestVmlinuz?: string; warn?: (line: string) => void }): Promise<KernelHz> {
  const inside = configHz(await linesInside(sandbox, ['sh', '-c', CONFIG_SCRIPT]).catch(() => ''));
  if (inside !== undefined) return { hz: inside, source: 'config', detail: 'CONFIG_HZ of the kernel config read inside the sandbox' };
  const onHost = fromConfigFiles(hostConfigCandidates(sandbox, opts.guestVmlinuz));
  if (onHost) return onHost;
  for (let attempt = 0; attempt < 3; attempt++) {
    const ss = parseSsRto(await linesInside(sandbox, [process.execPath, '-e', MEASURE_SCRIPT]).catch(() => ''));
    const hz = ss && hzFromRto(ss.rto_ms, ss.rtt_ms);
    if (ss && hz) return { hz, source: 'measured', detail: `a fresh loopback connection's rto:${ss.rto_ms} with rtt:${ss.rtt_ms} (ms) is 200 ms + rtt rounded up to jiffies of HZ=${hz}` };
  }
  const detail = `no kernel config readable and the loopback RTO did not tell; HZ=${DEFAULT_HZ} assumed (Debian's)`;
  opts.warn?.(`tcplab: ${sandbox.kernel}: ${detail}: timer windows may be off`);
  return { hz: DEFAULT_HZ, source: 'assumed', detail };
}

/** For tests: forget what was worked out. */
export function forgetSandboxHz(): void {
  cache.clear();
}
