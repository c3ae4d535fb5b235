// Explaining the two recorded fast test-idle runs (fixtures/README.md): keepidle 1 and 2.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explainPairs, paramChanges } from './explain.ts';
import { loadRun } from './load.ts';
import { pairRuns } from './match.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const a = loadRun(path.join(here, 'fixtures', 'keepidle-1'));
const b = loadRun(path.join(here, 'fixtures', 'keepidle-2'));

describe('explainPairs', () => {
  const out = explainPairs(a, b, pairRuns(a, b));
  it('names the param that changed', () => {
    expect(paramChanges(a, b)).toEqual(['keepidle 1 → 2']);
  });
  it('every timed keepalive event differs, with the model\'s own shift as the reason', () => {
    const timed = out.filter((p) => p.a?.window_s);
    expect(timed.length).toBeGreaterThan(0);
    for (const p of timed) {
      const shift = p.b!.at_s! - p.a!.at_s!;
      expect(p.differs).toBe(true);
      expect(p.model_shift_s).toBeCloseTo(shift, 6);
      expect(p.reason).toBe(`keepidle 1 → 2: the model predicts +${shift.toFixed(3)} s`);
    }
  });
  it('a run compared with itself differs nowhere', () => {
    expect(explainPairs(a, a, pairRuns(a, a)).some((p) => p.differs)).toBe(false);
  });
});
