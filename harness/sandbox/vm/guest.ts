// One booted guest: qemu running a kernel, and the agent inside it
// (guest-agent.mjs) reached over a virtio-serial port. Commands run in the
// guest as if on a host (CommandHost), so the namespace sandboxes of
// namespace.ts work unchanged inside it.
//
// Always cleaned up: shutdown() on pass and fail; this process's exit (also
// after Ctrl-C) kills qemu and removes its folder; and if this process is
// killed outright (kill -9), the kernel kills qemu too (setpriv --pdeathsig),
// and the next start sweeps the folder (cleanupGuests).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { PrerequisiteError } from '../../errors.ts';
import type { CommandHost } from '../namespace.ts';
import type { ExecOptions, ExecResult } from '../sandbox.ts';
import { buildInitramfs } from './initramfs.ts';
import type { GuestKernel } from './kernels.ts';
import { type GuestMessage, type HostMessage, lineDecoder } from './protocol.ts';
import { type Accel, qemuArgs } from './qemu-args.ts';

const AGENT = path.join(path.dirname(new URL(import.meta.url).pathname), 'guest-agent.mjs');
/** How long past a command's timeout (and kill) the host waits for the agent's answer. */
const BACKSTOP_MS = 15_000;
/** SIGTERM, then SIGKILL this much later. */
const KILL_GRACE_MS = 2000;
/** Wall-clock seconds per guest second the backstop allows under TCG (a hang guard, not a verdict). */
const GUEST_SLOWDOWN_ALLOWED = 10;
/** Folders of live guests: /tmp/tcplab-vm-<owner pid>-<random>. */
export const GUEST_DIR_PREFIX = 'tcplab-vm-';

export interface BootOptions {
  kernel: GuestKernel;
  outDir: string;
  accel: Accel;
  cpus?: number;
  memoryMiB?: number;
  /** Give up when the agent has not said hello by then. */
  bootTimeoutMs?: number;
}

interface Pending {
  onLine?: (line: string) => void;
  resolve: (m: Extract<GuestMessage, { t: 'exit' }>) => void;
}

const live = new Set<Guest>();
let exitHookInstalled = false;

export class Guest implements CommandHost {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  release = '';
  /** net.ipv4.* sysctls this kernel has (for optional ones, experiment/sysctls.ts). */
  sysctls = new Set<string>();
  /** Seconds from starting qemu to the agent's hello. */
  boot_s = 0;

  private constructor(
    readonly dir: string,
    readonly accel: Accel,
    private readonly qemu: ResultPromise,
    private socket: net.Socket | undefined = undefined,
  ) {}

  static async boot(o: BootOptions): Promise<Guest> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${GUEST_DIR_PREFIX}${process.pid}-`));
    fs.mkdirSync(o.outDir, { recursive: true });
    const started = Date.now();
    let initrd: string;
    try {
      initrd = await buildInitramfs(o.kernel, dir);
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const controlSocket = path.join(dir, 'ctl.sock');
    const args = qemuArgs({
      kernel: o.kernel,
      initrd,
      outDir: path.resolve(o.outDir),
      node: process.execPath,
      agent: AGENT,
      controlSocket,
      accel: o.accel,
      cpus: o.cpus ?? Math.min(2, os.cpus().length),
      memoryMiB: o.memoryMiB ?? 2048,
    });
    // The guest's console (ttyS0) and qemu's own complaints, for error messages.
    // PR_SET_PDEATHSIG: qemu dies with this process, even when nothing here gets to run.
    const qemu = execa('setpriv', ['--pdeathsig', 'KILL', '--', 'qemu-system-x86_64', ...args], {
      stdin: 'ignore',
      stdout: { file: path.join(dir, 'console.log') },
      stderr: { file: path.join(dir, 'qemu.log') },
      reject: false,
      cleanup: true,
    });
    const guest = new Guest(dir, o.accel, qemu);
    live.add(guest);
    installExitHook();
    try {
      // Wall time: a TCG guest on a loaded machine took 32 s where it takes 13 s alone.
      const hello = await guest.connect(controlSocket, o.bootTimeoutMs ?? 120_000);
      guest.release = hello.release;
      guest.sysctls = new Set(hello.sysctls);
      guest.boot_s = (Date.now() - started) / 1000;
      return guest;
    } catch (err) {
      const tail = guest.consoleTail();
      await guest.shutdown();
      throw new PrerequisiteError(`the ${o.kernel.label} guest did not boot (${(err as Error).message})${tail ? `: ${tail}` : ''}`, 'check qemu-system-x86 and busybox-static are installed (npm run exp -- --doctor)');
    }
  }

  /** The last lines of the guest's console, for error messages. */
  consoleTail(lines = 3): string {
    try {
      return ['console.log', 'qemu.log'].map((f) => fs.readFileSync(path.join(this.dir, f), 'utf8')).join('\n').replace(/\x1b\[[0-9;?]*[a-zA-Z]|\x1bc/g, '').trim().split('\n').slice(-lines).join(' | ');
    } catch {
      return '';
    }
  }

  private async connect(socketPath: string, timeoutMs: number): Promise<Extract<GuestMessage, { t: 'hello' }>> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.qemu.then(() => {
      exited = true;
    });
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const attempt = () => {
        if (exited) return reject(new Error('qemu exited'));
        if (Date.now() > deadline) return reject(new Error('qemu did not open its control socket'));
        const s = net.connect(socketPath);
        s.once('connect', () => resolve(s));
        s.once('error', () => setTimeout(attempt, 50));
      };
      attempt();
    });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      // The agent may speak before anyone listens: ask until it answers.
      const ask = setInterval(() => this.send({ op: 'hello' }), 500);
      const fail = (why: string) => {
        clearInterval(ask);
        clearTimeout(timer);
        reject(new Error(why));
      };
      const timer = setTimeout(() => fail(`no answer from the guest agent within ${Math.round(timeoutMs / 1000)} s`), Math.max(0, deadline - Date.now()));
      void this.qemu.then(() => fail('qemu exited'));
      socket.on(
        'data',
        lineDecoder(
          (m) => {
            if (m.t === 'hello') {
              clearInterval(ask);
              clearTimeout(timer);
              resolve(m);
            } else this.dispatch(m);
          },
          () => {},
        ),
      );
      socket.on('close', () => this.failAll('the guest went away'));
      this.send({ op: 'hello' });
    });
  }

  private send(m: HostMessage): void {
    if (!this.closed) this.socket?.write(`${JSON.stringify(m)}\n`);
  }

  private dispatch(m: GuestMessage): void {
    if (m.t === 'line') this.pending.get(m.id)?.onLine?.(m.line);
    else if (m.t === 'exit') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m);
    }
  }

  private failAll(why: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ t: 'exit', id, code: null, signal: 'SIGKILL', stderr: why, timedOut: false });
    }
  }

  async runLines(argv: readonly string[], options: ExecOptions & { cwd: string }): Promise<ExecResult> {
    if (this.closed) return { exitCode: undefined, stderr: 'the guest is shut down', timedOut: false, signal: 'SIGKILL' };
    const id = this.nextId++;
    const done = new Promise<Extract<GuestMessage, { t: 'exit' }>>((resolve) => this.pending.set(id, { onLine: options.onLine, resolve }));
    // The limit is kept here, on the wall clock, not by the agent on the guest's: a TCG
    // guest's clock jumps to its next timer whenever it waits (qemu-args.ts), and while a
    // command waits for the 9p share the agent's own kill timer is such a timer. Measured:
    // a warm-up with 600 s of guest time was killed within minutes of wall time while
    // docker runs loaded the host. The runner keeps its scenario's deadline itself, on the
    // guest's clock, which is the right one for it. A busy TCG guest runs slower than the
    // wall clock (2.5x measured with three guests and an image build on 2 cores), hence
    // the allowance.
    this.send({ op: 'exec', id, argv, cwd: options.cwd, env: options.env });
    const wallMs = options.timeoutMs * (this.accel === 'tcg' ? GUEST_SLOWDOWN_ALLOWED : 1);
    let timedOut = false;
    const limit = setTimeout(() => {
      timedOut = true;
      this.send({ op: 'kill', id, signal: 'SIGTERM' });
      setTimeout(() => this.send({ op: 'kill', id, signal: 'SIGKILL' }), KILL_GRACE_MS).unref();
    }, wallMs);
    // Should the agent never answer at all, stop waiting.
    const backstop = setTimeout(() => {
      this.pending.get(id)?.resolve({ t: 'exit', id, code: null, signal: null, stderr: 'no answer from the guest agent', timedOut: true });
      this.pending.delete(id);
    }, wallMs + BACKSTOP_MS);
    const m = await done;
    clearTimeout(limit);
    clearTimeout(backstop);
    return { exitCode: m.code ?? undefined, stderr: m.stderr, timedOut: timedOut || m.timedOut, ...(m.signal ? { signal: m.signal } : {}) };
  }

  async run(argv: readonly string[], timeoutMs = 60_000): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
    const lines: string[] = [];
    const r = await this.runLines(argv, { cwd: '/', timeoutMs, onLine: (l) => lines.push(l) });
    return { exitCode: r.exitCode, stdout: lines.join('\n'), stderr: r.stderr + (r.timedOut ? `timed out (limit ${timeoutMs / 1000} s of guest time, kept on the host's clock)` : '') };
  }

  /** Idempotent: closes the port (the agent then powers the guest off), kills qemu if it lingers, removes the folder. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Stays in `live` until its folder is gone: the process may exit (Ctrl-C) while this awaits.
    this.failAll('the guest was shut down');
    this.socket?.destroy();
    const gone = await Promise.race([this.qemu.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 3000))]);
    if (!gone) {
      this.qemu.kill('SIGKILL');
      await this.qemu;
    }
    fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    live.delete(this);
  }

  /** For the exit hook: no awaiting possible there. */
  killNow(): void {
    this.qemu.kill('SIGKILL');
    try {
      // qemu may still be writing its console while it dies.
      fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    } catch {
      // the next start's sweep (cleanupGuests) removes it
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const g of live) g.killNow();
  });
}

/** Kill guests and remove folders that a dead tcplab process left behind; returns what it removed. */
export async function cleanupGuests(): Promise<string[]> {
  const removed: string[] = [];
  // Exactly mkdtemp's names (prefix, pid, six characters) with a guest's files in them: nothing else in /tmp is touched.
  const named = new RegExp(`^${GUEST_DIR_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`);
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = Number(named.exec(name)?.[1]);
    if (!pid || pidAlive(pid)) continue;
    const dir = path.join(os.tmpdir(), name);
    if (!fs.existsSync(path.join(dir, 'console.log'))) continue;
    // A qemu still serving that folder's socket belongs to the dead run.
    await execa('pkill', ['-KILL', '-f', `path=${dir}/ctl.sock`], { reject: false });
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
