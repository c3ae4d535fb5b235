import { describe, expect, it } from 'vitest';
import testIdle from '../../experiments/test-idle.ts';
import { UsageError } from '../errors.ts';
import { param, parseSets } from './params.ts';
import { resolveParams } from './resolve.ts';

const specs = {
  keepidle: param.seconds(5, 'TCP_KEEPIDLE', { min: 1, max: 32767 }),
  user_timeout: param.ms(0, 'TCP_USER_TIMEOUT in ms', { min: 0, max: 600_000 }),
  keepcnt: param.count(3, 'TCP_KEEPCNT', { min: 1, max: 127 }),
  rcvbuf: param.bytes(0, 'SO_RCVBUF', { min: 1, max: 65536 }),
  nodelay: param.flag(false, 'TCP_NODELAY'),
};

function usageError(sets: string[]): UsageError {
  try {
    parseSets(specs, sets, 'test-x');
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error(`parseSets accepted ${JSON.stringify(sets)}`);
}

describe('--set values: plain decimal integers only', () => {
  it('accepts plain digits', () => {
    expect(parseSets(specs, ['keepidle=10', 'user_timeout=2500', 'keepcnt=127', 'rcvbuf=1024', 'nodelay=on'], 'test-x')).toEqual({
      keepidle: 10,
      user_timeout: 2500,
      keepcnt: 127,
      rcvbuf: 1024,
      nodelay: 1,
    });
    expect(parseSets(specs, ['user_timeout=-0'], 'test-x')).toEqual({ user_timeout: 0 });
  });

  it.each(['1e1', '0x10', ' 10', '10 ', '10abc', '+10', '0b10', '1_000', '', 'Infinity'])('rejects %j as not a number', (text) => {
    const e = usageError([`keepidle=${text}`]);
    expect(e.message).toBe(`--set keepidle=${text}: '${text}' is not a number in plain decimal digits (like keepidle=5)`);
    expect(e.hint).toBe('keepidle is whole seconds: TCP_KEEPIDLE');
    expect(e.message).not.toContain('\n');
  });

  it('rejects a fraction: no parameter takes one', () => {
    expect(usageError(['keepidle=0.5']).message).toBe('--set keepidle=0.5: keepidle must be whole seconds');
    expect(usageError(['user_timeout=2.5']).message).toBe('--set user_timeout=2.5: user_timeout must be whole milliseconds');
  });

  it('says the range in the parameter\'s unit, not zod\'s words', () => {
    expect(usageError(['keepidle=-1']).message).toBe('--set keepidle=-1: keepidle must be at least 1 s');
    expect(usageError(['keepidle=0']).message).toBe('--set keepidle=0: keepidle must be at least 1 s');
    expect(usageError(['keepidle=32768']).message).toBe('--set keepidle=32768: keepidle must be at most 32767 s');
    expect(usageError(['user_timeout=-5']).message).toBe('--set user_timeout=-5: user_timeout must be at least 0 ms');
    expect(usageError(['user_timeout=600001']).message).toBe('--set user_timeout=600001: user_timeout must be at most 600000 ms');
    expect(usageError(['keepcnt=0']).message).toBe('--set keepcnt=0: keepcnt must be at least 1');
    expect(usageError(['rcvbuf=0']).message).toBe('--set rcvbuf=0: rcvbuf must be at least 1 byte');
    expect(usageError(['keepidle=99999999999999999999']).message).toMatch(/keepidle must be at most 32767 s$/);
    expect(usageError(['keepidle=-1']).message).not.toMatch(/Too small|expected number/);
  });

  it('on/off parameters name their spellings', () => {
    expect(usageError(['nodelay=maybe']).message).toBe("--set nodelay=maybe: 'maybe' is not on or off (1/0, true/false, on/off, yes/no)");
    expect(usageError(['nodelay=2']).message).toBe("--set nodelay=2: '2' is not on or off (1/0, true/false, on/off, yes/no)");
  });
});

describe('resolveParams: --set goes through the same checks', () => {
  it('an explicit --set wins over --fast', () => {
    expect(resolveParams(testIdle, undefined, ['keepidle=10'], true).keepidle).toBe(10);
  });

  it.each(['keepidle=1e1', 'keepidle=0x10', 'keepidle= 10', 'keepidle=10abc', 'keepidle=-1'])('rejects %s with a UsageError', (set) => {
    expect(() => resolveParams(testIdle, undefined, [set], false)).toThrow(UsageError);
  });

  it('-1 for keepidle (minimum 1) says so in seconds', () => {
    expect(() => resolveParams(testIdle, undefined, ['keepidle=-1'], false)).toThrow(/^--set keepidle=-1: keepidle must be at least 1 s$/);
  });
});
