import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { explain, explainLines } from './explain.ts';
import { ExplainError } from './explain-error.ts';
import type { Explanation, TimerKind } from './explanation.ts';
import { formatExplanation } from './format.ts';

// Every line of the seed notes that carries a timer (observe/fixtures/seed-timer-lines.txt,
// copied from the original notes, docs/notes.md, as file:line<TAB>text).
const seedLines = readFileSync(new URL('../observe/fixtures/seed-timer-lines.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => {
    const [at = '', text = ''] = l.split('\t');
    return [at.replace(/_[0-9a-f]+\.txt/, ''), text] as const;
  });

const KIND: Record<string, TimerKind> = { on: 'retransmit', keepalive: 'keepalive', timewait: 'timewait', persist: 'zero-window', off: 'off' };
const STATE: Record<string, string> = { '': '', ESTABLISHED: 'ESTABLISHED', TIME_WAIT: 'TIME_WAIT' };

// netstat: [seed:line, state ('' = a bare timer or prose), name, seconds, retrans, probes], read off the seeds.
const NETSTAT: Array<[string, string, string, number, number, number]> = [
    ['000:2', '', 'keepalive', 6176.47, 0, 0],
    ['000:28', 'ESTABLISHED', 'keepalive', 1.92, 0, 0],
    ['000:29', 'ESTABLISHED', 'keepalive', 0.71, 0, 0],
    ['000:30', 'ESTABLISHED', 'keepalive', 9.46, 0, 1],
    ['000:31', 'ESTABLISHED', 'keepalive', 8.3, 0, 1],
    ['000:32', 'ESTABLISHED', 'keepalive', 7.14, 0, 1],
    ['000:33', 'ESTABLISHED', 'keepalive', 5.98, 0, 1],
    ['000:34', 'ESTABLISHED', 'keepalive', 4.82, 0, 1],
    ['000:35', 'ESTABLISHED', 'keepalive', 3.66, 0, 1],
    ['000:36', 'ESTABLISHED', 'keepalive', 2.5, 0, 1],
    ['000:37', 'ESTABLISHED', 'keepalive', 1.33, 0, 1],
    ['000:38', 'ESTABLISHED', 'keepalive', 0.17, 0, 1],
    ['000:39', 'ESTABLISHED', 'keepalive', 9.01, 0, 2],
    ['000:40', 'ESTABLISHED', 'keepalive', 7.75, 0, 2],
    ['000:41', 'ESTABLISHED', 'keepalive', 6.47, 0, 2],
    ['000:42', 'ESTABLISHED', 'keepalive', 5.29, 0, 2],
    ['000:43', 'ESTABLISHED', 'keepalive', 4.08, 0, 2],
    ['000:44', 'ESTABLISHED', 'keepalive', 2.89, 0, 2],
    ['000:45', 'ESTABLISHED', 'keepalive', 1.73, 0, 2],
    ['000:46', 'ESTABLISHED', 'keepalive', 0.54, 0, 2],
    ['000:47', 'ESTABLISHED', 'keepalive', 9.38, 0, 3],
    ['000:48', 'ESTABLISHED', 'keepalive', 8.23, 0, 3],
    ['000:49', 'ESTABLISHED', 'keepalive', 7.08, 0, 3],
    ['000:50', 'ESTABLISHED', 'keepalive', 5.93, 0, 3],
    ['000:51', 'ESTABLISHED', 'keepalive', 4.76, 0, 3],
    ['000:52', 'ESTABLISHED', 'keepalive', 3.62, 0, 3],
    ['000:53', 'ESTABLISHED', 'keepalive', 2.48, 0, 3],
    ['000:54', 'ESTABLISHED', 'keepalive', 1.32, 0, 3],
    ['000:55', 'ESTABLISHED', 'keepalive', 0.13, 0, 3],
    ['000:56', 'ESTABLISHED', 'keepalive', 8.98, 0, 4],
    ['000:57', 'ESTABLISHED', 'keepalive', 7.78, 0, 4],
    ['000:58', 'ESTABLISHED', 'keepalive', 6.62, 0, 4],
    ['000:59', 'ESTABLISHED', 'keepalive', 5.45, 0, 4],
    ['000:60', 'ESTABLISHED', 'keepalive', 4.29, 0, 4],
    ['000:61', 'ESTABLISHED', 'keepalive', 3.14, 0, 4],
    ['000:62', 'ESTABLISHED', 'keepalive', 1.99, 0, 4],
    ['000:63', 'ESTABLISHED', 'keepalive', 0.85, 0, 4],
    ['000:68', 'ESTABLISHED', 'keepalive', 8.18, 0, 1],
    ['000:69', 'ESTABLISHED', 'keepalive', 7.0, 0, 1],
    ['000:70', 'ESTABLISHED', 'keepalive', 5.86, 0, 1],
    ['000:71', 'ESTABLISHED', 'keepalive', 4.71, 0, 1],
    ['000:72', 'ESTABLISHED', 'keepalive', 3.55, 0, 1],
    ['000:73', 'ESTABLISHED', 'keepalive', 2.4, 0, 1],
    ['000:74', 'ESTABLISHED', 'keepalive', 1.21, 0, 1],
    ['000:75', 'ESTABLISHED', 'keepalive', 0.05, 0, 1],
    ['000:76', 'ESTABLISHED', 'keepalive', 8.91, 0, 2],
    ['000:77', 'ESTABLISHED', 'keepalive', 7.75, 0, 2],
    ['000:78', 'ESTABLISHED', 'keepalive', 6.56, 0, 2],
    ['000:79', 'ESTABLISHED', 'keepalive', 5.39, 0, 2],
    ['000:80', 'ESTABLISHED', 'keepalive', 4.14, 0, 2],
    ['000:81', 'ESTABLISHED', 'on', 0.21, 2, 2],
    ['000:82', 'ESTABLISHED', 'on', 0.68, 3, 2],
    ['000:83', 'ESTABLISHED', 'on', 2.74, 4, 2],
    ['000:84', 'ESTABLISHED', 'on', 1.59, 4, 2],
    ['000:85', 'ESTABLISHED', 'on', 0.43, 4, 2],
    ['000:86', 'ESTABLISHED', 'on', 2.28, 5, 2],
    ['000:87', 'ESTABLISHED', 'on', 1.11, 5, 2],
    ['000:88', 'ESTABLISHED', 'on', 2.95, 6, 2],
    ['000:90', 'ESTABLISHED', 'on', 0.65, 249, 2],
    ['000:91', 'ESTABLISHED', 'on', 2.58, 250, 2],
    ['000:92', 'ESTABLISHED', 'on', 1.48, 250, 2],
    ['000:93', 'ESTABLISHED', 'on', 0.36, 250, 2],
    ['000:94', 'ESTABLISHED', 'on', 2.26, 251, 2],
    ['000:95', 'ESTABLISHED', 'on', 1.15, 251, 2],
    ['000:96', 'ESTABLISHED', 'on', 3.01, 252, 2],
    ['000:97', 'ESTABLISHED', 'on', 1.92, 252, 2],
    ['000:98', 'ESTABLISHED', 'on', 0.84, 252, 2],
    ['000:99', 'ESTABLISHED', 'on', 2.72, 253, 2],
    ['000:100', 'ESTABLISHED', 'on', 1.64, 253, 2],
    ['000:101', 'ESTABLISHED', 'on', 0.55, 253, 2],
    ['000:102', 'ESTABLISHED', 'on', 2.47, 254, 2],
    ['000:103', 'ESTABLISHED', 'on', 1.39, 254, 2],
    ['000:104', 'ESTABLISHED', 'on', 0.31, 254, 2],
    ['000:105', 'ESTABLISHED', 'on', 2.19, 255, 2],
    ['000:106', 'ESTABLISHED', 'on', 1.12, 255, 2],
    ['001:77', '', 'on', 2.47, 254, 2],
    ['001:80', 'ESTABLISHED', 'on', 1.39, 254, 2],
    ['001:81', 'ESTABLISHED', 'on', 0.31, 254, 2],
    ['001:82', 'ESTABLISHED', 'on', 2.19, 255, 2],
    ['001:83', 'ESTABLISHED', 'on', 1.12, 255, 2],
    ['002:10', 'ESTABLISHED', 'keepalive', 6176.47, 0, 0],
    ['002:11', 'TIME_WAIT', 'timewait', 36.57, 0, 0],
    ['002:12', 'ESTABLISHED', 'on', 0.34, 0, 0],
    ['002:13', 'ESTABLISHED', 'keepalive', 6963.6, 0, 0],
    ['002:14', 'ESTABLISHED', 'keepalive', 1393.6, 0, 0],
    ['002:15', 'ESTABLISHED', 'off', 0.0, 0, 0],
    ['002:16', 'ESTABLISHED', 'off', 0.0, 0, 0],
    ['002:17', 'ESTABLISHED', 'on', 0.28, 0, 0],
    ['002:18', 'TIME_WAIT', 'timewait', 31.57, 0, 0],
    ['002:19', 'ESTABLISHED', 'off', 0.0, 0, 0],
    ['002:20', 'ESTABLISHED', 'off', 0.0, 0, 0],
    ['002:30', '', 'keepalive', 6176.47, 0, 0],
    ['002:58', 'ESTABLISHED', 'keepalive', 1.92, 0, 0],
    ['002:59', 'ESTABLISHED', 'keepalive', 0.71, 0, 0],
    ['002:60', 'ESTABLISHED', 'keepalive', 9.46, 0, 1],
    ['002:61', 'ESTABLISHED', 'keepalive', 8.3, 0, 1],
    ['002:62', 'ESTABLISHED', 'keepalive', 7.14, 0, 1],
    ['002:63', 'ESTABLISHED', 'keepalive', 5.98, 0, 1],
    ['002:64', 'ESTABLISHED', 'keepalive', 4.82, 0, 1],
    ['002:65', 'ESTABLISHED', 'keepalive', 3.66, 0, 1],
    ['002:66', 'ESTABLISHED', 'keepalive', 2.5, 0, 1],
    ['002:67', 'ESTABLISHED', 'keepalive', 1.33, 0, 1],
    ['002:68', 'ESTABLISHED', 'keepalive', 0.17, 0, 1],
    ['002:69', 'ESTABLISHED', 'keepalive', 9.01, 0, 2],
    ['002:70', 'ESTABLISHED', 'keepalive', 7.75, 0, 2],
    ['002:71', 'ESTABLISHED', 'keepalive', 6.47, 0, 2],
    ['002:72', 'ESTABLISHED', 'keepalive', 5.29, 0, 2],
    ['002:73', 'ESTABLISHED', 'keepalive', 4.08, 0, 2],
    ['002:74', 'ESTABLISHED', 'keepalive', 2.89, 0, 2],
    ['002:75', 'ESTABLISHED', 'keepalive', 1.73, 0, 2],
    ['002:76', 'ESTABLISHED', 'keepalive', 0.54, 0, 2],
    ['002:77', 'ESTABLISHED', 'keepalive', 9.38, 0, 3],
    ['002:78', 'ESTABLISHED', 'keepalive', 8.23, 0, 3],
    ['002:79', 'ESTABLISHED', 'keepalive', 7.08, 0, 3],
    ['002:80', 'ESTABLISHED', 'keepalive', 5.93, 0, 3],
    ['002:81', 'ESTABLISHED', 'keepalive', 4.76, 0, 3],
    ['002:82', 'ESTABLISHED', 'keepalive', 3.62, 0, 3],
    ['002:83', 'ESTABLISHED', 'keepalive', 2.48, 0, 3],
    ['002:84', 'ESTABLISHED', 'keepalive', 1.32, 0, 3],
    ['002:85', 'ESTABLISHED', 'keepalive', 0.13, 0, 3],
    ['002:86', 'ESTABLISHED', 'keepalive', 8.98, 0, 4],
    ['002:87', 'ESTABLISHED', 'keepalive', 7.78, 0, 4],
    ['002:88', 'ESTABLISHED', 'keepalive', 6.62, 0, 4],
    ['002:89', 'ESTABLISHED', 'keepalive', 5.45, 0, 4],
    ['002:90', 'ESTABLISHED', 'keepalive', 4.29, 0, 4],
    ['002:91', 'ESTABLISHED', 'keepalive', 3.14, 0, 4],
    ['002:92', 'ESTABLISHED', 'keepalive', 1.99, 0, 4],
    ['002:93', 'ESTABLISHED', 'keepalive', 0.85, 0, 4],
    ['002:103', 'ESTABLISHED', 'keepalive', 8.18, 0, 1],
    ['002:104', 'ESTABLISHED', 'keepalive', 7.0, 0, 1],
    ['002:105', 'ESTABLISHED', 'keepalive', 5.86, 0, 1],
    ['002:106', 'ESTABLISHED', 'keepalive', 4.71, 0, 1],
    ['002:107', 'ESTABLISHED', 'keepalive', 3.55, 0, 1],
    ['002:108', 'ESTABLISHED', 'keepalive', 2.4, 0, 1],
    ['002:109', 'ESTABLISHED', 'keepalive', 1.21, 0, 1],
    ['002:110', 'ESTABLISHED', 'keepalive', 0.05, 0, 1],
    ['002:111', 'ESTABLISHED', 'keepalive', 8.91, 0, 2],
    ['002:112', 'ESTABLISHED', 'keepalive', 7.75, 0, 2],
    ['002:113', 'ESTABLISHED', 'keepalive', 6.56, 0, 2],
    ['002:114', 'ESTABLISHED', 'keepalive', 5.39, 0, 2],
    ['002:115', 'ESTABLISHED', 'keepalive', 4.14, 0, 2],
    ['002:116', 'ESTABLISHED', 'on', 0.21, 2, 2],
    ['002:117', 'ESTABLISHED', 'on', 0.68, 3, 2],
    ['002:118', 'ESTABLISHED', 'on', 2.74, 4, 2],
    ['002:119', 'ESTABLISHED', 'on', 1.59, 4, 2],
    ['002:120', 'ESTABLISHED', 'on', 0.43, 4, 2],
    ['002:121', 'ESTABLISHED', 'on', 2.28, 5, 2],
    ['002:122', 'ESTABLISHED', 'on', 1.11, 5, 2],
    ['002:123', 'ESTABLISHED', 'on', 2.95, 6, 2],
    ['002:127', 'ESTABLISHED', 'on', 0.65, 249, 2],
    ['002:128', 'ESTABLISHED', 'on', 2.58, 250, 2],
    ['002:129', 'ESTABLISHED', 'on', 1.48, 250, 2],
    ['002:130', 'ESTABLISHED', 'on', 0.36, 250, 2],
    ['002:131', 'ESTABLISHED', 'on', 2.26, 251, 2],
    ['002:132', 'ESTABLISHED', 'on', 1.15, 251, 2],
    ['002:133', 'ESTABLISHED', 'on', 3.01, 252, 2],
    ['002:134', 'ESTABLISHED', 'on', 1.92, 252, 2],
    ['002:135', 'ESTABLISHED', 'on', 0.84, 252, 2],
    ['002:136', 'ESTABLISHED', 'on', 2.72, 253, 2],
    ['002:137', 'ESTABLISHED', 'on', 1.64, 253, 2],
    ['002:138', 'ESTABLISHED', 'on', 0.55, 253, 2],
    ['002:139', 'ESTABLISHED', 'on', 2.47, 254, 2],
    ['002:140', 'ESTABLISHED', 'on', 1.39, 254, 2],
    ['002:141', 'ESTABLISHED', 'on', 0.31, 254, 2],
    ['002:142', 'ESTABLISHED', 'on', 2.19, 255, 2],
    ['002:143', 'ESTABLISHED', 'on', 1.12, 255, 2],
];

// ss (seed 003, iproute2 of Ubuntu 16.04): [seed:line, state, name, seconds, count, 'S.MMMms' form].
const SS: Array<[string, string, string, number, number, boolean]> = [
    ['003:97', 'SYN-SENT', 'on', 0.995, 0, false],
    ['003:101', 'SYN-SENT', 'on', 1.999, 1, true],
    ['003:105', 'SYN-SENT', 'on', 3.041, 2, true],
    ['003:126', 'SYN-RECV', 'on', 0.995, 0, false],
    ['003:131', 'SYN-RECV', 'on', 1.016, 1, true],
    ['003:136', 'SYN-RECV', 'on', 3.057, 2, true],
    ['003:145', 'SYN-RECV', 'on', 1.629, 5, true],
    ['003:157', 'SYN-SENT', 'on', 15, 4, false],
    ['003:158', 'SYN-RECV', 'on', 15, 8, false],
    ['003:189', 'SYN-RECV', 'on', 7.043, 3, true],
    ['003:226', 'SYN-RECV', 'on', 0.996, 0, false],
    ['003:231', 'SYN-RECV', 'on', 1.009, 0, true],
    ['003:236', 'SYN-RECV', 'on', 3.049, 0, true],
    ['003:241', 'SYN-RECV', 'on', 1.036, 0, true],
    ['003:246', 'SYN-RECV', 'on', 7.055, 0, true],
    ['003:262', 'SYN-RECV', 'on', 1.071, 0, true],
    ['003:294', 'ESTAB', 'keepalive', 2.986, 0, true],
    ['003:373', 'ESTAB', 'on', 2.727, 5, true],
    ['003:378', 'ESTAB', 'on', 1.719, 5, true],
    ['003:383', 'ESTAB', 'on', 0.713, 5, false],
    ['003:437', 'LAST-ACK', 'persist', 23, 0, false],
    ['003:443', 'LAST-ACK', 'persist', 3.036, 0, true],
    ['003:449', 'LAST-ACK', 'persist', 0, 0, false],
    ['003:472', 'FIN-WAIT-1', 'persist', 0.122, 0, false],
    ['003:484', 'FIN-WAIT-2', 'timewait', 55, 0, false],
    ['003:490', 'FIN-WAIT-2', 'timewait', 0.661, 0, false],
    ['003:517', 'ESTAB', 'persist', 0.042, 0, false],
    ['003:528', 'ESTAB', 'persist', 0.922, 3, false],
    ['003:592', 'FIN-WAIT-2', 'timewait', 58, 0, false],
    ['003:712', 'ESTAB', 'on', 0.197, 0, false],
    ['003:717', 'ESTAB', 'on', 0.138, 0, false],
    ['003:726', 'ESTAB', 'on', 0.347, 1, false],
    ['003:733', 'ESTAB', 'on', 0.148, 2, false],
    ['003:757', 'ESTAB', 'on', 0.199, 0, false],
    ['003:764', 'ESTAB', 'on', 0.132, 0, false],
    ['003:771', 'ESTAB', 'on', 0.133, 1, false],
];

const all = (e: Explanation) => [e.which, ...e.onExpiry, ...e.notes, ...e.warnings, ...e.fields.map((f) => f.meaning)].join('\n');
const governors = (e: Explanation) => e.governedBy.map((g) => g.name).join(', ');

/** What any correct answer for this timer and state must say. */
function checkStory(e: Explanation, state: string): void {
  const text = all(e);
  switch (e.timer.kind) {
    case 'retransmit':
      if (state === 'SYN-SENT') {
        expect(e.which).toMatch(/SYN retransmission timer/);
        expect(governors(e)).toContain('net.ipv4.tcp_syn_retries');
        expect(text).toMatch(/connect\(\) fails with ETIMEDOUT/);
      } else if (state === 'SYN-RECV') {
        expect(e.which).toMatch(/SYN-ACK timer/);
        expect(governors(e)).toContain('net.ipv4.tcp_synack_retries');
        expect(text).toMatch(/dropped silently at about 63 s/);
        expect(text).toMatch(/TCP_USER_TIMEOUT has no effect/);
      } else {
        expect(e.which).toMatch(/retransmission timer/);
        expect(governors(e)).toContain('net.ipv4.tcp_retries2');
        expect(text).toMatch(/924\.6 s/);
        expect(text).toMatch(/ETIMEDOUT — no FIN, no RST/);
      }
      break;
    case 'keepalive':
      expect(e.which).toMatch(/keepalive timer/);
      expect(governors(e)).toMatch(/TCP_KEEPIDLE.*TCP_KEEPINTVL.*TCP_KEEPCNT/);
      expect(text).toMatch(/sends an RST and the application gets ETIMEDOUT/);
      break;
    case 'timewait':
      if (state === 'FIN-WAIT-2') {
        expect(e.which).toMatch(/FIN-WAIT-2 timer of an orphaned socket/);
        expect(governors(e)).toContain('net.ipv4.tcp_fin_timeout');
        expect(text).toMatch(/no FIN, no RST/);
      } else {
        expect(e.which).toMatch(/TIME-WAIT timer/);
        expect(governors(e)).toContain('TCP_TIMEWAIT_LEN');
        expect(text).toMatch(/always lasts 60 s/);
      }
      break;
    case 'zero-window':
      expect(e.which).toMatch(/zero-window probe \(persist\) timer/);
      expect(governors(e)).toContain('net.ipv4.tcp_retries2');
      break;
    case 'off':
      expect(e.which).toMatch(/No timer is running/);
      expect(governors(e)).toContain('SO_KEEPALIVE');
      expect(text).toMatch(/stays ESTABLISHED for ever/);
      break;
    default:
      throw new Error(`unexpected kind ${e.timer.kind}`);
  }
}

describe('every netstat timer line in the seed notes', () => {
  const lines = seedLines.filter(([, text]) => !text.includes('timer:('));

  it('covers all of them', () => {
    expect(lines.map(([at]) => at)).toEqual(NETSTAT.map(([at]) => at));
  });

  it.each(lines.map(([at, text], i) => [at, text, NETSTAT[i]!] as const))('%s', (_at, text, [, state, name, seconds, retrans, probes]) => {
    const e = explain(text);
    expect(e.source).toBe('netstat');
    expect(e.timer).toEqual({ name, kind: KIND[name], remaining_s: seconds, retrans, probes });
    expect(e.socket?.state ?? '').toBe(STATE[state]);
    // Each number is explained, in order: name, seconds, retransmissions, probes.
    expect(e.fields.map((f) => f.name)).toEqual(['timer name', 'seconds left', 'retransmissions', 'probes']);
    expect(e.fields.map((f) => f.text)).toEqual([name, e.timerText.match(/\((-?[\d.]+)\//)![1], String(retrans), String(probes)]);
    expect(e.warnings).toEqual([]);
    checkStory(e, state === 'ESTABLISHED' ? 'ESTABLISHED' : state === 'TIME_WAIT' ? 'TIME-WAIT' : '');
  });
});

describe('every ss timer line in the seed notes', () => {
  const lines = seedLines.filter(([, text]) => text.includes('timer:('));

  it('covers all of them', () => {
    expect(lines.map(([at]) => at)).toEqual(SS.map(([at]) => at));
  });

  it.each(lines.map(([at, text], i) => [at, text, SS[i]!] as const))('%s', (_at, text, [, state, name, seconds, count, mislabelled]) => {
    const e = explain(text);
    expect(e.source).toBe('ss');
    expect(e.timer).toEqual({ name, kind: KIND[name], remaining_s: seconds, count });
    expect(e.socket?.state).toBe(state);
    expect(e.fields.map((f) => f.name)).toEqual(['timer name', 'time left', 'count']);
    expect(e.fields[2]!.text).toBe(String(count));
    // The '1.999ms' form is seconds: said exactly when ss printed it.
    expect(e.warnings.some((w) => /seconds, not .* milliseconds/.test(w))).toBe(mislabelled);
    if (mislabelled) expect(e.fields[1]!.meaning).toMatch(new RegExp(`^${seconds} s `));
    checkStory(e, state);
  });
});

describe('what particular seed lines say', () => {
  const at = (where: string) => explain(seedLines.find(([a]) => a === where)![1]);

  it("000:2 keepalive (6176.47/0/0): over 17 minutes since the timer was armed, with the default 7200 s", () => {
    expect(all(at('000:2'))).toContain('armed about 1023.53 s (17 min 4 s) ago');
  });

  it('000:81 on (0.21/2/2): the probe count is left over from keepalive, frozen because nothing came back', () => {
    const e = at('000:81');
    expect(e.fields[3]!.meaning).toMatch(/2 keepalive or zero-window probes sent and never answered/);
    expect(all(e)).toMatch(/probing had started, then the application wrote/);
    expect(all(e)).toMatch(/keepalive no longer runs/);
  });

  it('000:90 on (0.65/249/2): far more retransmissions than tcp_retries2, with a short timer', () => {
    const text = all(at('000:90'));
    expect(text).toMatch(/RTO is not backing off normally/);
    expect(text).toMatch(/tcp_retries2 bounds time, not the count/);
    expect(text).toMatch(/wraps after 255/);
  });

  it('001:77: a timer quoted in prose is still read, and says its state is unknown', () => {
    const e = at('001:77');
    expect(e.timer).toEqual({ name: 'on', kind: 'retransmit', remaining_s: 2.47, retrans: 254, probes: 2 });
    expect(e.notes[0]).toMatch(/state is not known/);
    expect(all(e)).toMatch(/Paste the whole ss or netstat line/);
  });

  it('002:12 ESTABLISHEDon (0.34/0/0) with Send-Q 924: data in flight, nothing lost yet', () => {
    const e = at('002:12');
    expect(e.socket).toMatchObject({ state: 'ESTABLISHED', sendQ: 924 });
    expect(all(e)).toMatch(/Nothing has been retransmitted yet/);
  });

  it('002:11 TIME_WAIT timewait (36.57/0/0): closed 23.43 s ago', () => {
    expect(all(at('002:11'))).toContain('closed about 23.43 s ago');
  });

  it('003:101 SYN-SENT timer:(on,1.999ms,1): 2 s after the first retransmission, a pre-6.5 kernel', () => {
    const e = at('003:101');
    expect(e.fields[1]!.meaning).toMatch(/^1\.999 s until the next SYN retransmission/);
    expect(all(e)).toMatch(/runs for 2 s on kernels before 6\.5.*1\.999 s left means a kernel before 6\.5/s);
    expect(e.warnings[0]).toMatch(/'1\.999ms' means 1\.999 seconds, not 1\.999 milliseconds.*'1\.999sec'/);
  });

  it('003:157 SYN-SENT timer:(on,15sec,4): 16 s interval after 4 retransmissions', () => {
    expect(all(at('003:157'))).toMatch(/runs for 16 s on kernels before 6\.5 \(doubling from 1 s\), but only 1 s from 6\.5/);
  });

  it('003:158 SYN-RECV timer:(on,15sec,8): more SYN-ACKs than tcp_synack_retries, because the client retransmits too', () => {
    expect(all(at('003:158'))).toMatch(/8 is more than the default tcp_synack_retries \(5\).*still in SYN-SENT/s);
  });

  it('003:231-262 SYN-RECV timer:(on,…,0) over 1 s: TCP_DEFER_ACCEPT, not a lost ACK', () => {
    for (const a of ['003:231', '003:236', '003:241', '003:246', '003:262']) expect(all(at(a))).toMatch(/TCP_DEFER_ACCEPT at work/);
    for (const a of ['003:126', '003:226', '003:131']) expect(all(at(a))).not.toMatch(/TCP_DEFER_ACCEPT at work/);
  });

  it('003:437-449 LAST-ACK timer:(persist,…): an orphan, destroyed silently after about 5.5 minutes', () => {
    for (const a of ['003:437', '003:443', '003:449']) expect(all(at(a))).toMatch(/orphan.*about 5\.5 minutes/s);
    expect(all(at('003:449'))).toMatch(/due right now/);
    expect(at('003:449').fields[1]).toMatchObject({ text: '(empty)', meaning: expect.stringMatching(/^ss prints nothing for 0/) });
  });

  it('003:484 FIN-WAIT-2 timer:(timewait,55sec,0): only after close()', () => {
    expect(all(at('003:484'))).toMatch(/shutdown\(SHUT_WR\) alone .* no timer/);
  });
});

describe('the forms of the issue', () => {
  it.each([
    ['keepalive (6176.47/0/0)', 'netstat', 'keepalive'],
    ['on (0.21/2/2)', 'netstat', 'retransmit'],
    ['timewait (36.57/0/0)', 'netstat', 'timewait'],
    ['off (0.00/0/0)', 'netstat', 'off'],
    ['probe (0.75/0/1)', 'netstat', 'zero-window'],
    ['unkn-7 (1.00/0/0)', 'netstat', 'unknown'],
    ['timer:(keepalive,2min3sec,0)', 'ss', 'keepalive'],
    ['timer:(on,1.999ms,1)', 'ss', 'retransmit'],
    ['timer:(persist,,3)', 'ss', 'zero-window'],
    ['(on,044ms,0)', 'ss', 'retransmit'],
    ['timer:(unknown,1sec,0)', 'ss', 'unknown'],
    ['ESTAB 0 0 127.0.0.1:42402 127.0.0.1:5555 timer:(keepalive,2.312ms,0) ts sack cubic rto:204', 'ss', 'keepalive'],
    ['tcp        0      0 127.0.0.1:54616         127.0.0.1:5555          ESTABLISHED keepalive (0.99/0/1)', 'netstat', 'keepalive'],
  ])('%s', (text, source, kind) => {
    const e = explain(text);
    expect(e.source).toBe(source);
    expect(e.timer.kind).toBe(kind);
    expect(e.onExpiry.length).toBeGreaterThan(0);
    expect(e.fields.length).toBeGreaterThan(0);
  });

  it('reads the timer, not the users:(…) field, of an ss -p line', () => {
    const line = readFileSync(new URL('../observe/fixtures/ss-tanoipOH.txt', import.meta.url), 'utf8').split('\n').find((l) => l.includes('users:(') && l.includes('timer:('))!;
    const e = explain(line);
    expect(e.timerText).toBe('timer:(keepalive,2.304ms,0)');
    expect(e.timer).toEqual({ name: 'keepalive', kind: 'keepalive', remaining_s: 2.304, count: 0 });
    expect(e.fields[1]!.text).toBe('2.304ms');
    expect(e.socket).toMatchObject({ state: 'ESTAB', local: '127.0.0.1:42402', peer: '127.0.0.1:5555' });
  });

  it('puts what ss -i printed beside the timer into words', () => {
    const line = readFileSync(new URL('../observe/fixtures/ss-tanoiOH.txt', import.meta.url), 'utf8').split('\n').find((l) => l.includes('timer:(on,276ms,1)'))!;
    const e = explain(line);
    expect(e.notes.join(' ')).toMatch(/ss -i says: rto:408 = the retransmission timeout is now 408 ms; backoff:1 = it has doubled 1 time since the last ACK; retrans:1\/2 = 1 segment\(s\) being retransmitted now, 2 retransmissions/);
  });

  it('timer:(keepalive,2min3sec,0) is 123 s, rounded down', () => {
    const e = explain('timer:(keepalive,2min3sec,0)');
    expect(e.timer.remaining_s).toBe(123);
    expect(e.warnings).toEqual(["'2min3sec' is rounded down to whole seconds: ss prints no milliseconds once it prints minutes."]);
    expect(explain('timer:(keepalive,11min,0)').warnings[0]).toMatch(/whole minutes/);
  });

  it('timer:(on,1.999ms,1) without a state: the mislabel warning, and the possible meanings of on', () => {
    const e = explain('timer:(on,1.999ms,1)');
    expect(e.warnings[0]).toMatch(/1\.999 seconds/);
    expect(e.notes.join(' ')).toMatch(/in SYN-SENT it would be the SYN timer, in SYN-RECV the SYN-ACK timer/);
  });

  it('an ss line without a timer field: no timer runs (or ss ran without -o)', () => {
    const e = explain('ESTAB 0 0 127.0.0.1:1 127.0.0.1:40064');
    expect(e.timer.kind).toBe('off');
    expect(e.notes.join(' ')).toMatch(/without -o/);
  });
});

describe('garbage is rejected with a hint', () => {
  it.each([
    ['', /nothing to explain/],
    ['hello world', /no ss or netstat timer in it/],
    ['keepalive(1.00/0/0)', /looks like a netstat timer but is not one/],
    ['on (1/0/0)', /looks like a netstat timer/],
    ['timer:(on,abc,1)', /time 'abc' is not an ss timer duration/],
    ['timer:(sleepy,1sec,0)', /unknown timer name 'sleepy'/],
    ['timer:(on,1sec,0) and more', /unexpected text after the timer/],
    ['(a, b, c)', /unknown timer name 'a'/],
    ['x (a, b, c)', /looks like an ss timer/],
  ])('%j', (text, reason) => {
    let err: unknown;
    try {
      explain(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExplainError);
    expect(err).toBeInstanceOf(UsageError); // the CLI prints message + hint and exits 2
    expect((err as ExplainError).message).toMatch(reason);
    expect((err as ExplainError).hint).toBeTruthy();
  });
});

describe('explainLines', () => {
  it('explains each socket line of pasted ss output that has a timer', () => {
    const out = explainLines(
      [
        'State      Recv-Q Send-Q Local Address:Port               Peer Address:Port',
        'LISTEN     0      16     127.0.0.1:1                        *:*',
        'ESTAB      0      0      127.0.0.1:40064              127.0.0.1:1',
        'SYN-RECV   0      0      127.0.0.1:1                  127.0.0.1:40064               timer:(on,1.009ms,0)',
        '',
      ].join('\n'),
    );
    expect(out.map((e) => [e.socket?.state, e.timer.kind])).toEqual([['SYN-RECV', 'retransmit']]);
  });

  it('explains netstat output, header and all', () => {
    const out = explainLines(seedLines.filter(([a]) => /^002:(1\d|20)$/.test(a)).map(([, t]) => t).join('\n'));
    expect(out).toHaveLength(11);
  });

  it('rejects output with no timer at all', () => {
    expect(() => explainLines('State Recv-Q\nLISTEN 0 16 127.0.0.1:1 *:*')).toThrow(ExplainError);
  });
});

describe('formatExplanation', () => {
  it('reads as plain text with every section', () => {
    const text = formatExplanation(explain('SYN-SENT   0      1      127.0.0.1:50196              127.0.0.1:1                   timer:(on,1.999ms,1)'));
    expect(text.split('\n')[0]).toBe('timer:(on,1.999ms,1)   — ss line: SYN-SENT 127.0.0.1:50196 → 127.0.0.1:1, Recv-Q 0, Send-Q 1');
    for (const h of ['What each part means:', 'When it expires:', 'Governed by:', 'In this reading:', 'Careful:']) expect(text).toContain(h);
    expect(text).toMatch(/^ {2}1\.999ms {2}time left: 1\.999 s until the next SYN retransmission/m);
    expect(text).toContain('net.ipv4.tcp_syn_retries (sysctl, default 6)');
    expect(text).toContain('⚠');
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(110);
  });
});
