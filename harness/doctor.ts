// `tcplab exp --doctor`: what this machine offers tcplab (Docker engine and
// image, root, the tracing tools, the kernel), which backend `--backend auto`
// would pick, and for everything missing, what to do about it.
import fs from 'node:fs';
import os from 'node:os';
import { engineStatus, dockerClient, insideTcplabContainer, inContainerBackend } from './sandbox/docker.ts';
import { baseImage, imagePresent, imageTag } from './sandbox/docker-image.ts';
import { netnsBackend } from './sandbox/netns.ts';
import path from 'node:path';
import { hasCommand } from './preflight.ts';
import { createVmBackend } from './sandbox/vm.ts';
import { cacheRoot, KERNEL_LABELS } from './sandbox/vm/kernels.ts';

const TOOLS: [tool: string, pkg: string][] = [
  ['iptables', 'iptables'],
  ['tcpdump', 'tcpdump'],
  ['ss', 'iproute2'],
  ['ip', 'iproute2'],
  ['netstat', 'net-tools'],
];

interface Line {
  what: string;
  ok: boolean | undefined;
  text: string;
}


export async function doctor(): Promise<string> {
  const lines: Line[] = [];
  const missing: string[] = [];
  const add = (what: string, ok: boolean | undefined, text: string, fix?: string) => {
    lines.push({ what, ok, text });
    if (ok === false && fix) missing.push(`${what}: ${fix}`);
  };

  const inside = insideTcplabContainer();
  add('in a container', undefined, inside ? `yes: a tcplab container (${os.hostname()}); experiments run here, in its network namespace` : 'no');

  // Docker
  let dockerOk = false;
  if (!inside) {
    const engine = await engineStatus();
    if (engine.ok) {
      dockerOk = true;
      add('docker engine', true, `${engine.version} (API ${engine.apiVersion}) at ${process.env.DOCKER_HOST ?? '/var/run/docker.sock'}`);
      const docker = dockerClient();
      const tag = imageTag();
      if (await imagePresent(docker, tag).catch(() => false)) {
        add('docker image', true, `${tag} (built from docker/Dockerfile as it is now)`);
      } else {
        add('docker image', false, `${tag} not built yet`, 'the first docker run builds it by itself (a few minutes); or now: npx tsx harness/sandbox/docker-image-cli.ts --build');
      }
      const base = baseImage();
      if (await imagePresent(docker, base).catch(() => false)) {
        add('base image', true, base);
      } else {
        add('base image', false, `${base} absent`, `pulled on the first build, or built with debootstrap where no registry answers (docker/bootstrap-base.sh, as root)`);
      }
    } else {
      add('docker engine', false, 'none answers', engine.reason);
    }
  }

  // Root, tools, netns
  const uid = process.getuid?.();
  add('root', uid === 0, uid === 0 ? 'yes' : `no (uid ${uid})`, 'the netns backend needs root: sudo npm run exp …');
  const found: string[] = [];
  const lacking: string[] = [];
  for (const [tool, pkg] of TOOLS) {
    if (await hasCommand(tool)) found.push(tool);
    else lacking.push(pkg);
  }
  const pkgs = [...new Set(lacking)];
  add(
    inside ? 'tools' : 'host tools',
    lacking.length === 0,
    `${found.length ? `${found.join(' ')} found` : 'none found'}${lacking.length ? `; missing: ${TOOLS.filter(([, p]) => pkgs.includes(p)).map(([t]) => t).join(' ')}` : ''}${inside ? '' : ' (the netns backend uses them; the docker image has its own)'}`,
    `apt-get install -y ${pkgs.join(' ')}`,
  );
  let netnsOk = false;
  if (!inside) {
    const reason = await netnsBackend.unavailable();
    netnsOk = reason === null && lacking.length === 0;
    add('netns backend', netnsOk, reason ?? (lacking.length ? 'needs the tools above' : 'usable'), uid === 0 ? (reason ?? undefined) : undefined);
  }
  let insideOk = false;
  if (inside) {
    const reason = await inContainerBackend.unavailable();
    insideOk = reason === null;
    add('in-container backend', insideOk, reason ?? 'usable (iptables works)', reason ?? undefined);
  }

  // Other kernels (vm backend)
  if (!inside) {
    const vmReason = await createVmBackend({ label: 'probe', release: '', vmlinuz: '', modulesDir: null }).unavailable();
    const cached = KERNEL_LABELS.filter((k) => k !== 'host' && fs.existsSync(path.join(cacheRoot(), k, 'release')));
    const kvm = fs.existsSync('/dev/kvm') ? '/dev/kvm present (probed on first use)' : 'no /dev/kvm: TCG with -icount';
    add('vm backend', vmReason === null, vmReason ?? `usable (--kernel 5.10|6.1|6.12); ${kvm}; cached kernels: ${cached.join(', ') || 'none yet (fetched on first use)'}`, vmReason ?? undefined);
  }

  // Kernel
  const linear = fs.existsSync('/proc/sys/net/ipv4/tcp_syn_linear_timeouts');
  add('kernel', undefined, `${os.release()} (${os.machine()})${inside || dockerOk ? '; containers share this kernel' : ''}${linear ? '' : '; no tcp_syn_linear_timeouts (before 6.5)'}`);
  add('node', undefined, `${process.version} (${process.execPath})`);

  const auto = inside ? (insideOk ? 'docker (in this container)' : undefined) : dockerOk ? 'docker' : netnsOk ? 'netns' : undefined;
  add('--backend auto', auto !== undefined, auto ? `→ ${auto}` : '→ nothing usable', 'start a Docker engine (docker backend), or run as root with iptables tcpdump iproute2 installed (netns backend)');

  const width = Math.max(...lines.map((l) => l.what.length));
  const mark = (ok: boolean | undefined) => (ok === undefined ? ' ' : ok ? '✓' : '✗');
  const out = ['tcplab doctor', ...lines.map((l) => `  ${mark(l.ok)} ${l.what.padEnd(width)}  ${l.text}`)];
  out.push('', missing.length ? 'Missing, and what to do:' : 'Nothing missing.');
  for (const m of missing) out.push(`  - ${m}`);
  return out.join('\n');
}
