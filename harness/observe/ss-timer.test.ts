import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSsLine, parseSsOutput, parseSsTimer, type SsTimer } from './ss-timer.ts';
import { TimerTextError } from './timer-text-error.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const lines = (name: string) => fixture(name).split('\n').filter((l) => l !== '');
const timer = (name: SsTimer['name'], remaining_s: number, count: number, mislabelled = false): SsTimer =>
  mislabelled ? { name, remaining_s, count, mislabelled } : { name, remaining_s, count };

describe('parseSsTimer', () => {
  it.each([
    ['timer:(on,044ms,0)', timer('on', 0.044, 0)],
    ['timer:(on,1.840ms,2)', timer('on', 1.84, 2, true)],
    ['timer:(on,1.840sec,2)', timer('on', 1.84, 2)],
    ['timer:(keepalive,58sec,3)', timer('keepalive', 58, 3)],
    ['timer:(keepalive,2min3sec,0)', timer('keepalive', 123, 0)],
    ['timer:(keepalive,119min,0)', timer('keepalive', 7140, 0)],
    ['timer:(persist,,1)', timer('persist', 0, 1)],
    ['timer:(unknown,011ms,0)', timer('unknown', 0.011, 0)],
    ['(timewait,59sec,0)', timer('timewait', 59, 0)],
  ])('%s', (text, want) => {
    expect(parseSsTimer(text)).toEqual(want);
  });

  it.each([
    ['timer:(on,044ms)', /not an ss timer/],
    ['timer:(retrans,044ms,0)', /unknown timer name 'retrans'.*on, keepalive/],
    ['timer:(on,44 ms,0)', /time '44 ms' is not an ss timer duration/],
    ['timer:(on,044ms,-1)', /count '-1'/],
    ['keepalive (6176.47/0/0)', /not an ss timer/],
  ])('rejects %s', (text, message) => {
    expect(() => parseSsTimer(text)).toThrow(TimerTextError);
    expect(() => parseSsTimer(text)).toThrow(message);
  });
});

describe('every ss timer line in the seed notes', () => {
  // seeds/003 (ss from an older iproute2, column output with a header). The
  // 'S.MMMms' values are seconds: 1.999ms is the SYN timer 2 s after the first
  // retransmit, as the tcpdump lines beside it in the notes show.
  const want: Array<[SsTimer['name'], number, number, boolean]> = [
    ['on', 0.995, 0, false], ['on', 1.999, 1, true], ['on', 3.041, 2, true],
    ['on', 0.995, 0, false], ['on', 1.016, 1, true], ['on', 3.057, 2, true], ['on', 1.629, 5, true],
    ['on', 15, 4, false], ['on', 15, 8, false], ['on', 7.043, 3, true],
    ['on', 0.996, 0, false], ['on', 1.009, 0, true], ['on', 3.049, 0, true], ['on', 1.036, 0, true],
    ['on', 7.055, 0, true], ['on', 1.071, 0, true],
    ['keepalive', 2.986, 0, true],
    ['on', 2.727, 5, true], ['on', 1.719, 5, true], ['on', 0.713, 5, false],
    ['persist', 23, 0, false], ['persist', 3.036, 0, true], ['persist', 0, 0, false],
    ['persist', 0.122, 0, false], ['timewait', 55, 0, false], ['timewait', 0.661, 0, false],
    ['persist', 0.042, 0, false], ['persist', 0.922, 3, false], ['timewait', 58, 0, false],
    ['on', 0.197, 0, false], ['on', 0.138, 0, false], ['on', 0.347, 1, false], ['on', 0.148, 2, false],
    ['on', 0.199, 0, false], ['on', 0.132, 0, false], ['on', 0.133, 1, false],
  ];
  const seeds = lines('seed-timer-lines.txt')
    .filter((l) => l.includes('timer:('))
    .map((l) => l.split('\t') as [string, string]);

  it('finds all 36 of them', () => {
    expect(seeds).toHaveLength(want.length);
  });

  it.each(seeds.map(([at, line], i) => [at, line, want[i]] as const))('%s', (_at, line, w) => {
    const socket = parseSsLine(line);
    expect(socket?.timer).toEqual(timer(...w!));
    expect(socket?.local.addr).toBe('127.0.0.1');
    expect(socket?.info).toBeUndefined();
  });
});

describe('parseSsLine on `ss -tanoiOH` lines from this machine (iproute2 6.1, kernel 6.18)', () => {
  const real = lines('ss-tanoiOH.txt');
  // [state, local port, peer port, Send-Q, timer, a few info values]
  const want: Array<[string, number, number, number, SsTimer | undefined, Record<string, unknown>]> = [
    ['LISTEN', 5556, 0, 4, undefined, { bbr: true, cwnd: 10 }],
    ['SYN-SENT', 53340, 5556, 1, timer('on', 0.856, 0), { rto: 1000, unacked: 1 }],
    ['SYN-SENT', 53340, 5556, 1, timer('on', 0, 0), { rto: 1000 }],
    ['SYN-RECV', 5556, 53340, 0, timer('on', 0.964, 0), {}],
    ['SYN-RECV', 5556, 53340, 0, timer('on', 0, 0), {}],
    ['ESTAB', 54616, 5555, 0, timer('keepalive', 0.796, 0), { rto: 204, wscale: '10,10' }],
    ['ESTAB', 54616, 5555, 0, timer('keepalive', 0.912, 1), { rto: 204 }],
    ['ESTAB', 54616, 5555, 0, timer('keepalive', 0.976, 2), { rto: 204 }],
    ['ESTAB', 54616, 5555, 6, timer('on', 0.18, 0), { rto: 204, unacked: 1, retrans: '0/1' }],
    ['ESTAB', 54616, 5555, 6, timer('on', 0.276, 1), { rto: 408, backoff: 1, retrans: '1/2', lost: 1 }],
    ['FIN-WAIT-1', 54616, 5555, 7, timer('on', 0.804, 2), { rto: 816, backoff: 2, retrans: '1/3' }],
    ['ESTAB', 54340, 5559, 4848, timer('persist', 0.008, 0), { rto: 208, notsent: 4848 }],
    ['ESTAB', 54340, 5559, 4848, timer('persist', 0.64, 1), { backoff: 2 }],
    ['ESTAB', 54340, 5559, 4848, timer('persist', 0, 1), { backoff: 2 }],
    ['TIME-WAIT', 54340, 5559, 0, timer('timewait', 59, 0), {}],
    ['FIN-WAIT-1', 54340, 5559, 1, timer('on', 0.168, 0), { rto: 204 }],
    ['ESTAB', 5559, 54340, 0, undefined, { rto: 1788, wscale: '10,0' }],
    // from a second run: keepalive idle 3 s, an IPv6 pair, a TIME-WAIT
    ['LISTEN', 5555, 0, 4, undefined, { cwnd: 10 }],
    ['ESTAB', 5555, 42402, 0, undefined, { ato: 40 }],
    ['ESTAB', 42402, 5555, 0, timer('keepalive', 2.312, 0, true), { rto: 204 }],
    ['TIME-WAIT', 42406, 5555, 0, timer('timewait', 59, 0), {}],
    ['LISTEN', 80, 0, 1, undefined, { unacked: 1 }],
    ['ESTAB', 50122, 80, 0, undefined, { mss: 32732 }],
    ['ESTAB', 80, 50122, 0, undefined, { mss: 32768 }],
  ];

  it('has one expectation per fixture line', () => {
    expect(real).toHaveLength(want.length);
  });

  it.each(real.map((line, i) => [i + 1, line, want[i]!] as const))('line %i', (_n, line, w) => {
    const [state, lport, pport, sendQ, t, info] = w;
    const s = parseSsLine(line);
    expect(s).not.toBeNull();
    expect(s!.state).toBe(state);
    expect(s!.local.port).toBe(lport);
    expect(s!.peer.port).toBe(pport);
    expect(s!.sendQ).toBe(sendQ);
    expect(s!.timer).toEqual(t);
    if (Object.keys(info).length === 0) expect(s!.info).toBeUndefined();
    else expect(s!.info).toMatchObject(info);
  });

  it('reads IPv6 addresses and wildcard peers', () => {
    const v6 = real.map(parseSsLine).filter((s) => s?.local.addr === '::1');
    expect(v6.map((s) => [s!.state, s!.local, s!.peer])).toEqual([
      ['LISTEN', { addr: '::1', port: 80 }, { addr: '::', port: 0 }],
      ['ESTAB', { addr: '::1', port: 50122 }, { addr: '::1', port: 80 }],
      ['ESTAB', { addr: '::1', port: 80 }, { addr: '::1', port: 50122 }],
    ]);
    expect(parseSsLine(real[0]!)?.peer).toEqual({ addr: '0.0.0.0', port: 0 });
  });
});

describe('parseSsLine on other real forms', () => {
  it('returns null for the header, blank lines and -i continuation lines', () => {
    const [header, , continuation] = fixture('ss-tanoi.txt').split('\n');
    expect(header).toMatch(/^State/);
    expect(parseSsLine(header!)).toBeNull();
    expect(continuation).toMatch(/^\t bbr cwnd:10/);
    expect(parseSsLine(continuation!)).toBeNull();
    expect(parseSsLine('')).toBeNull();
    expect(parseSsLine('\t      ')).toBeNull();
    expect(parseSsLine('Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port')).toBeNull();
  });

  it('keeps -p users apart from the timer', () => {
    const line = lines('ss-tanoipOH.txt').find((l) => l.includes('timer:(keepalive'))!;
    const s = parseSsLine(line)!;
    expect(s.timer).toEqual(timer('keepalive', 2.304, 0, true));
    expect(s.info).toMatchObject({ users: '(("python3",pid=5164,fd=4))', rto: 204 });
  });

  it('reads the older column format with `*:*` peers (seed notes)', () => {
    expect(parseSsLine('LISTEN     0      16     127.0.0.1:1                        *:*                  ')).toEqual({
      state: 'LISTEN',
      recvQ: 0,
      sendQ: 16,
      local: { addr: '127.0.0.1', port: 1 },
      peer: { addr: '*', port: 0 },
    });
  });

  it('reads a Netid column when ss prints one', () => {
    expect(parseSsLine('tcp   ESTAB 0 0 127.0.0.1:5555 127.0.0.1:42402')).toMatchObject({ netid: 'tcp', state: 'ESTAB' });
  });

  it('throws on lines that are not ss socket lines', () => {
    expect(() => parseSsLine('tcp        0      0 127.0.0.1:5555          0.0.0.0:*               LISTEN      off (0.00/0/0)')).toThrow(TimerTextError);
    expect(() => parseSsLine('ESTAB x 0 127.0.0.1:1 127.0.0.1:2')).toThrow(/Recv-Q/);
    expect(() => parseSsLine('ESTAB 0 0 127.0.0.1:1 127.0.0.1:2 timer:(on,1.5ms,0)')).toThrow(TimerTextError);
  });
});

describe('parseSsOutput', () => {
  // The same seven sockets, printed three ways on this machine within a few ms.
  const summary = (text: string) =>
    parseSsOutput(text).map((s) => [s.state, s.local.port, s.peer.port, s.timer?.name ?? '-', s.info?.rto ?? '-']);
  const expected = [
    ['LISTEN', 5555, 0, '-', '-'],
    ['ESTAB', 5555, 42402, '-', 204],
    ['ESTAB', 42402, 5555, 'keepalive', 204],
    ['TIME-WAIT', 42406, 5555, 'timewait', '-'],
    ['LISTEN', 80, 0, '-', '-'],
    ['ESTAB', 50122, 80, '-', 204],
    ['ESTAB', 80, 50122, '-', 204],
  ];

  it('joins -i continuation lines of `ss -tanoi` to their socket', () => {
    expect(summary(fixture('ss-tanoi.txt'))).toEqual(expected);
    const keepalive = parseSsOutput(fixture('ss-tanoi.txt'))[2]!;
    expect(keepalive.timer).toEqual(timer('keepalive', 2.324, 0, true));
    expect(keepalive.info).toMatchObject({ ts: true, sack: true, bytes_sent: 5, send: expect.stringMatching(/bps$/) });
  });

  it('reads one-line `ss -tanoiOH` the same way', () => {
    expect(summary(lines('ss-tanoiOH.txt').slice(-7).join('\n'))).toEqual(expected);
  });

  it('reads `ss -tanoO` without info', () => {
    expect(summary(fixture('ss-tanoO.txt')).map((row) => row.slice(0, 4))).toEqual(expected.map((row) => row.slice(0, 4)));
  });
});
