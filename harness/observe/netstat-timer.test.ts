import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNetstatLine, parseNetstatTimer, type NetstatTimer } from './netstat-timer.ts';
import { TimerTextError } from './timer-text-error.ts';

const fixtureLines = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '');
const timer = (name: NetstatTimer['name'], remaining_s: number, retrans: number, probes: number): NetstatTimer => ({
  name,
  remaining_s,
  retrans,
  probes,
});

describe('parseNetstatTimer', () => {
  it.each([
    ['keepalive (6176.47/0/0)', timer('keepalive', 6176.47, 0, 0)],
    ['on (0.21/2/2)', timer('on', 0.21, 2, 2)],
    ['timewait (36.57/0/0)', timer('timewait', 36.57, 0, 0)],
    ['off (0.00/0/0)', timer('off', 0, 0, 0)],
    ['probe (0.75/0/1)', timer('probe', 0.75, 0, 1)],
    ['unkn-7 (1.00/0/0)', timer('unkn-7', 1, 0, 0)],
    ['  keepalive (6176.47/0/0)  ', timer('keepalive', 6176.47, 0, 0)],
  ])('%j', (text, want) => {
    expect(parseNetstatTimer(text)).toEqual(want);
  });

  it.each(['keepalive(1.00/0/0)', 'on (0.21/2)', 'on (1/0/0)', 'persist (0.75/0/1)', 'timer:(on,044ms,0)', ''])(
    'rejects %j',
    (text) => {
      expect(() => parseNetstatTimer(text)).toThrow(TimerTextError);
      expect(() => parseNetstatTimer(text)).toThrow(/NAME \(SECONDS\/RETRANS\/PROBES\)/);
    },
  );
});

describe('every netstat timer line in the seed notes', () => {
  // [seed:line, name, seconds, retrans, probes], read off the seed text by hand.
  const want: Array<[string, NetstatTimer['name'], number, number, number]> = [
    ['000:2', 'keepalive', 6176.47, 0, 0],
    ['000:28', 'keepalive', 1.92, 0, 0],
    ['000:29', 'keepalive', 0.71, 0, 0],
    ['000:30', 'keepalive', 9.46, 0, 1],
    ['000:31', 'keepalive', 8.3, 0, 1],
    ['000:32', 'keepalive', 7.14, 0, 1],
    ['000:33', 'keepalive', 5.98, 0, 1],
    ['000:34', 'keepalive', 4.82, 0, 1],
    ['000:35', 'keepalive', 3.66, 0, 1],
    ['000:36', 'keepalive', 2.5, 0, 1],
    ['000:37', 'keepalive', 1.33, 0, 1],
    ['000:38', 'keepalive', 0.17, 0, 1],
    ['000:39', 'keepalive', 9.01, 0, 2],
    ['000:40', 'keepalive', 7.75, 0, 2],
    ['000:41', 'keepalive', 6.47, 0, 2],
    ['000:42', 'keepalive', 5.29, 0, 2],
    ['000:43', 'keepalive', 4.08, 0, 2],
    ['000:44', 'keepalive', 2.89, 0, 2],
    ['000:45', 'keepalive', 1.73, 0, 2],
    ['000:46', 'keepalive', 0.54, 0, 2],
    ['000:47', 'keepalive', 9.38, 0, 3],
    ['000:48', 'keepalive', 8.23, 0, 3],
    ['000:49', 'keepalive', 7.08, 0, 3],
    ['000:50', 'keepalive', 5.93, 0, 3],
    ['000:51', 'keepalive', 4.76, 0, 3],
    ['000:52', 'keepalive', 3.62, 0, 3],
    ['000:53', 'keepalive', 2.48, 0, 3],
    ['000:54', 'keepalive', 1.32, 0, 3],
    ['000:55', 'keepalive', 0.13, 0, 3],
    ['000:56', 'keepalive', 8.98, 0, 4],
    ['000:57', 'keepalive', 7.78, 0, 4],
    ['000:58', 'keepalive', 6.62, 0, 4],
    ['000:59', 'keepalive', 5.45, 0, 4],
    ['000:60', 'keepalive', 4.29, 0, 4],
    ['000:61', 'keepalive', 3.14, 0, 4],
    ['000:62', 'keepalive', 1.99, 0, 4],
    ['000:63', 'keepalive', 0.85, 0, 4],
    ['000:68', 'keepalive', 8.18, 0, 1],
    ['000:69', 'keepalive', 7, 0, 1],
    ['000:70', 'keepalive', 5.86, 0, 1],
    ['000:71', 'keepalive', 4.71, 0, 1],
    ['000:72', 'keepalive', 3.55, 0, 1],
    ['000:73', 'keepalive', 2.4, 0, 1],
    ['000:74', 'keepalive', 1.21, 0, 1],
    ['000:75', 'keepalive', 0.05, 0, 1],
    ['000:76', 'keepalive', 8.91, 0, 2],
    ['000:77', 'keepalive', 7.75, 0, 2],
    ['000:78', 'keepalive', 6.56, 0, 2],
    ['000:79', 'keepalive', 5.39, 0, 2],
    ['000:80', 'keepalive', 4.14, 0, 2],
    ['000:81', 'on', 0.21, 2, 2],
    ['000:82', 'on', 0.68, 3, 2],
    ['000:83', 'on', 2.74, 4, 2],
    ['000:84', 'on', 1.59, 4, 2],
    ['000:85', 'on', 0.43, 4, 2],
    ['000:86', 'on', 2.28, 5, 2],
    ['000:87', 'on', 1.11, 5, 2],
    ['000:88', 'on', 2.95, 6, 2],
    ['000:90', 'on', 0.65, 249, 2],
    ['000:91', 'on', 2.58, 250, 2],
    ['000:92', 'on', 1.48, 250, 2],
    ['000:93', 'on', 0.36, 250, 2],
    ['000:94', 'on', 2.26, 251, 2],
    ['000:95', 'on', 1.15, 251, 2],
    ['000:96', 'on', 3.01, 252, 2],
    ['000:97', 'on', 1.92, 252, 2],
    ['000:98', 'on', 0.84, 252, 2],
    ['000:99', 'on', 2.72, 253, 2],
    ['000:100', 'on', 1.64, 253, 2],
    ['000:101', 'on', 0.55, 253, 2],
    ['000:102', 'on', 2.47, 254, 2],
    ['000:103', 'on', 1.39, 254, 2],
    ['000:104', 'on', 0.31, 254, 2],
    ['000:105', 'on', 2.19, 255, 2],
    ['000:106', 'on', 1.12, 255, 2],
    ['001:77', 'on', 2.47, 254, 2],
    ['001:80', 'on', 1.39, 254, 2],
    ['001:81', 'on', 0.31, 254, 2],
    ['001:82', 'on', 2.19, 255, 2],
    ['001:83', 'on', 1.12, 255, 2],
    ['002:10', 'keepalive', 6176.47, 0, 0],
    ['002:11', 'timewait', 36.57, 0, 0],
    ['002:12', 'on', 0.34, 0, 0],
    ['002:13', 'keepalive', 6963.6, 0, 0],
    ['002:14', 'keepalive', 1393.6, 0, 0],
    ['002:15', 'off', 0, 0, 0],
    ['002:16', 'off', 0, 0, 0],
    ['002:17', 'on', 0.28, 0, 0],
    ['002:18', 'timewait', 31.57, 0, 0],
    ['002:19', 'off', 0, 0, 0],
    ['002:20', 'off', 0, 0, 0],
    ['002:30', 'keepalive', 6176.47, 0, 0],
    ['002:58', 'keepalive', 1.92, 0, 0],
    ['002:59', 'keepalive', 0.71, 0, 0],
    ['002:60', 'keepalive', 9.46, 0, 1],
    ['002:61', 'keepalive', 8.3, 0, 1],
    ['002:62', 'keepalive', 7.14, 0, 1],
    ['002:63', 'keepalive', 5.98, 0, 1],
    ['002:64', 'keepalive', 4.82, 0, 1],
    ['002:65', 'keepalive', 3.66, 0, 1],
    ['002:66', 'keepalive', 2.5, 0, 1],
    ['002:67', 'keepalive', 1.33, 0, 1],
    ['002:68', 'keepalive', 0.17, 0, 1],
    ['002:69', 'keepalive', 9.01, 0, 2],
    ['002:70', 'keepalive', 7.75, 0, 2],
    ['002:71', 'keepalive', 6.47, 0, 2],
    ['002:72', 'keepalive', 5.29, 0, 2],
    ['002:73', 'keepalive', 4.08, 0, 2],
    ['002:74', 'keepalive', 2.89, 0, 2],
    ['002:75', 'keepalive', 1.73, 0, 2],
    ['002:76', 'keepalive', 0.54, 0, 2],
    ['002:77', 'keepalive', 9.38, 0, 3],
    ['002:78', 'keepalive', 8.23, 0, 3],
    ['002:79', 'keepalive', 7.08, 0, 3],
    ['002:80', 'keepalive', 5.93, 0, 3],
    ['002:81', 'keepalive', 4.76, 0, 3],
    ['002:82', 'keepalive', 3.62, 0, 3],
    ['002:83', 'keepalive', 2.48, 0, 3],
    ['002:84', 'keepalive', 1.32, 0, 3],
    ['002:85', 'keepalive', 0.13, 0, 3],
    ['002:86', 'keepalive', 8.98, 0, 4],
    ['002:87', 'keepalive', 7.78, 0, 4],
    ['002:88', 'keepalive', 6.62, 0, 4],
    ['002:89', 'keepalive', 5.45, 0, 4],
    ['002:90', 'keepalive', 4.29, 0, 4],
    ['002:91', 'keepalive', 3.14, 0, 4],
    ['002:92', 'keepalive', 1.99, 0, 4],
    ['002:93', 'keepalive', 0.85, 0, 4],
    ['002:103', 'keepalive', 8.18, 0, 1],
    ['002:104', 'keepalive', 7, 0, 1],
    ['002:105', 'keepalive', 5.86, 0, 1],
    ['002:106', 'keepalive', 4.71, 0, 1],
    ['002:107', 'keepalive', 3.55, 0, 1],
    ['002:108', 'keepalive', 2.4, 0, 1],
    ['002:109', 'keepalive', 1.21, 0, 1],
    ['002:110', 'keepalive', 0.05, 0, 1],
    ['002:111', 'keepalive', 8.91, 0, 2],
    ['002:112', 'keepalive', 7.75, 0, 2],
    ['002:113', 'keepalive', 6.56, 0, 2],
    ['002:114', 'keepalive', 5.39, 0, 2],
    ['002:115', 'keepalive', 4.14, 0, 2],
    ['002:116', 'on', 0.21, 2, 2],
    ['002:117', 'on', 0.68, 3, 2],
    ['002:118', 'on', 2.74, 4, 2],
    ['002:119', 'on', 1.59, 4, 2],
    ['002:120', 'on', 0.43, 4, 2],
    ['002:121', 'on', 2.28, 5, 2],
    ['002:122', 'on', 1.11, 5, 2],
    ['002:123', 'on', 2.95, 6, 2],
    ['002:127', 'on', 0.65, 249, 2],
    ['002:128', 'on', 2.58, 250, 2],
    ['002:129', 'on', 1.48, 250, 2],
    ['002:130', 'on', 0.36, 250, 2],
    ['002:131', 'on', 2.26, 251, 2],
    ['002:132', 'on', 1.15, 251, 2],
    ['002:133', 'on', 3.01, 252, 2],
    ['002:134', 'on', 1.92, 252, 2],
    ['002:135', 'on', 0.84, 252, 2],
    ['002:136', 'on', 2.72, 253, 2],
    ['002:137', 'on', 1.64, 253, 2],
    ['002:138', 'on', 0.55, 253, 2],
    ['002:139', 'on', 2.47, 254, 2],
    ['002:140', 'on', 1.39, 254, 2],
    ['002:141', 'on', 0.31, 254, 2],
    ['002:142', 'on', 2.19, 255, 2],
    ['002:143', 'on', 1.12, 255, 2],
  ];
  const seeds = fixtureLines('seed-timer-lines.txt')
    .filter((l) => !l.includes('timer:('))
    .map((l) => {
      const [at = '', text = ''] = l.split('\t');
      return [at.replace(/_[0-9a-f]+\.txt/, ''), text] as const;
    });

  it('finds all 166 of them', () => {
    expect(seeds.map(([at]) => at)).toEqual(want.map(([at]) => at));
  });

  it.each(seeds.map(([at, text], i) => [at, text, want[i]!] as const))('%s', (_at, text, w) => {
    const [, name, seconds, retrans, probes] = w;
    if (text.startsWith('tcp')) {
      // Two lines carry the author's note "// <---- retransmission timer kicks in".
      const line = parseNetstatLine(text.replace(/\s*\/\/.*$/, ''));
      expect(line?.timer).toEqual(timer(name, seconds, retrans, probes));
      expect(['ESTABLISHED', 'TIME_WAIT']).toContain(line?.state);
    } else {
      // A bare timer quoted in prose; the timer is the last two words.
      expect(parseNetstatTimer(text.trim().split(/\s+/).slice(-2).join(' '))).toEqual(
        timer(name, seconds, retrans, probes),
      );
    }
  });

  it('reads the glued ESTABLISHEDkeepalive form (seed 002, Ubuntu 8.04 netstat)', () => {
    const glued = seeds.filter(([at]) => /^002:(1\d|20)$/.test(at)).map(([, text]) => parseNetstatLine(text));
    expect(glued.map((s) => [s?.state, s?.timer.name, s?.local.port, s?.sendQ])).toEqual([
      ['ESTABLISHED', 'keepalive', 443, 0],
      ['TIME_WAIT', 'timewait', 443, 0],
      ['ESTABLISHED', 'on', 47763, 924],
      ['ESTABLISHED', 'keepalive', 443, 0],
      ['ESTABLISHED', 'keepalive', 443, 0],
      ['ESTABLISHED', 'off', 42204, 0],
      ['ESTABLISHED', 'off', 42207, 0],
      ['ESTABLISHED', 'on', 42186, 940],
      ['TIME_WAIT', 'timewait', 443, 0],
      ['ESTABLISHED', 'off', 42234, 0],
      ['ESTABLISHED', 'off', 42209, 0],
    ]);
  });
});

describe('parseNetstatLine on `netstat -tno` output from this machine (net-tools 2.10)', () => {
  const real = fixtureLines('netstat-tno.txt');
  // [state, local port, peer port, Send-Q, timer, extra columns]; null for header lines
  const want: Array<[string, number, number, number, NetstatTimer, string[]] | null> = [
    ['SYN_RECV', 5556, 53340, 0, timer('on', 0.94, 0, 0), []],
    ['SYN_SENT', 53340, 5556, 1, timer('on', 0.94, 0, 0), []],
    ['ESTABLISHED', 54616, 5555, 0, timer('keepalive', 0.9, 0, 0), []],
    ['ESTABLISHED', 54616, 5555, 0, timer('keepalive', 0.99, 0, 1), []],
    ['ESTABLISHED', 54616, 5555, 0, timer('keepalive', 0.98, 0, 2), []],
    ['ESTABLISHED', 54616, 5555, 6, timer('on', 0.13, 0, 2), []],
    ['ESTABLISHED', 54616, 5555, 6, timer('on', 0.4, 1, 2), []],
    ['FIN_WAIT1', 54616, 5555, 7, timer('on', 0.78, 2, 2), []],
    ['ESTABLISHED', 54340, 5559, 4848, timer('probe', 0.17, 0, 0), []],
    ['ESTABLISHED', 54340, 5559, 4848, timer('probe', 0.75, 0, 1), []],
    ['ESTABLISHED', 54340, 5559, 4848, timer('probe', 1.64, 0, 0), []],
    ['TIME_WAIT', 53340, 5556, 0, timer('timewait', 59.93, 0, 0), []],
    ['ESTABLISHED', 5555, 54616, 0, timer('off', 0, 0, 0), []],
    // netstat -tnoa
    null,
    null,
    ['LISTEN', 5555, 0, 0, timer('off', 0, 0, 0), []],
    ['ESTABLISHED', 5555, 42402, 0, timer('off', 0, 0, 0), []],
    ['ESTABLISHED', 42402, 5555, 0, timer('keepalive', 2.29, 0, 0), []],
    ['TIME_WAIT', 42406, 5555, 0, timer('timewait', 59.29, 0, 0), []],
    ['LISTEN', 80, 0, 0, timer('off', 0, 0, 0), []],
    ['ESTABLISHED', 50122, 80, 0, timer('off', 0, 0, 0), []],
    ['ESTABLISHED', 80, 50122, 0, timer('off', 0, 0, 0), []],
    // netstat -tnoep: User, Inode and PID/Program name sit before the timer
    null,
    null,
    ['ESTABLISHED', 54382, 5555, 0, timer('keepalive', 2.36, 0, 0), ['0', '9997', '5339/python3']],
    ['TIME_WAIT', 54398, 5555, 0, timer('timewait', 59.36, 0, 0), ['0', '0', '-']],
    ['ESTABLISHED', 5555, 54382, 0, timer('off', 0, 0, 0), ['0', '9998', '5339/python3']],
    ['ESTABLISHED', 80, 52402, 0, timer('off', 0, 0, 0), ['0', '0', '-']],
    ['ESTABLISHED', 52402, 80, 0, timer('off', 0, 0, 0), ['0', '10002', '5339/python3']],
  ];

  it('has one expectation per fixture line', () => {
    expect(real).toHaveLength(want.length);
  });

  it.each(real.map((line, i) => [i + 1, line, want[i] ?? null] as const))('line %i', (_n, line, w) => {
    const s = parseNetstatLine(line);
    if (w === null) {
      expect(s).toBeNull();
      return;
    }
    const [state, lport, pport, sendQ, t, extra] = w;
    expect(s).toMatchObject({ state, sendQ, timer: t, extra });
    expect(s!.local.port).toBe(lport);
    expect(s!.peer.port).toBe(pport);
  });

  it('reads netstat IPv6 addresses, which have no brackets', () => {
    const listen6 = parseNetstatLine(real.find((l) => l.startsWith('tcp6') && l.includes('LISTEN'))!);
    expect(listen6).toMatchObject({ proto: 'tcp6', recvQ: 1, local: { addr: '::1', port: 80 }, peer: { addr: '::', port: 0 } });
  });

  it('throws on lines without a timer or with unreadable columns', () => {
    expect(() => parseNetstatLine('tcp        0      0 127.0.0.1:5555          0.0.0.0:*               LISTEN')).toThrow(/-o/);
    expect(() => parseNetstatLine('ESTAB 0 0 127.0.0.1:1 127.0.0.1:2 timer:(on,044ms,0)')).toThrow(TimerTextError);
    expect(() => parseNetstatLine('tcp x 0 127.0.0.1:1 127.0.0.1:2 ESTABLISHED on (0.21/2/2)')).toThrow(/Recv-Q/);
  });
});
