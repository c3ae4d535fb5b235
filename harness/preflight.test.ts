import { describe, expect, it } from 'vitest';
import { PrerequisiteError } from './errors.ts';
import { requireNode } from './preflight.ts';

describe('requireNode', () => {
  it("refuses Debian 12's Node 18 and Node 20 before 'connectionAttempt' existed", () => {
    expect(() => requireNode('18.19.0')).toThrow(PrerequisiteError);
    expect(() => requireNode('20.11.1')).toThrow(/needs Node 20\.12/);
  });

  it('accepts 20.12 and later', () => {
    expect(() => requireNode('20.12.0')).not.toThrow();
    expect(() => requireNode('22.1.0')).not.toThrow();
  });
});
