import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { Narrator } from './narrate.ts';
import { fromNetstat, fromSs, matches, parseTarget, watch, type Sampler } from './watch.ts';

const seed = (file: string) => readFileSync(new URL(`../observe/fixtures/${file}`, import.meta.url), 'utf8');
const seedLines = seed('seed-timer-lines.txt')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => l.split('\t') as [string, string]);

/** Feed `netstat -c --timer | grep` lines one sample at a time, a second apart (netstat -c). */
function narrateNetstat(lines: readonly string[]): string[] {
  const n = new Narrator();
  return lines.flatMap((l, i) => n.update(i, fromNetstat(l.replace(/\s*\/\/.*$/, ''))));
}

describe('narrating the seed notes (000, netstat -c --timer)', () => {
  it('port 1: four keepalive probes, then gone: keepalive gave up', () => {
    const lines = seedLines.filter(([at]) => /^000_.*:(2[89]|[3-5]\d|6[0-3])$/.test(at)).map(([, t]) => t);
    expect(lines).toHaveLength(36);
    const said = narrateNetstat([...lines, '']);
    expect(said.map((s) => s.replace(/^\s*[\d.]+ s {2}192\.0\.0\.1:43245 → 192\.0\.68\.1:49742 {2}/, ''))).toEqual([
      'ESTABLISHED, keepalive 1.92 s left, count 0',
      'keepalive probe 1 sent, no answer; next in 9.46 s',
      'keepalive probe 2 sent, no answer; next in 9.01 s',
      'keepalive probe 3 sent, no answer; next in 9.38 s',
      'keepalive probe 4 sent, no answer; next in 8.98 s',
      'gone after 4 unanswered keepalive probes: keepalive gave up — the kernel sent an RST and the application gets ETIMEDOUT',
    ]);
  });

  it('port 2: keepalive → on when the application writes, then retransmissions', () => {
    const lines = seedLines.filter(([at]) => /^000_.*:(6[89]|[78]\d)$/.test(at)).map(([, t]) => t);
    const said = narrateNetstat(lines).map((s) => s.replace(/^.*43881 {2}/, ''));
    expect(said).toEqual([
      'ESTABLISHED, keepalive 8.18 s left, count 1',
      'keepalive probe 2 sent, no answer; next in 8.91 s',
      'timer keepalive → on: data is waiting for an ACK (Send-Q 210); the retransmission timer runs and keepalive stops',
      'retransmission 3 (timeout); next in 0.68 s',
      'retransmission 4 (timeout); next in 2.74 s',
      'retransmission 5 (timeout); next in 2.28 s',
      'retransmission 6 (timeout); next in 2.95 s',
    ]);
  });
});

describe('narrating ss samples', () => {
  it('SYN-RECV under TCP_DEFER_ACCEPT: the timer fires without resending, then the connection is established (seed 003)', () => {
    const n = new Narrator();
    const sample = (timer: string) => fromSs(`SYN-RECV 0 0 127.0.0.1:1 127.0.0.1:40064 ${timer}\n`);
    const said = [
      ...n.update(0, sample('timer:(on,996ms,0)')),
      ...n.update(0.9, sample('timer:(on,1.009ms,0)')),
      ...n.update(2, sample('timer:(on,3.049ms,0)')),
      ...n.update(8, fromSs('ESTAB 11 0 127.0.0.1:1 127.0.0.1:40064\n')),
    ].map((s) => s.replace(/^.*40064 {2}/, ''));
    expect(said).toEqual([
      'SYN-RECV, on 1 s left, count 0',
      'SYN-ACK timer fired without resending (TCP_DEFER_ACCEPT); next in 1.01 s',
      'SYN-ACK timer fired without resending (TCP_DEFER_ACCEPT); next in 3.05 s',
      'state SYN-RECV → ESTAB',
      'timer on → no timer: nothing to wait for (no data in flight, keepalive off)',
    ]);
  });

  it('keepalive answered: the probe count goes back to 0', () => {
    const n = new Narrator();
    n.update(0, fromSs('ESTAB 0 0 127.0.0.1:2 127.0.0.1:1 timer:(keepalive,500ms,1)\n'));
    expect(n.update(1, fromSs('ESTAB 0 0 127.0.0.1:2 127.0.0.1:1 timer:(keepalive,2.000ms,0)\n'))[0]).toMatch(/the peer answered: probe count back to 0/);
  });

  it('TIME-WAIT ends', () => {
    const n = new Narrator();
    n.update(0, fromSs('TIME-WAIT 0 0 127.0.0.1:2 127.0.0.1:1 timer:(timewait,59sec,0)\n'));
    expect(n.update(60, [])).toEqual(['  60.00 s  127.0.0.1:2 → 127.0.0.1:1  gone: TIME-WAIT is over']);
  });
});

describe('the watch target', () => {
  it.each([
    ['127.0.0.1:5555', { addr: '127.0.0.1', port: 5555 }],
    ['[::1]:80', { addr: '::1', port: 80 }],
    ['*:5555', { addr: null, port: 5555 }],
    [':5555', { addr: null, port: 5555 }],
  ])('%s', (text, want) => {
    expect(parseTarget(text)).toEqual(want);
  });

  it.each(['5555', '127.0.0.1', '127.0.0.1:http', '127.0.0.1:0', '127.0.0.1:70000'])('rejects %s with a hint', (text) => {
    expect(() => parseTarget(text)).toThrow(UsageError);
    try {
      parseTarget(text);
    } catch (e) {
      expect((e as UsageError).hint).toMatch(/--watch 127\.0\.0\.1:5555/);
    }
  });

  it('matches either end of a connection', () => {
    const [a, b] = fromSs('ESTAB 0 0 127.0.0.1:5555 127.0.0.1:40000\nESTAB 0 0 127.0.0.1:40000 127.0.0.1:5555\n');
    const t = parseTarget('127.0.0.1:5555');
    expect([matches(a!, t), matches(b!, t)]).toEqual([true, true]);
    expect(matches(a!, parseTarget('10.0.0.1:5555'))).toBe(false);
    expect(matches(a!, parseTarget('*:5555'))).toBe(true);
  });
});

describe('watch (sampling loop)', () => {
  it('narrates each sample and stops once the connection is gone', async () => {
    const samples = [
      'ESTAB 0 0 127.0.0.1:40000 127.0.0.1:5555 timer:(keepalive,900ms,0)\nESTAB 0 0 127.0.0.1:9 127.0.0.1:10 timer:(keepalive,1sec,0)\n',
      'ESTAB 0 0 127.0.0.1:40000 127.0.0.1:5555 timer:(keepalive,950ms,1)\n',
      '',
    ];
    let i = 0;
    const sample: Sampler = async () => fromSs(samples[Math.min(i++, samples.length - 1)]!);
    const lines: string[] = [];
    await watch('127.0.0.1:5555', { sample, interval_ms: 1, stopWhenGone: true, onLine: (l) => lines.push(l), now: () => i });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('watching 127.0.0.1:5555 every 1 ms (Ctrl-C stops)');
    expect(lines[2]).toMatch(/keepalive probe 1 sent/);
    expect(lines[3]).toMatch(/gone after 1 unanswered keepalive probes/);
  });

  it('stops when aborted, without waiting out the interval', async () => {
    const stop = new AbortController();
    let samples = 0;
    const sample: Sampler = async () => {
      samples++;
      stop.abort();
      return fromSs('ESTAB 0 0 127.0.0.1:40000 127.0.0.1:5555 timer:(keepalive,900ms,0)\n');
    };
    const lines: string[] = [];
    const outcome = await Promise.race([
      watch(':5555', { sample, interval_ms: 10_000, signal: stop.signal, onLine: (l) => lines.push(l), now: () => 0 }).then(() => 'returned'),
      new Promise((r) => setTimeout(r, 2_000, 'still sleeping')),
    ]);
    expect(outcome).toBe('returned');
    expect(samples).toBe(1);
    expect(lines).toEqual(['watching :5555 every 10000 ms (Ctrl-C stops)', '   0.00 s  127.0.0.1:40000 → 127.0.0.1:5555  ESTAB, keepalive 0.9 s left, count 0']);
  });

  it('takes no sample when already aborted', async () => {
    let samples = 0;
    const sample: Sampler = async () => {
      samples++;
      return [];
    };
    await watch(':5555', { sample, signal: AbortSignal.abort(), onLine: () => {} });
    expect(samples).toBe(0);
  });
});

// A real loopback connection in a throwaway network namespace (unshare -n): the
// peer vanishes behind an iptables rule that exists only in that namespace.
function processesIn(netns: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/ns/net`) === netns;
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    });
}

const canUnshare =
  process.getuid?.() === 0 &&
  ['unshare', 'iptables', 'ss', 'ip'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0) &&
  spawnSync('unshare', ['-n', 'true']).status === 0;

describe.skipIf(!canUnshare)('watch on a live connection (needs root, unshare, iptables, ss)', () => {
  it('narrates a keepalive probe, keepalive → on, and the death, and leaves nothing behind', () => {
    const hostNetns = readlinkSync('/proc/self/ns/net');
    const script = fileURLToPath(new URL('./watch-live.scenario.ts', import.meta.url));
    const r = spawnSync('unshare', ['-n', process.execPath, '--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 60_000,
      killSignal: 'SIGKILL',
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const { lines, clientError, netns } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { lines: string[]; clientError: string; netns: string };
    expect(netns).not.toBe(hostNetns); // it really ran in its own namespace
    const text = lines.join('\n');
    expect(clientError).toBe('ETIMEDOUT');
    expect(text).toMatch(/127\.0\.0\.1:\d+ → 127\.0\.0\.1:5555 {2}ESTAB, keepalive/);
    expect(text).toMatch(/keepalive probe 1 sent, no answer/);
    expect(text).toMatch(/timer keepalive → on: data is waiting for an ACK \(Send-Q 1\)/);
    expect(text).toMatch(/retransmission 1 \(timeout\)/);
    expect(text).toMatch(/gone after \d+ unanswered retransmissions: .*ETIMEDOUT/);
    // In order: probe, switch, death.
    const order = ['keepalive probe 1', 'keepalive → on', 'gone after'].map((s) => text.indexOf(s));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Nothing left behind: no process is in that namespace any more (so it is gone, with
    // its firewall rule), and the host's own firewall never had the rule.
    expect(processesIn(netns)).toEqual([]);
    expect(execFileSync('iptables', ['-S', 'INPUT']).toString()).not.toContain('-A INPUT -i lo -j DROP');
  });
});
