// The netns backend: a network namespace made with `ip netns add` on this
// machine, everything run through `ip netns exec`. Needs root and
// iptables/tcpdump/iproute2 on the host, no daemon. A fresh namespace has its
// own loopback, its own (empty) firewall and the kernel's default TCP sysctls,
// so nothing here touches the host's own settings.
import { execa } from 'execa';
import { PrerequisiteError } from '../errors.ts';
import { runLines } from './exec-lines.ts';
import { cleanupNamespaces, type CommandHost, createNamespaceSandbox } from './namespace.ts';
import type { Backend, SandboxSpec } from './sandbox.ts';

export { NAME_PREFIX } from './base-sandbox.ts';
export { namespaceName, ownerGone } from './namespace.ts';

/** This machine, as a place to run namespace commands. */
export const localHost: CommandHost = {
  async run(argv) {
    const r = await execa(argv[0]!, argv.slice(1), { reject: false });
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  },
  runLines: (argv, options) => runLines(argv[0]!, argv.slice(1), options),
};

export const netnsBackend: Backend = {
  name: 'netns',

  async unavailable() {
    if (process.getuid?.() !== 0) return 'the netns backend needs root (run as root, e.g. with sudo)';
    const r = await execa('ip', ['netns', 'list'], { reject: false });
    if (r.failed) return `'ip netns' does not work here (${r.stderr.trim() || r.message}); install iproute2`;
    return null;
  },

  async create(spec: SandboxSpec) {
    const reason = await this.unavailable();
    if (reason) throw new PrerequisiteError(reason);
    return createNamespaceSandbox(localHost, 'netns', spec);
  },

  cleanupLeftovers: () => cleanupNamespaces(localHost),
};
