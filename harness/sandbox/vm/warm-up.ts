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

import { NAME_PREFIX } from '../base-sandbox.ts';

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

/** A POSIX sh script; best effort (a tool or module that is missing is the experiment's business). */
export function warmUpScript(): string {
  return [
    'files=""',
    `for t in ${SCENARIO_TOOLS.join(' ')}; do`,
    '  p=$(command -v "$t") || continue',
    // Every link on the way (iptables → /etc/alternatives → xtables-nft-multi), then the libraries.
    '  while [ -L "$p" ]; do files="$files $p"; l=$(readlink "$p"); case "$l" in /*) p=$l;; *) p=$(dirname "$p")/$l;; esac; done',
    '  files="$files $p $(ldd "$p" 2>/dev/null | sed -n \'s/.*=> \\(\\/[^ ]*\\).*/\\1/p; s/^[[:space:]]*\\(\\/[^ ]*\\) .*/\\1/p\')"',
    'done',
    `files="$files $(find ${SCENARIO_FILES.join(' ')} 2>/dev/null)"`,
    // Merged /usr: /lib, /lib64, /bin, /sbin are links every library path goes through,
    // and a link on the share is read from the host each time it is followed.
    'for l in /lib /lib64 /bin /sbin /usr/lib64; do [ -L "$l" ] && files="$l $files"; done',
    // One touch for all (each exec costs the guest tens of ms): atime set to now, the
    // contents untouched. A library reached through a link is copied up as its target too.
    'set -- $files $(readlink -f $files 2>/dev/null)',
    'touch -h -c -a "$@" 2>/dev/null',
    `modprobe -a -q ${SCENARIO_MODULES.join(' ')} 2>/dev/null`,
    // A rehearsal in a throwaway namespace: whatever the first use of each loads or looks
    // up lazily is done now. Without it, 5.10's first DROP rule took 0.85 s of guest time
    // and went in after test-zero's first window probe had been answered (16 probes, not 15).
    `ns=${NAME_PREFIX}-warmup-$$-000000`,
    'if ip netns add "$ns" 2>/dev/null; then',
    `  ip netns exec "$ns" sh -c '${REHEARSAL}' >/dev/null 2>&1`,
    '  ip netns del "$ns"',
    'fi',
    `printf '%s\\n' "$@" | sort -u | wc -l`,
  ].join('\n');
}
