// Pairing two recorded fast test-idle runs (fixtures/README.md): keepidle 1 and 2.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { loadRun } from './load.ts';
import { pairRuns } from './match.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const a = loadRun(path.join(here, 'fixtures', 'keepidle-1'));
const b = loadRun(path.join(here, 'fixtures', 'keepidle-2'));

describe('pairRuns', () => {
  const pairs = pairRuns(a, b);
  it('pairs every model event and count, and leaves out the harness checks', () => {
    expect(pairs.map((p) => p.a?.name)).toEqual(['keepalive probe 1', 'keepalive probe 2', 'RST when keepalive gives up', 'read() fails with ETIMEDOUT', 'keepalive probes sent', 'RSTs sent']);
    expect(pairs.every((p) => p.a && p.b)).toBe(true);
  });
  it('measures each delta from the runs\' anchors: keepidle 2 moves every event about 1 s later (the model: at_s + 1)', () => {
    const model = (id: string) => b.prediction.events.find((e) => e.id === id)!.at_s - a.prediction.events.find((e) => e.id === id)!.at_s;
    for (const p of pairs.filter((x) => x.a?.predicted)) {
      const e = p.a!;
      // Each observation lies in its window; two of them differ from the model's shift by at most the wider window.
      const slack = Math.max(e.window_s![1] - e.window_s![0], p.b!.window_s![1] - p.b!.window_s![0]);
      expect(Math.abs(p.delta_s! - model(e.predicted!))).toBeLessThanOrEqual(slack);
    }
  });
});

describe('loadRun', () => {
  it('a missing folder or one without result.json is a UsageError', () => {
    expect(() => loadRun(path.join(here, 'no-such-run'))).toThrow(UsageError);
    expect(() => loadRun(here)).toThrow(/has no result\.json/);
  });
});
