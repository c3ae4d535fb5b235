// Firewall changes at scripted moments. Rules go into the INPUT chain of the
// sandbox's own network namespace: a packet dropped at INPUT has already
// crossed lo, so tcpdump still records it (a drop in OUTPUT would hide it).
import fs from 'node:fs';
import os from 'node:os';
import { execa } from 'execa';
import type { EventLog } from './event-log.ts';

export interface DropRule {
  /** Packets whose source port is this (e.g. everything the server sends). */
  fromPort?: number;
  /** Packets whose destination port is this (e.g. everything sent to the server). */
  toPort?: number;
  /** Only packets with exactly these TCP flags set, e.g. 'ACK' (iptables --tcp-flags). */
  onlyFlags?: string;
  /** Not a connection's opening SYN (iptables ! --syn): a stateful firewall lets new connections start. */
  notSyn?: boolean;
  /**
   * Only packets conntrack does not place in these states (-m conntrack ! --ctstate),
   * e.g. 'ESTABLISHED,RELATED': a stateful firewall. Conntrack starts tracking in the
   * namespace when such a rule is added, so add it before the connection it is to know.
   */
  unlessCtstate?: string;
}

export class FirewallRule {
  constructor(
    private readonly firewall: Firewall,
    readonly args: string[],
  ) {}

  remove(): Promise<void> {
    return this.firewall.remove(this);
  }
}

export class Firewall {
  private readonly active = new Set<FirewallRule>();

  constructor(private readonly log: EventLog) {
    assertInsideSandbox();
  }

  /** Drop every TCP packet on loopback, both ways: the peer has vanished. */
  dropAll(): Promise<FirewallRule> {
    return this.drop({});
  }

  async drop(rule: DropRule): Promise<FirewallRule> {
    const args = ['INPUT', '-i', 'lo', '-p', 'tcp'];
    if (rule.fromPort !== undefined) args.push('--sport', String(rule.fromPort));
    if (rule.toPort !== undefined) args.push('--dport', String(rule.toPort));
    if (rule.onlyFlags !== undefined) args.push('--tcp-flags', 'ALL', rule.onlyFlags);
    if (rule.notSyn) args.push('!', '--syn');
    if (rule.unlessCtstate !== undefined) args.push('-m', 'conntrack', '!', '--ctstate', rule.unlessCtstate);
    args.push('-j', 'DROP');
    await iptables(['-A', ...args]);
    const added = new FirewallRule(this, args);
    this.active.add(added);
    this.log.record({ kind: 'firewall', action: 'add', rule: args.join(' ') });
    return added;
  }

  async remove(rule: FirewallRule): Promise<void> {
    if (!this.active.delete(rule)) return;
    await iptables(['-D', ...rule.args]);
    this.log.record({ kind: 'firewall', action: 'remove', rule: rule.args.join(' ') });
  }

  /** Rules die with the sandbox anyway; removing them keeps teardown packets flowing. */
  async removeAll(): Promise<void> {
    for (const rule of [...this.active]) await this.remove(rule);
  }
}

async function iptables(args: string[]): Promise<void> {
  // -w: wait for the xtables lock instead of failing when another call holds it.
  await execa('iptables', ['-w', ...args]);
}

/**
 * Refuse to touch a firewall that is not the sandbox's. The sandbox sets
 * TCPLAB_SANDBOX; the netns backend passes "netns:<name>", and the runner checks
 * it really is inside that namespace (same nsfs inode as /run/netns/<name>), so
 * a runner started by hand cannot edit the host's rules. The docker backend
 * passes "docker:<container name>", checked as below.
 */
export function assertInsideSandbox(): void {
  const sandbox = process.env.TCPLAB_SANDBOX;
  if (!sandbox) throw new Error('refusing to change iptables outside a tcplab sandbox (TCPLAB_SANDBOX is not set)');
  const [backend, name] = sandbox.split(':');
  if (backend === 'netns') {
    const own = fs.statSync('/proc/self/ns/net').ino;
    const expected = name ? fs.statSync(`/run/netns/${name}`, { throwIfNoEntry: false })?.ino : undefined;
    if (own !== expected) throw new Error(`refusing to change iptables: this process is not inside network namespace '${name}'`);
  } else if (backend === 'docker') {
    // A tcplab container: Docker wrote /.dockerenv, its hostname is the name the
    // backend gave it (tcplab-…), and its network namespace has nothing but
    // loopback (NetworkMode none). A host, even one that is itself a container,
    // has another interface, so its rules are never touched.
    if (!fs.existsSync('/.dockerenv')) throw new Error('refusing to change iptables: this process is not inside a Docker container (no /.dockerenv)');
    if (!name?.startsWith('tcplab') || os.hostname() !== name) throw new Error(`refusing to change iptables: this container is '${os.hostname()}', not tcplab's '${name}'`);
    const links = fs.readdirSync('/sys/class/net');
    if (links.some((l) => l !== 'lo')) throw new Error(`refusing to change iptables: this network namespace has more than loopback (${links.join(', ')})`);
  }
}
