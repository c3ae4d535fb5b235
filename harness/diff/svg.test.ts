// The diff picture of the two recorded fast test-idle runs (fixtures/README.md).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diffRuns } from './index.ts';
import { loadRun } from './load.ts';
import { renderDiff } from './svg.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const a = loadRun(path.join(here, 'fixtures', 'keepidle-1'));
const b = loadRun(path.join(here, 'fixtures', 'keepidle-2'));

describe('renderDiff', () => {
  const doc = diffRuns(a, b);
  const svg = renderDiff(doc, a, b);
  it('draws both runs\' lanes', () => {
    for (const tag of ['a', 'b']) expect(svg).toContain(`>${tag}: client → server</text>`);
  });
  it('one connector per differing pair, labelled with its delta', () => {
    const differing = doc.rows.filter((r) => r.differs);
    expect(differing.length).toBeGreaterThan(0);
    expect(svg.match(/<g class="connector">/g)?.length).toBe(differing.length);
    for (const r of differing) expect(svg).toContain(`+${r.delta_s!.toFixed(3)} s</text>`);
  });
});
