// The docker backend for real: a container with a sysctl, read back inside,
// exec through it, then removed. Skipped (saying why) only when no engine answers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { dockerBackend, dockerClient, engineStatus } from './docker.ts';
import { containerName, LABEL } from './docker-container.ts';
import { COMPOSE_SYSCTLS, composeEnvName } from './docker-in-container.ts';
import { ensureImage, imageTag } from './docker-image.ts';

const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const engine = await engineStatus();
const noEngine = engine.ok ? undefined : engine.reason;

/** Containers this test process made (other test files may run sandboxes at the same time). */
async function ours(): Promise<string[]> {
  const list = await dockerClient().listContainers({ all: true, filters: { label: [LABEL, `tcplab.host-pid=${process.pid}`] } });
  return list.map((c) => c.Names.join(','));
}

describe('docker backend (real engine)', () => {
  it(
    'creates a container with the sysctl, runs commands in it, and removes it',
    async (ctx) => {
      if (noEngine) ctx.skip(noEngine);
      const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-docker-test-'));
      const sandbox = await dockerBackend.create({ label: 'docker-test', sysctls: { 'net.ipv4.tcp_retries2': 7 }, projectDir: PROJECT_DIR, runDir });
      try {
        expect(sandbox.backend).toBe('docker');
        expect(sandbox.name).toMatch(/^tcplab-docker-test-[0-9a-f]{6}$/);
        expect(sandbox.sysctls['net.ipv4.tcp_retries2']).toBe('7');
        expect(sandbox.sysctls['net.ipv4.tcp_syn_retries']).toBe('6');
        expect(sandbox.kernel).toMatch(/^\d+\.\d+/);

        const lines: string[] = [];
        const script = [
          'sysctl -n net.ipv4.tcp_retries2',
          'uname -r',
          'echo "$TCPLAB_SANDBOX"',
          'hostname',
          'pwd',
          'touch "$1/written-inside"',
          'touch "$2/.tcplab-docker-test" 2>/dev/null && echo project-writable || echo project-read-only',
          'ip -o link show | grep -c ": "',
        ].join('\n');
        const r = await sandbox.exec(['sh', '-c', script, 'sh', runDir, PROJECT_DIR], { timeoutMs: 20_000, onLine: (l) => lines.push(l) });
        expect(r).toMatchObject({ exitCode: 0, timedOut: false });
        // Loopback is the only interface (NetworkMode none).
        expect(lines).toEqual(['7', sandbox.kernel, `docker:${sandbox.name}`, sandbox.name, PROJECT_DIR, 'project-read-only', '1']);
        expect(fs.existsSync(path.join(runDir, 'written-inside'))).toBe(true);

        // The runner's command line: the host's node path maps to the image's
        // Node (>= 20.12 for 'connectionAttempt'); tsx and koffi come from the
        // mounted node_modules. Without a run folder the runner prints its usage.
        const err: string[] = [];
        const node = await sandbox.exec(
          [process.execPath, '-e', 'const [a,b]=process.versions.node.split(".").map(Number); console.log(a > 20 || (a === 20 && b >= 12) ? "node ok" : "node too old " + process.version)'],
          { timeoutMs: 20_000, onLine: (l) => err.push(l) },
        );
        expect(node.exitCode).toBe(0);
        expect(err).toEqual(['node ok']);
        const runner = await sandbox.exec([process.execPath, '--import', 'tsx', path.join(PROJECT_DIR, 'harness/runner/main.ts')], { timeoutMs: 60_000 });
        expect(runner.stderr).toContain('usage: runner');
        expect(runner.exitCode).toBe(2);

        // The timeout ends the command (SIGTERM, then SIGKILL) and says so.
        const started = Date.now();
        const slow = await sandbox.exec(['sh', '-c', 'trap "" TERM; sleep 30'], { timeoutMs: 500 });
        expect(slow.timedOut).toBe(true);
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        await sandbox.destroy();
        await sandbox.destroy(); // idempotent
        fs.rmSync(runDir, { recursive: true, force: true });
      }
      expect(await ours()).toEqual([]);
    },
    // The first run on a machine builds the image (a few minutes).
    900_000,
  );

  it('cleanupLeftovers removes containers whose tcplab process is gone, and only those', async (ctx) => {
    if (noEngine) ctx.skip(noEngine);
    const docker = dockerClient();
    const image = await ensureImage(docker);
    const make = async (name: string, pid: number) => {
      const c = await docker.createContainer({
        name,
        Image: image,
        Cmd: ['sleep', '60'],
        Labels: { [LABEL]: 'sandbox', 'tcplab.host': os.hostname(), 'tcplab.host-pid': String(pid) },
        HostConfig: { NetworkMode: 'none' },
      });
      await c.start();
      return c;
    };
    const suffix = `${process.pid}-${Date.now() % 100000}`;
    // A pid that is not running: beyond pid_max.
    const dead = await make(`tcplab-cleanup-test-dead-${suffix}`, 99_999_999);
    // Our parent (vitest's main process) is alive: a live run, left alone.
    const live = await make(`tcplab-cleanup-test-live-${suffix}`, process.ppid);
    try {
      const removed = await dockerBackend.cleanupLeftovers();
      expect(removed).toContain(`tcplab-cleanup-test-dead-${suffix}`);
      expect(removed).not.toContain(`tcplab-cleanup-test-live-${suffix}`);
      await expect(dead.inspect()).rejects.toThrow();
      expect((await live.inspect()).State.Running).toBe(true);
    } finally {
      await live.remove({ force: true }).catch(() => {});
      await dead.remove({ force: true }).catch(() => {});
    }
  }, 300_000);

  it('a container whose tcplab process is killed outright removes itself', async (ctx) => {
    if (noEngine) ctx.skip(noEngine);
    await ensureImage(dockerClient());
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-docker-test-'));
    const script = path.join(runDir, 'owner.mts');
    fs.writeFileSync(
      script,
      `import { dockerBackend } from ${JSON.stringify(path.join(PROJECT_DIR, 'harness/sandbox/docker.ts'))};\n` +
        `const s = await dockerBackend.create({ label: 'docker-test-orphan', sysctls: {}, projectDir: ${JSON.stringify(PROJECT_DIR)}, runDir: ${JSON.stringify(runDir)} });\n` +
        `console.log(s.name);\nsetInterval(() => {}, 1000);\n`,
    );
    const child = execa(process.execPath, ['--import', 'tsx', script], { cwd: PROJECT_DIR, reject: false });
    const name = await new Promise<string>((resolve, reject) => {
      child.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim()));
      void child.then((r) => reject(new Error(`owner exited early: ${r.stderr}`)));
    });
    expect(name).toMatch(/^tcplab-docker-test-orphan-/);
    child.kill('SIGKILL');
    await child;
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      gone = !(await dockerClient().listContainers({ all: true, filters: { name: [name] } })).length;
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    fs.rmSync(runDir, { recursive: true, force: true });
    expect(gone).toBe(true);
  }, 300_000);

  it('refuses a sysctl that is not per network namespace, and leaves nothing', async (ctx) => {
    if (noEngine) ctx.skip(noEngine);
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-docker-test-'));
    await expect(dockerBackend.create({ label: 'docker-test', sysctls: { 'net.ipv4.tcp_mem': 1 }, projectDir: PROJECT_DIR, runDir })).rejects.toThrow(/refusing to set/);
    fs.rmSync(runDir, { recursive: true, force: true });
    expect(await ours()).toEqual([]);
  });
});

describe('docker backend (no engine needed)', () => {
  it('names containers as valid hostnames', () => {
    const long = containerName('Test_Idle:user-timeout-3s/' + 'x'.repeat(80));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^tcplab-[a-z0-9-]+-[0-9a-f]{6}$/);
    expect(containerName('test-idle')).toMatch(/^tcplab-test-idle-[0-9a-f]{6}$/);
  });

  it('tags the image with a hash of the Dockerfile', () => {
    expect(imageTag()).toMatch(/^tcplab:[0-9a-f]{12}$/);
    const tmp = path.join(os.tmpdir(), `tcplab-dockerfile-${process.pid}`);
    fs.writeFileSync(tmp, fs.readFileSync(path.join(PROJECT_DIR, 'docker/Dockerfile'), 'utf8') + '\n# changed\n');
    expect(imageTag(tmp)).not.toBe(imageTag());
    fs.rmSync(tmp);
  });

  it('docker-compose.yml passes exactly the sysctls the in-container backend names', () => {
    const compose = fs.readFileSync(path.join(PROJECT_DIR, 'docker-compose.yml'), 'utf8');
    const listed = [...compose.matchAll(/^\s+(net\.ipv4\.[a-z0-9_]+): \$\{([A-Z0-9_]+):-\d+\}$/gm)].map((m) => [m[1], m[2]]);
    expect(listed).toEqual(COMPOSE_SYSCTLS.map((k) => [k, composeEnvName(k)]));
  });
});
