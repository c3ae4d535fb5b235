// One sandbox container, as the engine sees it: its name, how it is made, how
// it is held, and how it goes.
//
// - least privilege: no network but loopback (NetworkMode none), CAP_NET_ADMIN
//   + CAP_NET_RAW for iptables and tcpdump, the experiment's TCP sysctls set at
//   creation (HostConfig.Sysctls: /proc/sys is read-only inside). `privileged`
//   is opt-in only (SandboxSpec.privileged);
// - the project bind-mounted read-only at the same absolute path as on the
//   host, the run folder read-write at its own path, so the absolute paths in
//   job.json mean the same thing inside;
// - PID 1 idles on `cat` reading its stdin, which this process holds open
//   through an attach (the lifeline): should this process die without
//   destroy() (kill -9, a crash), stdin ends, the container exits and the
//   engine removes it (AutoRemove);
// - every container carries the label `tcplab` and its owner's host and pid,
//   so leftovers are found by label and told from live runs by their owner.
import crypto from 'node:crypto';
import os from 'node:os';
import type Docker from 'dockerode';
import { NAME_PREFIX, ownerRunning } from './base-sandbox.ts';
import type { HijackedStream } from './docker-exec.ts';
import type { SandboxSpec } from './sandbox.ts';

/** The label every sandbox container carries; leftovers are found by it. */
export const LABEL = 'tcplab';

/** Container names double as hostnames: [a-z0-9-], at most 63 characters. */
export function containerName(label: string): string {
  const suffix = crypto.randomBytes(3).toString('hex');
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63 - NAME_PREFIX.length - suffix.length - 2)
    .replace(/-+$/, '');
  return `${NAME_PREFIX}-${slug || 'sandbox'}-${suffix}`;
}

/** What the engine is asked to create for an experiment. */
export function containerOptions(name: string, image: string, spec: SandboxSpec): Docker.ContainerCreateOptions {
  return {
    name,
    Hostname: name,
    Image: image,
    // PID 1 waits for its stdin to end: the lifeline, held until destroy().
    Cmd: ['cat'],
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    WorkingDir: spec.projectDir,
    Labels: {
      [LABEL]: 'sandbox',
      'tcplab.experiment': spec.label,
      'tcplab.run-dir': spec.runDir,
      'tcplab.host': os.hostname(),
      'tcplab.host-pid': String(process.pid),
    },
    HostConfig: {
      NetworkMode: 'none',
      AutoRemove: true,
      ...(spec.privileged === true ? { Privileged: true } : { CapAdd: ['NET_ADMIN', 'NET_RAW'] }),
      Sysctls: Object.fromEntries(Object.entries(spec.sysctls).map(([k, v]) => [k, String(v)])),
      Mounts: [
        { Type: 'bind', Source: spec.projectDir, Target: spec.projectDir, ReadOnly: true },
        { Type: 'bind', Source: spec.runDir, Target: spec.runDir, ReadOnly: false },
      ],
    },
  };
}

/** Attach to PID 1's stdin and hold it: the container lives as long as this stream (or this process). */
export async function holdStdin(container: Docker.Container): Promise<HijackedStream> {
  const attached = (await container.attach({ stream: true, stdin: true, hijack: true })) as HijackedStream;
  attached.on('error', () => {});
  return attached;
}

/** Force-remove a container; one already gone, or on its way out, is fine. */
export async function removeContainer(docker: Docker, idOrName: string): Promise<void> {
  const container = docker.getContainer(idOrName);
  try {
    await container.remove({ force: true, v: true });
    return;
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404) return; // gone already
    if (status !== 409) throw err;
  }
  // 409: its removal is already under way (AutoRemove after it exited): wait for it.
  for (let i = 0; i < 100; i++) {
    try {
      await container.inspect();
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Is the tcplab process that made this container (by its labels) still running here, and not this one? */
export function ownerAlive(labels: Record<string, string>): boolean {
  const pid = Number(labels['tcplab.host-pid']);
  if (labels['tcplab.host'] !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  return ownerRunning(pid);
}
