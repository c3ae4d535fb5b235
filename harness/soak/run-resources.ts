// What of one CLI invocation still exists on this machine, found the way the
// reaper finds it: namespaces named with its pid (sandbox/namespace.ts
// namespaceName), containers labelled with it (sandbox/docker-container.ts), and
// any process whose command line names its out folder (the runner, tcpdump, a
// qemu guest, the reaper's watcher all carry the run folder's path).
import { execa } from 'execa';
import { LABEL } from '../sandbox/docker-container.ts';

export interface RunResources {
  namespaces: string[];
  containers: string[];
  processes: string[];
}

async function lines(file: string, args: readonly string[]): Promise<string[]> {
  const r = await execa(file, args, { reject: false });
  return r.exitCode === 0 ? String(r.stdout).split('\n').filter(Boolean) : [];
}

export async function namespacesOf(pid: number): Promise<string[]> {
  return (await lines('ip', ['netns', 'list'])).map((l) => l.split(' ')[0]!).filter((n) => n.includes(`-${pid}-`));
}

export async function containersOf(pid: number): Promise<string[]> {
  return lines('docker', ['ps', '-aq', '--filter', `label=${LABEL}`, '--filter', `label=tcplab.host-pid=${pid}`]);
}

/** `pid cmdline` of every process naming `dir` (pgrep -f: its own pid is never listed). */
export async function processesNaming(dir: string): Promise<string[]> {
  return lines('pgrep', ['-af', '--', dir]);
}

export async function resourcesOf(pid: number, outDir: string, docker: boolean): Promise<RunResources> {
  const [namespaces, containers, processes] = await Promise.all([namespacesOf(pid), docker ? containersOf(pid) : Promise.resolve([]), processesNaming(outDir)]);
  return { namespaces, containers, processes };
}

export const nothingLeft = (r: RunResources) => r.namespaces.length + r.containers.length + r.processes.length === 0;

export function describeResources(r: RunResources): string[] {
  return [...r.namespaces.map((n) => `namespace ${n}`), ...r.containers.map((c) => `container ${c}`), ...r.processes.map((p) => `process ${p}`)];
}
