import { describe, expect, it } from 'vitest';
import { namespaceName, ownerGone } from './netns.ts';

describe('netns names', () => {
  it('carry the owner pid, so a live run is never cleaned up', () => {
    const name = namespaceName('test-idle');
    expect(name).toMatch(new RegExp(`^tcplab-test-idle-${process.pid}-[0-9a-f]{6}$`));
    expect(ownerGone(name)).toBe(false);
  });

  it('count as leftovers when the owner is gone or unknown', () => {
    expect(ownerGone(namespaceName('test-idle', 2 ** 22 + 1))).toBe(true); // above pid_max's default
    expect(ownerGone('tcplab-test-idle-98a4cf')).toBe(true); // the older format without a pid
  });
});
