// tcplab tune: the model's recommendation (pure), the command's answers to an
// impossible target and to bad input, and one real verification on this kernel.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepaliveSchedule } from '../model/keepalive.ts';
import { runCli } from '../testing/run-cli.ts';
import { recommend } from './recommend.ts';
import { parseDetectWithin } from './target.ts';
import { tuneDocSchema } from './tune-doc.ts';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-tune-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
const kernel = { release: '6.18.0', hz: 250 };

describe('recommend', () => {
  it.for([30, 6, 120])('detects a dead peer within %d s in both cases, with the timer wheel\'s lateness inside the target', (target) => {
    const rec = recommend(target, 'both', kernel);
    if (!rec.feasible) throw new Error('expected a recommendation');
    expect(rec.cases.map((c) => c.case)).toEqual(['idle', 'sending']);
    for (const c of rec.cases) {
      expect(c.detection.latest_s).toBeLessThanOrEqual(target);
      expect(c.detection.latest_s).toBeGreaterThan(c.detection.nominal_s); // lateness is counted, not ignored
    }
    // The idle case is the model's own keepalive death for those settings.
    const k = rec.settings.keepalive!;
    const abort = keepaliveSchedule({ keepidle_s: k.idle_s, keepintvl_s: k.intvl_s, keepcnt: k.cnt, user_timeout_ms: rec.settings.user_timeout_ms ?? 0 }, kernel).events.find((e) => e.id === 'abort')!;
    expect(rec.cases[0]!.detection.nominal_s).toBeCloseTo(abort.at_s, 6);
    expect(rec.settings.user_timeout_ms).toBeGreaterThan(0);
  });

  it('cannot detect an idle peer within 500 ms: keepalive cannot fire before 1 s', () => {
    const rec = recommend(0.5, 'idle', kernel);
    expect(rec.feasible).toBe(false);
    if (rec.feasible) return;
    expect(rec.floors[0]!.why).toMatch(/TCP_KEEPIDLE's minimum of 1 s/);
    expect(rec.floors[0]!.latest_s).toBeGreaterThanOrEqual(2);
  });

  it('can while sending: TCP_USER_TIMEOUT bounds the retransmissions', () => {
    const rec = recommend(0.5, 'sending', kernel);
    expect(rec.feasible).toBe(true);
    if (!rec.feasible) return;
    expect(rec.settings.keepalive).toBeNull();
    expect(rec.cases[0]!.detection.latest_s).toBeLessThanOrEqual(0.5);
  });

  it('reads a target only with its unit', () => {
    expect(parseDetectWithin('30s')).toBe(30);
    expect(parseDetectWithin('500ms')).toBe(0.5);
    expect(parseDetectWithin('2min')).toBe(120);
    for (const bad of ['30', '-3s', 'soon', '0s']) expect(() => parseDetectWithin(bad), bad).toThrow();
  });
});

describe('npm run tcplab -- tune', () => {
  it('explains an impossible target and exits 1 without running anything', async () => {
    const r = await runCli(['tune', '--detect-within', '500ms', '--while', 'idle', '--out', out]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('cannot be met');
    expect(r.stdout).toMatch(/TCP_KEEPIDLE's minimum of 1 s/);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it.for([
    ['30', 'no unit'],
    ['-3s', 'cannot be negative'],
  ])('--detect-within %s: exit 2, one line naming the fix', async ([value, why]) => {
    const r = await runCli(['tune', '--detect-within', value!]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(why!);
    expect(r.stderr).toContain('→');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('verifies its recommendation for a 6 s target with real test-idle and test-dead runs', async () => {
    const r = await runCli(['tune', '--detect-within', '6s', '--json', '--out', out]);
    const doc = tuneDocSchema.parse(JSON.parse(r.stdout));
    expect(doc.verified.map((v) => [v.case, v.verdict])).toEqual([
      ['idle', 'pass'],
      ['sending', 'pass'],
    ]);
    for (const v of doc.verified) {
      expect(v.observed_s).not.toBeNull();
      expect(v.observed_s!).toBeLessThanOrEqual(6);
      expect(v.met).toBe(true);
    }
    expect(doc.outcome).toBe('met');
    expect(r.exitCode).toBe(0);
    expect(doc.snippets.map((s) => s.lang)).toEqual(expect.arrayContaining(['node', 'go', 'python', 'java', 'sysctl']));
  }, 120_000);
});
