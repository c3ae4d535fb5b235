import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { eventsOf } from '../model/schedule.ts';
import { formatPrediction, formatTime } from './format.ts';
import { parseHz, predict } from './predict.ts';

const at = (family: string, sets: string[], kernel: string) => predict(family, sets, kernel).schedule.events.map((e) => e.at_s);
const end = (family: string, sets: string[], kernel: string) => predict(family, sets, kernel).end?.at_s;

/** What `f` throws (undefined if it returns). */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('predict agrees with the figures in the notes', () => {
  it('tcp_retries2=15: the 924.6 s bound (seed 001), death at the first RTO past it', () => {
    const p = predict('rto', [], '6.1');
    expect(p.extras.join('\n')).toContain('tcp_model_timeout(tcp_retries2=15, 200 ms) = 924.6 s');
    // Death at the first RTO firing past the bound, nominally between 924.6 and 1044.6 s
    // after the first retransmission (docs/timer-model.md; the notes saw 949 s).
    expect(p.end?.id).toBe('abort');
    expect(p.end!.at_s).toBeGreaterThanOrEqual(924.6);
    expect(p.end!.at_s).toBeLessThanOrEqual(924.6 + 120.4);
    expect(p.end!.at_s).toBe(p.schedule.events.at(-2)!.at_s + p.end!.delay_s);
    expect(eventsOf(p.schedule, 'rto').map((e) => e.at_s).slice(0, 6)).toEqual([0.4, 0.8, 1.6, 3.2, 6.4, 12.8]);
    expect(p.schedule.error).toBe('ETIMEDOUT');
  });

  it('tcp_retries2=5: the 12.6 s bound', () => {
    expect(predict('rto', ['tcp_retries2=5'], '6.1').extras[0]).toContain('= 12.6 s');
  });

  it('test-idle: probes at 5, 8, 11 s, RST at 14 s; user timeout 3 s → 8 s, 10 s → 11 s', () => {
    const sets = ['keepidle=5', 'keepintvl=3', 'keepcnt=3'];
    expect(at('keepalive', sets, '4.19.121')).toEqual([5, 8, 11, 14]);
    expect(end('keepalive', sets, '6.18.44-fc-v669')).toBe(14);
    expect(end('keepalive', [...sets, 'user_timeout=3000'], '6.1')).toBe(8);
    expect(end('keepalive', [...sets, 'user_timeout=10000'], '6.1')).toBe(11);
  });

  it('keepalive with nothing set uses the sysctl defaults 7200/75/9, and socket options win over sysctls', () => {
    expect(end('keepalive', [], '6.1')).toBe(7200 + 9 * 75);
    expect(end('keepalive', ['tcp_keepalive_time=30', 'tcp_keepalive_intvl=10', 'tcp_keepalive_probes=4'], '6.1')).toBe(70);
    expect(end('keepalive', ['tcp_keepalive_time=30', 'keepidle=5', 'keepintvl=3', 'keepcnt=3'], '6.1')).toBe(14);
  });

  it('test-syn-recv: SYN-ACKs at 1, 3, 7, 15, 31 s, request gone at 63 s', () => {
    expect(at('synack', [], '4.19.121')).toEqual([1, 3, 7, 15, 31, 63]);
    expect(predict('synack', [], '6.18.44').end?.id).toBe('drop');
  });

  it('test-syn-sent: 127 s before 6.5, about 131 s from 6.5, 31 s on the notes\' 4.19.121', () => {
    expect(end('syn', [], '6.1')).toBe(127);
    expect(at('syn', [], '6.1')).toEqual([1, 3, 7, 15, 31, 63, 127]);
    expect(end('syn', [], '6.18.44-fc-v669')).toBe(131);
    expect(at('syn', [], '6.6')).toEqual([1, 2, 3, 4, 5, 7, 11, 19, 35, 67, 131]);
    expect(at('syn', [], '4.19.121')).toEqual([1, 3, 7, 15, 31]);
    expect(end('syn', ['user_timeout=5000'], '6.1')).toBe(5);
  });

  it('test-accept-defer: TCP_DEFER_ACCEPT 10 s sends its one SYN-ACK at the 15 s slot', () => {
    const p = predict('synack', ['defer_accept=10'], '6.1');
    expect(p.schedule.events.find((e) => e.id === 'synack-retrans-1')?.at_s).toBe(15);
    expect(p.end).toBeUndefined();
  });

  it('test-zero with a 60 s user timeout: 4.19 waits for the next probe, 6.x is clamped to it', () => {
    expect(end('persist', ['user_timeout=60000'], '4.19.121')).toBeCloseTo(102.2, 6);
    expect(end('persist', ['user_timeout=60000'], '6.1')).toBeCloseTo(60.2, 6);
    expect(end('persist', [], '6.1')).toBeCloseTo(924.6, 6);
  });

  it('test-pacing: the orphan disappears after about 5.5 minutes', () => {
    const e = end('orphan', [], '6.1')!;
    expect(e).toBeCloseTo(324.6, 6);
    expect(e / 60).toBeGreaterThan(5);
    expect(e / 60).toBeLessThan(6);
  });

  it('test-pacing3: an orphaned FIN-WAIT-2 is gone after tcp_fin_timeout (60 s)', () => {
    expect(end('finwait', [], '6.1')).toBe(60);
    expect(end('finwait', ['tcp_fin_timeout=30'], '6.1')).toBe(30);
  });
});

describe('kernel comparison', () => {
  it('says which kernels differ and why (syn: 4.19.121 vs 6.1 vs 6.18)', () => {
    const p = predict('syn', [], '6.18.44-fc-v669');
    expect(p.kernels.map((k) => [k.kernel, k.current, k.same])).toEqual([
      ['4.19.121', false, false],
      ['6.1', false, false],
      ['6.18.44-fc-v669', true, true],
    ]);
    expect(p.kernels[0]!.differences.map((d) => d.key).sort()).toEqual(['synLinearTimeouts', 'synSentRtoBaseRegression']);
    expect(p.kernels[1]!.differences.map((d) => [d.key, d.here, d.there])).toEqual([['synLinearTimeouts', true, false]]);
  });

  it('keepalive is the same everywhere', () => {
    expect(predict('keepalive', [], '6.18.44', ['4.19.121', '5.10.13', '6.1']).kernels.every((k) => k.same)).toBe(true);
  });

  it('persist with a user timeout names the zero-window commits', () => {
    const k = predict('persist', ['user_timeout=60000'], '6.1').kernels.find((x) => x.kernel === '4.19.121')!;
    expect(k.same).toBe(false);
    expect(k.differences.map((d) => d.commit).join(' ')).toContain('344db93ae3ee');
  });
});

describe('input checking', () => {
  it.each([
    [['keepalive', ['keepidel=5']], /keepalive has no parameter 'keepidel'/, /keepidle/],
    [['keepalive', ['keepidle=abc']], /'abc' is not a number/, /TCP_KEEPIDLE/],
    [['keepalive', ['keepidle']], /not name=value/, /--set/],
    [['rto', ['tcp_retries2=-1']], /tcp_retries2=-1/, /a count/],
    [['keepalve', []], /unknown timer family 'keepalve'/, /did you mean 'keepalive'/],
    [['tcp', []], /unknown timer family/, /keepalive, rto, syn, synack, persist, orphan, finwait/],
  ] as const)('%j', ([family, sets], message, hint) => {
    const err = thrown(() => predict(family, sets, '6.1'));
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(message);
    expect((err as UsageError).hint).toMatch(hint);
    expect((err as UsageError).hint ?? '').not.toContain('--describe');
  });

  it('rejects a kernel that is not a version', () => {
    expect(() => predict('rto', [], 'latest')).toThrow(UsageError);
    expect(() => predict('rto', [], '6.1', ['bookworm'])).toThrow(/'bookworm' is not a kernel version/);
  });
});

describe('formatPrediction', () => {
  it('prints every event time, the death, and the other kernels', () => {
    const text = formatPrediction(predict('syn', [], '6.18.44-fc-v669'));
    for (const t of ['1 s', '2 s', '3 s', '4 s', '5 s', '7 s', '11 s', '19 s', '35 s', '67 s']) expect(text).toMatch(new RegExp(`^\\s+${t.replace('.', '\\.')}\\s+`, 'm'));
    expect(text).toContain('end: connect() fails: ETIMEDOUT (no RST) at 131 s (2 min 11 s) → the application sees ETIMEDOUT');
    expect(text).toMatch(/4\.19\.121\s+differs: events at 1, 3, 7, 15 s; connect\(\) fails: ETIMEDOUT \(no RST\) at 31 s$/m);
    expect(text).toMatch(/6\.1\s+differs: .* at 127 s \(2 min 7 s\)$/m);
    expect(text).toContain('because: First SYN RTOs linear');
    expect(text).toMatch(/6\.18\.44-fc-v669\s+this kernel/);
  });

  it('marks what --set changed, the lateness bound, and the 924.6 s figure', () => {
    const text = formatPrediction(predict('rto', ['tcp_retries2=15'], '6.1'));
    expect(text).toContain('tcp_retries2=15*');
    expect(text).toContain('(* = --set)');
    expect(text).toContain('924.6 s after the first RTO retransmission');
    const p = predict('rto', ['tcp_retries2=15'], '6.1');
    expect(text).toContain(`end: ETIMEDOUT: retransmissions give up (no RST) at ${formatTime(p.end!.at_s)}`);
    if (p.end!.earliest_at_s !== undefined) expect(text).toContain(`(timer lateness may bring it forward to the firing at ${formatTime(p.end!.earliest_at_s)})`);
    expect(text.split('\n').filter((l) => /RTO retransmission \d+$/.test(l))).toHaveLength(eventsOf(p.schedule, 'rto').length);
    expect(text).toMatch(/^\s+0\.4 s\s+\+200 ms .*RTO retransmission 1$/m);
  });

  it('lines the other kernels up past the longest release', () => {
    const text = formatPrediction(predict('syn', [], '6.18.44-fc-v1045'));
    const block = text.slice(text.indexOf('  on other kernels:\n') + '  on other kernels:\n'.length).split('\n');
    expect(block[0]).toMatch(/^ {4}4\.19\.121 +differs: /);
    expect(block.at(-1)).toBe(`    6.18.44-fc-v1045  this kernel`);
    // Every line's text (differs / because / this kernel) starts in the same column.
    const columns = new Set(block.map((l) => /^ {4}\S* +/.exec(l)![0].length));
    expect([...columns]).toEqual(['    6.18.44-fc-v1045  '.length]);
    // Short releases keep the 16-wide column.
    expect(formatPrediction(predict('syn', [], '6.1'))).toMatch(/^ {4}6\.1 {13}this kernel$/m);
  });

  it('says when the socket does not die', () => {
    expect(formatPrediction(predict('synack', ['defer_accept=10'], '6.1'))).toContain('the socket does not die in this schedule');
  });

  it('names parameters that do not change the timing', () => {
    expect(formatPrediction(predict('rto', ['nodelay=1'], '6.1'))).toContain('nodelay does not change the retransmission timer');
    expect(formatPrediction(predict('persist', ['rcvbuf=1024'], '6.1'))).toContain('rcvbuf makes the zero window happen');
  });
});

describe('predict at a given HZ', () => {
  it('computes the windows in that kernel\'s jiffies, and compares kernels at the same HZ', () => {
    const at250 = predict('keepalive', ['keepidle=5', 'keepintvl=3', 'keepcnt=3'], '6.1');
    const at1000 = predict('keepalive', ['keepidle=5', 'keepintvl=3', 'keepcnt=3'], '6.1', undefined, 1000);
    expect([at250.hz, at1000.hz]).toEqual([250, 1000]);
    expect(at250.schedule.events[1]!.late_s).toBeCloseTo(0.256, 9);
    expect(at1000.schedule.events[1]!.late_s).toBeCloseTo(0.064, 9);
    expect(at1000.kernels.every((k) => k.schedule.events[1]!.late_s === at1000.schedule.events[1]!.late_s)).toBe(true);
    expect(formatPrediction(at1000)).toContain('on kernel 6.1 (HZ=1000)');
  });

  it('refuses an HZ x86 does not offer, with the ones it does', () => {
    for (const hz of [0, 200, 1024, 250.5]) expect(() => predict('keepalive', [], '6.1', undefined, hz)).toThrow(/not a CONFIG_HZ/);
    for (const hz of [100, 250, 300, 1000]) expect(predict('keepalive', [], '6.1', undefined, hz).hz).toBe(hz);
  });

  it('parseHz takes --hz as typed', () => {
    expect(parseHz('1000')).toBe(1000);
    expect(parseHz('300')).toBe(300);
    for (const typed of ['abc', '', '1e3x', '-250', '512']) {
      const err = thrown(() => parseHz(typed));
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toBe(`--hz ${typed}: not a CONFIG_HZ`);
      expect((err as UsageError).hint).toMatch(/100, 250, 300, 1000/);
    }
  });
});
