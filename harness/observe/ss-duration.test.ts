import { describe, expect, it } from 'vitest';
import { parseSsDuration, readSsDuration } from './ss-duration.ts';
import { TimerTextError } from './timer-text-error.ts';

describe('parseSsDuration', () => {
  it.each([
    ['', 0],
    ['044ms', 0.044],
    ['008ms', 0.008],
    ['995ms', 0.995],
    ['58sec', 58],
    ['15sec', 15],
    ['5sec', 5],
    ['2min3sec', 123],
    ['2min', 120],
    ['11min', 660],
    ['1h2min', 3720],
    // iproute2 6.1 prints seconds.millis with an 'ms' unit: these are seconds
    ['1.840ms', 1.84],
    ['2.986ms', 2.986],
    ['1.016ms', 1.016],
    // ...and patched iproute2 prints the same with 'sec'
    ['1.840sec', 1.84],
    ['9.501sec', 9.501],
  ])('%j is %d s', (text, seconds) => {
    expect(parseSsDuration(text)).toBe(seconds);
  });

  it('flags only the mislabelled decimal form', () => {
    expect(readSsDuration('1.840ms')).toEqual({ seconds: 1.84, mislabelled: true });
    expect(readSsDuration('1.840sec')).toEqual({ seconds: 1.84, mislabelled: false });
    expect(readSsDuration('840ms')).toEqual({ seconds: 0.84, mislabelled: false });
  });

  it.each(['1.5ms', '1.5sec', 'ms', '12', '3s', 'sec5', '-44ms', ' 44ms', '1min.5sec'])(
    'rejects %j with a TimerTextError naming the forms',
    (text) => {
      expect(() => parseSsDuration(text)).toThrow(TimerTextError);
      expect(() => parseSsDuration(text)).toThrow(/1\.840ms/);
    },
  );
});
