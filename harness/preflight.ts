// Checks before a run, each failing with what to do about it (exit 2).
import { execa } from 'execa';
import { PrerequisiteError } from './errors.ts';

const TOOLS: [tool: string, pkg: string][] = [
  ['iptables', 'iptables'],
  ['tcpdump', 'tcpdump'],
  ['ss', 'iproute2'],
  ['ip', 'iproute2'],
];

/** The host tools the netns backend runs inside the namespace. */
export async function requireHostTools(): Promise<void> {
  const missing: string[] = [];
  for (const [tool, pkg] of TOOLS) {
    const r = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    if (r.exitCode !== 0) missing.push(pkg);
  }
  if (missing.length) {
    const pkgs = [...new Set(missing)].join(' ');
    throw new PrerequisiteError(`missing tools: ${pkgs}`, `install them: apt-get install -y ${pkgs}`);
  }
}

export function requireRoot(why: string): void {
  if (process.getuid?.() !== 0) {
    throw new PrerequisiteError(`${why} needs root`, 'run it as root (e.g. sudo npm run exp …)');
  }
}
