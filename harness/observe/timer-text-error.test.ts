import { describe, expect, it } from 'vitest';
import { TimerTextError } from './timer-text-error.ts';

describe('TimerTextError', () => {
  it('names the text, the reason and the hint in its message', () => {
    const e = new TimerTextError('timer:(on,xx,0)', 'bad time', "expected e.g. '044ms'");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('TimerTextError');
    expect(e.text).toBe('timer:(on,xx,0)');
    expect(e.message).toBe(`cannot read "timer:(on,xx,0)": bad time (expected e.g. '044ms')`);
  });

  it('leaves the hint out when there is none', () => {
    expect(new TimerTextError('x', 'why').message).toBe('cannot read "x": why');
  });
});
