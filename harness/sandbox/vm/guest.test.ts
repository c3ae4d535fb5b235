import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupGuests, GUEST_DIR_PREFIX } from './guest.ts';

const DEAD_PID = 2 ** 22 + 7; // above the default pid_max: never a live process
const made: string[] = [];
const dir = (name: string, withConsole = true) => {
  const d = path.join(os.tmpdir(), name);
  fs.mkdirSync(d, { recursive: true });
  if (withConsole) fs.writeFileSync(path.join(d, 'console.log'), '');
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('the sweep of guest folders', () => {
  it("removes only guest folders of dead tcplab processes, nothing else in /tmp", async () => {
    const dead = dir(`${GUEST_DIR_PREFIX}${DEAD_PID}-aB3xYz`);
    const live = dir(`${GUEST_DIR_PREFIX}${process.pid}-Qw12Er`);
    const lookalike = dir(`${GUEST_DIR_PREFIX}test-k9Pq2w`);
    const notGuest = dir(`${GUEST_DIR_PREFIX}${DEAD_PID}-zZ9yY8`, false);
    const removed = await cleanupGuests();
    expect(removed).toContain(path.basename(dead));
    expect(fs.existsSync(dead)).toBe(false);
    for (const kept of [live, lookalike, notGuest]) expect(fs.existsSync(kept)).toBe(true);
  });
});
