import { describe, expect, it } from 'vitest';
import { fixtureDoc } from './fixture.ts';
import { type MatrixDoc, cellAt, matrixDocSchema, matrixForms } from './matrix-doc.ts';
import { renderMatrixMarkdown } from './matrix-md.ts';
import { formsStillToRun, mergeMatrix, releaseChanges } from './merge-matrix.ts';

/** A later run of one kernel: the fixture's 5.10 entry, some of its cells re-run and one new form. */
function laterRun(earlier: MatrixDoc, release = earlier.kernels[0]!.release): MatrixDoc {
  const k510 = { ...earlier.kernels[0]!, release, wall_s: 12 };
  const rerun = { ...cellAt(earlier, 'test-idle', '5.10')!, verdict: 'fail' as const, runDir: '/later/test-idle' };
  const added = { form: 'close-wait-trap', kernel: '5.10', verdict: 'pass' as const, timings: [] };
  return { tool: 'tcplab', generated_at: '2026-12-03T14:00:00.000Z', fast: earlier.fast, kernels: [k510], cells: [rerun, added] };
}

describe('mergeMatrix', () => {
  it('replaces the cells the later run has, keeps every other, and adds new forms as last rows', () => {
    const earlier = fixtureDoc();
    const merged = mergeMatrix(earlier, laterRun(earlier));
    expect(matrixDocSchema.safeParse(merged).success).toBe(true);
    expect(cellAt(merged, 'test-idle', '5.10')).toMatchObject({ verdict: 'fail', runDir: '/later/test-idle' });
    expect(cellAt(merged, 'test-idle', '6.1')).toEqual(cellAt(earlier, 'test-idle', '6.1'));
    expect(merged.cells).toHaveLength(earlier.cells.length + 1);
    expect(matrixForms(merged)).toEqual([...matrixForms(earlier), 'close-wait-trap']);
    expect(merged.kernels.map((k) => k.label)).toEqual(earlier.kernels.map((k) => k.label));
    expect(merged.kernels[0]!.wall_s).toBe(12);
    expect(merged.generated_at).toBe(earlier.generated_at);
    expect(merged.merged_at).toBe('2026-12-03T14:00:00.000Z');
    expect(renderMatrixMarkdown(merged)).toContain('Generated 2026-03-14T09:17:02.000Z, cells merged in 2026-12-03T14:00:00.000Z');
  });

  it('drops the earlier cells of a kernel whose release changed: one column is one kernel', () => {
    const earlier = fixtureDoc();
    const later = laterRun(earlier, '5.10.0-36-amd64');
    expect(releaseChanges(earlier, later)).toEqual([{ label: '5.10', before: '5.10.0-35-amd64', now: '5.10.0-36-amd64' }]);
    const merged = mergeMatrix(earlier, later);
    expect(merged.cells.filter((c) => c.kernel === '5.10').map((c) => c.form)).toEqual(['test-idle', 'close-wait-trap']);
    expect(merged.cells.filter((c) => c.kernel === '6.1')).toHaveLength(earlier.cells.filter((c) => c.kernel === '6.1').length);
  });

  it('keeps a running matrix marked incomplete, and says how to go on', () => {
    const earlier = fixtureDoc();
    const merged = mergeMatrix(earlier, { ...laterRun(earlier), incomplete: '2 of 7 cells had run when this was written' });
    expect(merged.incomplete).toBe('2 of 7 cells had run when this was written');
    expect(renderMatrixMarkdown(merged)).toMatch(/^# tcplab kernel matrix\n\n\*\*Incomplete:\*\* 2 of 7 cells had run when this was written\. `npm run matrix -- --resume`/);
    expect(mergeMatrix(merged, laterRun(earlier)).incomplete).toBeUndefined();
  });

  it('refuses to mix a fast matrix with a real-length one', () => {
    const earlier = fixtureDoc();
    expect(() => mergeMatrix(earlier, { ...laterRun(earlier), fast: !earlier.fast })).toThrow(/cannot be merged/);
  });
});

describe('formsStillToRun (--resume)', () => {
  it('is the forms with no cell on that kernel, or only an error', () => {
    const doc = fixtureDoc();
    const forms = [...matrixForms(doc), 'close-wait-trap'];
    expect(formsStillToRun(doc, '6.1', forms)).toEqual(['close-wait-trap']);
    const errored = { ...doc, cells: doc.cells.map((c) => (c.form === 'test-idle' && c.kernel === '6.1' ? { ...c, verdict: 'error' as const, reason: 'guest did not boot' } : c)) };
    expect(formsStillToRun(errored, '6.1', forms)).toEqual(['test-idle', 'close-wait-trap']);
    expect(formsStillToRun(doc, '7.0', forms)).toEqual(forms);
  });
});
