import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { predictedEnd } from '../model/schedule.ts';
import { syntheticDeadRun, syntheticIdleRun } from '../report/synthetic-runs.ts';
import { FIXTURE_FILE, fixtureDoc } from './fixture.ts';
import { cellFromError, cellFromResult, matrixDocSchema, matrixForms, parseMatrixDoc } from './matrix-doc.ts';

describe('matrix.json schema', () => {
  it('accepts the fixture: 4 kernels, 6 forms, 24 cells', () => {
    const doc = parseMatrixDoc(fs.readFileSync(FIXTURE_FILE, 'utf8'));
    expect(doc.kernels.map((k) => k.label)).toEqual(['5.10', '6.1', '6.12', 'host']);
    expect(matrixForms(doc)).toHaveLength(6);
    expect(doc.cells).toHaveLength(24);
  });

  it('rejects a broken document, saying what is wrong', () => {
    const good = fixtureDoc();
    const bad = (mutate: (d: Record<string, any>) => void) => {
      const d = structuredClone(good) as Record<string, any>;
      mutate(d);
      const r = matrixDocSchema.safeParse(d);
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => i.message).join('\n');
    };
    bad((d) => delete d.tool);
    bad((d) => (d.cells[0].verdict = 'passed'));
    bad((d) => (d.cells[0].timings[0].expected_s = '5.0'));
    bad((d) => (d.generated_at = 'yesterday'));
    bad((d) => (d.kernels = []));
    expect(bad((d) => (d.cells[0].kernel = '4.19'))).toMatch(/unknown kernel '4\.19'/);
    expect(bad((d) => d.cells.push({ ...d.cells[0] }))).toMatch(/two cells for test-idle on 5\.10/);
    expect(bad((d) => d.kernels.push({ ...d.kernels[0] }))).toMatch(/kernel label '5\.10' appears twice/);
    expect(() => parseMatrixDoc('{ not json')).toThrow();
  });
});

describe('cellFromResult', () => {
  it('keeps the timing expectations, the verdict and the model end, and names the form', () => {
    const run = { ...syntheticIdleRun(), variant: 'user-timeout-3s' };
    const cell = cellFromResult(run, 'host');
    expect(cell.form).toBe('test-idle:user-timeout-3s');
    expect(cell.kernel).toBe('host');
    expect(cell.verdict).toBe('pass');
    expect(cell.timings.map((t) => t.name)).toEqual(['keepalive probe 1', 'keepalive probe 2', 'keepalive probe 3', 'RST: keepalive gives up']);
    expect(cell.timings[3]).toMatchObject({ at_s: 14, ok: true });
    expect(cell.end_s).toBe(predictedEnd(run.prediction));
    expect(cell.end_s).toBeGreaterThan(14);
    expect(cell.runDir).toBe('/nonexistent');
    expect(matrixDocSchema.safeParse({ ...fixtureDoc(), cells: [{ ...cell, kernel: 'host' }] }).success).toBe(true);
  });

  it('leaves out count and outcome expectations (no time) and keeps a failed one', () => {
    const run = syntheticDeadRun();
    const cell = cellFromResult(run, '6.12');
    expect(run.expectations.some((e) => e.name === 'RTO retransmissions')).toBe(true);
    expect(cell.timings.some((t) => t.name === 'RTO retransmissions')).toBe(false);
    expect(cell.verdict).toBe('fail');
    expect(cell.timings.find((t) => t.name === 'RTO retransmission 3')?.ok).toBe(false);
  });

  it('gives a skip its reason, and an empty prediction no end', () => {
    const run = { ...syntheticIdleRun(), verdict: 'skip' as const, reason: 'no sch_netem', expectations: [], prediction: { anchor: '', events: [], notes: [] } };
    expect(cellFromResult(run, 'host')).toMatchObject({ verdict: 'skip', reason: 'no sch_netem', timings: [], end_s: null });
  });
});

describe('cellFromError', () => {
  it('is an error cell with the reason and no timings', () => {
    expect(cellFromError('test-zero', '5.10', 'the guest did not boot in 300 s')).toEqual({
      form: 'test-zero',
      kernel: '5.10',
      verdict: 'error',
      reason: 'the guest did not boot in 300 s',
      timings: [],
    });
  });
});
