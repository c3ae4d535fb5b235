// Once per guest, before any experiment: make what runs during a scenario
// independent of the host. A TCG guest's clock jumps to its next timer whenever
// the guest waits (qemu -icount sleep=off, qemu-args.ts), and every open() on the
// 9p root share waits for the host: an `ss` sample measured 380 ms of guest time
// that way instead of a few, and a DROP rule went in late. So:
//   - the tools a scenario starts, their libraries and the files they open
//     (found with strace on the host) are copied up into the overlay's tmpfs
//     layer: setting a file's atime copies it up;
//   - the modules the scenarios load on first use (iptables, netem, ss) are
//     loaded now, not at a scripted moment.
//   - and each thing a scenario does is done once, in a namespace of its own.
// The run folder's writes go to the guest's tmpfs too (runner/work-folder.ts).
//
// Which files to copy up is worked out here, on the host: the guest's root is the
// host's, shared read-only, so the answer is the same, and the host finds it in
// milliseconds. In the guest each ldd, readlink and sed is an exec paged in over 9p,
// one 4 KiB page per round trip on 5.10 (9p reads went through netfs only from 5.15):
// listing the files there took 17.4 s of the 5.10 guest's 29.5 s warm-up.

import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { shellQuote } from '../../shell-quote.ts';
import { NAME_PREFIX } from '../base-sandbox.ts';

/** The guest's PATH, as initramfs-init.sh sets it for the agent. */
export const GUEST_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

/**
 * Started during scenarios: the sampler's shell and ss/netstat, the firewall, netem;
 * and around them, by each sandbox's setup and removal: ip, sysctl, kill, cat, uname.
 */
export const SCENARIO_TOOLS = ['sh', 'nice', 'ss', 'netstat', 'iptables', 'tc', 'tcpdump', 'ip', 'sysctl', 'kill', 'cat', 'uname'] as const;

/** Opened by those tools at run time (besides their libraries), per strace. */
export const SCENARIO_FILES = [
  '/etc/ld.so.cache',
  '/usr/lib/x86_64-linux-gnu/xtables',
  '/usr/lib/locale/C.utf8',
  '/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache',
  '/usr/share/locale/locale.alias',
] as const;

/** Loaded on first use by iptables (nft), its conntrack match, tc netem and ss (diag). */
export const SCENARIO_MODULES = ['nf_tables', 'nft_compat', 'x_tables', 'xt_tcpudp', 'xt_conntrack', 'nf_conntrack', 'sch_netem', 'inet_diag', 'tcp_diag'] as const;

/** What scenarios do, once each: the firewall's rule shapes (runner/firewall.ts), netem, the samplers. */
const REHEARSAL = [
  'ip link set lo up',
  'iptables -w -A INPUT -i lo -p tcp --sport 7000 --tcp-flags ALL ACK -j DROP',
  'iptables -w -A INPUT -i lo -p tcp --dport 7000 ! --syn -m conntrack ! --ctstate ESTABLISHED -j DROP',
  'iptables -w -A INPUT -i lo -p tcp -j DROP',
  'iptables -w -F INPUT',
  'tc qdisc add dev lo root netem delay 1ms && tc qdisc del dev lo root',
  'nice -n 10 sh -c "ss -tanoiOH; netstat -tnao"',
].join('; ');

/** Where `command -v` finds a tool on the guest's PATH, or undefined. */
function onGuestPath(tool: string): string | undefined {
  for (const dir of GUEST_PATH) {
    const p = path.join(dir, tool);
    try {
      if (fs.statSync(p).isFile()) {
        fs.accessSync(p, fs.constants.X_OK);
        return p;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The path and every link on the way (iptables -> /etc/alternatives/iptables -> xtables-nft-multi). */
function withLinks(p: string): string[] {
  const out = [p];
  for (let cur = p, hops = 0; hops < 40; hops++) {
    let target: string;
    try {
      target = fs.readlinkSync(cur);
    } catch {
      break; // not a link (or gone): done
    }
    cur = path.isAbsolute(target) ? target : path.join(path.dirname(cur), target);
    out.push(cur);
  }
  return out;
}

/** The shared libraries ldd names for a binary (none for a static one or a script). */
async function sharedLibraries(binary: string): Promise<string[]> {
  const r = await execa('ldd', [binary], { reject: false });
  return r.stdout.split('\n').flatMap((line) => {
    const lib = /=>\s*(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s/.exec(line)?.[1];
    return lib ? [lib] : [];
  });
}

function walk(p: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return [];
  }
  if (!st.isDirectory()) return [p];
  return [p, ...fs.readdirSync(p).flatMap((n) => walk(path.join(p, n)))];
}

/**
 * Every file a scenario's tools open, as paths in the guest: the tools on the
 * guest's PATH with each link on the way, their libraries, SCENARIO_FILES, the
 * merged-/usr links (/lib, /bin, ...: a link on the share is read from the host
 * each time it is followed), and the real target of each.
 */
export async function warmUpFiles(): Promise<string[]> {
  const files = new Set<string>();
  for (const tool of SCENARIO_TOOLS) {
    const p = onGuestPath(tool);
    if (!p) continue; // a missing tool is the experiment's business
    for (const f of withLinks(p)) files.add(f);
    for (const lib of await sharedLibraries(fs.realpathSync(p))) for (const f of withLinks(lib)) files.add(f);
  }
  for (const f of SCENARIO_FILES) for (const g of walk(f)) files.add(g);
  for (const l of ['/lib', '/lib64', '/bin', '/sbin', '/usr/lib64']) if (fs.lstatSync(l, { throwIfNoEntry: false })?.isSymbolicLink()) files.add(l);
  // A library reached through a link is copied up as its target too.
  for (const f of [...files]) {
    try {
      files.add(fs.realpathSync(f));
    } catch {
      // a dangling link: only the link itself
    }
  }
  return [...files].sort();
}

/** A POSIX sh script for the guest: copy `files` up, load the modules, rehearse; prints the number of files. */
export function warmUpScript(files: readonly string[]): string {
  return [
    // One touch for all (each exec costs the guest tens of ms): atime set to now, the
    // contents untouched, and the file copied up into the overlay's tmpfs.
    `touch -h -c -a ${files.map(shellQuote).join(' ')} 2>/dev/null`,
    `modprobe -a -q ${SCENARIO_MODULES.join(' ')} 2>/dev/null`,
    // A rehearsal in a throwaway namespace: whatever the first use of each loads or looks
    // up lazily is done now. Without it, 5.10's first DROP rule took 0.85 s of guest time
    // and went in after test-zero's first window probe had been answered (16 probes, not 15).
    `ns=${NAME_PREFIX}-warmup-$$-000000`,
    'if ip netns add "$ns" 2>/dev/null; then',
    `  ip netns exec "$ns" sh -c '${REHEARSAL}' >/dev/null 2>&1`,
    '  ip netns del "$ns"',
    'fi',
    `echo ${files.length}`,
  ].join('\n');
}
