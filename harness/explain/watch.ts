// `explain --watch ADDR:PORT`: follow a live connection on this machine, like
// `netstat -c --timer | grep ADDR:PORT`, and narrate each change (narrate.ts).
import { execa } from 'execa';
import { PrerequisiteError, UsageError } from '../errors.ts';
import { parseHostPort, type HostPort } from '../observe/host-port.ts';
import { parseNetstatLine } from '../observe/netstat-timer.ts';
import { parseSsOutput } from '../observe/ss-timer.ts';
import { TimerTextError } from '../observe/timer-text-error.ts';
import { Narrator, type WatchedSocket } from './narrate.ts';

export interface WatchTarget {
  /** null = any address. */
  addr: string | null;
  port: number;
}

/** 'ADDR:PORT', '[v6]:PORT', '*:PORT' or ':PORT'. */
export function parseTarget(text: string): WatchTarget {
  const hint = 'give the connection\'s address and port as ss prints them, e.g. --watch 127.0.0.1:5555, [::1]:5555 or *:5555';
  const t = text.trim();
  const any = /^(?:\*)?:(\d+)$/.exec(t);
  if (any) return { addr: null, port: check(Number(any[1]), text, hint) };
  let hp: HostPort;
  try {
    hp = parseHostPort(t);
  } catch (e) {
    if (e instanceof TimerTextError) throw new UsageError(`--watch ${text}: ${e.reason}`, hint);
    throw e;
  }
  return { addr: hp.addr === '*' ? null : hp.addr, port: check(hp.port, text, hint) };
}

function check(port: number, text: string, hint: string): number {
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`--watch ${text}: port must be 1..65535`, hint);
  return port;
}

function end(text: string): { addr: string; port: number } {
  const hp = parseHostPort(text);
  return { addr: hp.addr, port: hp.port };
}

/** The socket has the target as either of its ends. */
export function matches(s: WatchedSocket, target: WatchTarget): boolean {
  return [s.local, s.peer].some((x) => {
    const e = end(x);
    return e.port === target.port && (target.addr === null || e.addr === target.addr);
  });
}

function hostPort(h: HostPort): string {
  return `${h.addr.includes(':') ? `[${h.addr}]` : h.addr}:${h.port === 0 ? '*' : h.port}`;
}

/** Read `ss -tanoH` output into watched sockets (listeners left out). */
export function fromSs(stdout: string): WatchedSocket[] {
  return parseSsOutput(stdout)
    .filter((s) => s.state !== 'LISTEN')
    .map((s) => ({
      state: s.state,
      local: hostPort(s.local),
      peer: hostPort(s.peer),
      recvQ: s.recvQ,
      sendQ: s.sendQ,
      timer: s.timer && s.timer.name !== 'off' ? { name: s.timer.name, remaining_s: s.timer.remaining_s, count: s.timer.count } : null,
    }));
}

/** Read `netstat -tnoa` output into watched sockets (listeners left out). */
export function fromNetstat(stdout: string): WatchedSocket[] {
  const out: WatchedSocket[] = [];
  for (const line of stdout.split('\n')) {
    let s;
    try {
      s = parseNetstatLine(line);
    } catch {
      continue; // udp lines, lines without -o
    }
    if (!s || s.state === 'LISTEN') continue;
    const t = s.timer;
    const name = t.name === 'probe' ? 'persist' : t.name;
    out.push({
      state: s.state,
      local: hostPort(s.local),
      peer: hostPort(s.peer),
      recvQ: s.recvQ,
      sendQ: s.sendQ,
      timer: name === 'off' ? null : { name, remaining_s: t.remaining_s, count: name === 'on' ? t.retrans : t.probes },
    });
  }
  return out;
}

export type Sampler = () => Promise<WatchedSocket[]>;

async function run(tool: string, args: string[], pkg: string): Promise<string> {
  try {
    return (await execa(tool, args, { reject: true })).stdout;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new PrerequisiteError(`${tool} is not installed`, `apt-get install ${pkg}`);
    throw e;
  }
}

export const ssSampler: Sampler = async () => fromSs(await run('ss', ['-tanoH'], 'iproute2'));
export const netstatSampler: Sampler = async () => fromNetstat(await run('netstat', ['-tnoa'], 'net-tools'));

export interface WatchOptions {
  onLine: (line: string) => void;
  /** Default: `ss -tanoH`. */
  sample?: Sampler;
  /** Between samples; default 200 ms. */
  interval_ms?: number;
  signal?: AbortSignal;
  /** Stop once every connection seen has gone (default: run until the signal). */
  stopWhenGone?: boolean;
  /** Seconds since the watch started; injectable for tests. */
  now?: () => number;
}

/**
 * Sample until `signal` aborts (or, with stopWhenGone, until every connection
 * seen has gone), and hand one line per change to onLine.
 */
export async function watch(targetText: string, o: WatchOptions): Promise<void> {
  const target = parseTarget(targetText);
  const sample = o.sample ?? ssSampler;
  const interval = o.interval_ms ?? 200;
  const started = performance.now();
  const now = o.now ?? (() => (performance.now() - started) / 1000);
  const narrator = new Narrator();
  let seenAny = false;
  o.onLine(`watching ${targetText} every ${interval} ms (Ctrl-C stops)`);
  while (!o.signal?.aborted) {
    const t = now();
    const sockets = (await sample()).filter((s) => matches(s, target));
    for (const line of narrator.update(t, sockets)) o.onLine(line);
    if (sockets.length > 0) seenAny = true;
    if (o.stopWhenGone && seenAny && narrator.size === 0) return;
    await sleep(interval, o.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
