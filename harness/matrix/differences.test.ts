import { describe, expect, it } from 'vitest';
import { UNKNOWN_CAUSE, matrixDifferences, rowDifferences } from './differences.ts';
import { fixtureDoc } from './fixture.ts';
import type { MatrixDoc } from './matrix-doc.ts';

describe('rowDifferences on the fixture', () => {
  const doc = fixtureDoc();

  it('test-syn-sent: 6 SYN retransmissions on 5.10 and 6.1, 10 on 6.12 and host, caused by the linear SYN timeouts of 6.5', () => {
    const d = rowDifferences(doc, 'test-syn-sent');
    const count = d.find((x) => x.kind === 'expectations')!;
    expect(count.text).toBe('SYN retransmissions: 6 on 5.10, 6.1; 10 on 6.12, host (expected times also differ: 2–6)');
    expect(count.groups).toEqual([
      { value: '6', kernels: ['5.10', '6.1'] },
      { value: '10', kernels: ['6.12', 'host'] },
    ]);
    const connect = d.find((x) => x.text.startsWith('connect()'))!;
    expect(connect.kind).toBe('expected-time');
    expect(connect.text).toBe('connect() fails with ETIMEDOUT: expected 127.0 s on 5.10, 6.1; 131.0 s on 6.12, host');
    for (const x of d) {
      // rtoMinSysctl and tlpTimeoutMinUs also split these kernels 2/2, but do not matter for a SYN.
      expect(x.causes.map((c) => c.key)).toEqual(['synLinearTimeouts']);
      expect(x.causes[0]).toMatchObject({ commit: 'ccce324dabfe', since: '6.5', has: ['6.12', 'host'], lacks: ['5.10', '6.1'] });
    }
    expect(d.every((x) => x.kind !== 'verdict')).toBe(true);
  });

  it('test-idle and its user-timeout variant: the kernels agree', () => {
    expect(rowDifferences(doc, 'test-idle')).toEqual([]);
    expect(rowDifferences(doc, 'test-idle:user-timeout-3s')).toEqual([]);
  });

  it('a skip on one kernel is a verdict difference whose cause is the run’s reason, not a kernel change', () => {
    const [d, ...rest] = rowDifferences(doc, 'rto-retries2:rtt-400ms');
    expect(rest).toEqual([]);
    expect(d!.kind).toBe('verdict');
    expect(d!.text).toBe('verdict: pass on 5.10, 6.1, 6.12; skip (no sch_netem) on host');
    expect(d!.causes).toEqual([]);
    expect(d!.causeText).toMatch(/not a timer difference.*host: skip, no sch_netem/);
  });

  it('a failure with no relevant change between the kernels: cause unknown, nothing invented', () => {
    const [d, ...rest] = rowDifferences(doc, 'test-dead2');
    expect(rest).toEqual([]);
    expect(d!.text).toBe('verdict: fail on 5.10; pass on 6.1, 6.12, host');
    expect(d!.causes).toEqual([]);
    expect(d!.causeText).toBe(UNKNOWN_CAUSE);
  });

  it('lists the differing rows in row order', () => {
    expect(matrixDifferences(doc).map((r) => r.form)).toEqual(['test-syn-sent', 'test-syn-sent:user-timeout-5s', 'test-dead2', 'rto-retries2:rtt-400ms']);
  });
});

/** A two-kernel document with one timing per cell. */
function twoKernels(form: string, a: { release: string; version?: string; at: number; tol: number }, b: { release: string; at: number; tol: number }): MatrixDoc {
  const cell = (kernel: string, at: number, tol: number) => ({
    form,
    kernel,
    verdict: 'pass' as const,
    timings: [{ name: 'read() fails with ETIMEDOUT', expected_s: at + 0.05, observed_s: at + 0.1, tolerance_s: tol, ok: true, at_s: at }],
  });
  return {
    tool: 'tcplab',
    generated_at: '2026-03-14T09:00:00.000Z',
    fast: false,
    kernels: [
      { label: 'a', release: a.release, ...(a.version ? { version: a.version } : {}), backend: 'vm' },
      { label: 'b', release: b.release, backend: 'vm' },
    ],
    cells: [cell('a', a.at, a.tol), cell('b', b.at, b.tol)],
  };
}

describe('rowDifferences: expected times', () => {
  it('within the widest window the kernels agree; past it they differ', () => {
    expect(rowDifferences(twoKernels('test-zero', { release: '6.1.0', at: 100, tol: 0.3 }, { release: '6.12.41', at: 100.2, tol: 0.3 }), 'test-zero')).toEqual([]);
    const [d] = rowDifferences(twoKernels('test-zero', { release: '6.1.0', at: 100, tol: 0.3 }, { release: '6.12.41', at: 100.5, tol: 0.3 }), 'test-zero');
    expect(d!.text).toBe('read() fails with ETIMEDOUT: expected 100.0 s on a; 100.5 s on b');
  });

  it('compares the nominal at_s, not expected_s (which carries the previous event’s lateness)', () => {
    const doc = twoKernels('test-idle', { release: '6.1.0', at: 14, tol: 0.01 }, { release: '6.12.41', at: 14, tol: 0.01 });
    doc.cells[1]!.timings[0]!.expected_s = 14.3;
    expect(rowDifferences(doc, 'test-idle')).toEqual([]);
    for (const c of doc.cells) delete c.timings[0]!.at_s;
    expect(rowDifferences(doc, 'test-idle')).toHaveLength(1);
  });

  it('reads the facts from `version` when uname -r hides the patch level (Debian 5.10.0-N)', () => {
    // zeroWindowProbeClamp reached 5.10 in 5.10.13: '5.10.0-35-amd64' alone reads as before it.
    const hidden = rowDifferences(twoKernels('test-zero:user-timeout-60s', { release: '5.10.0-35-amd64', at: 60, tol: 0.3 }, { release: '6.1.0-37-amd64', at: 61, tol: 0.3 }), 'test-zero:user-timeout-60s');
    expect(hidden[0]!.causes.map((c) => c.key)).toEqual(['zeroWindowProbeClamp', 'probe0UserTimeoutModelled', 'probe0UserTimeoutStamp']);
    const real = rowDifferences(
      twoKernels('test-zero:user-timeout-60s', { release: '5.10.0-35-amd64', version: '5.10.237', at: 60, tol: 0.3 }, { release: '6.1.0-37-amd64', at: 61, tol: 0.3 }),
      'test-zero:user-timeout-60s',
    );
    expect(real[0]!.causeText).toBe(UNKNOWN_CAUSE);
  });

  it('a form the relevance table does not know: cause unknown, and it says so', () => {
    const [d] = rowDifferences(twoKernels('test-new', { release: '6.1.0', at: 10, tol: 0.1 }, { release: '6.12.41', at: 12, tol: 0.1 }), 'test-new');
    expect(d!.causes).toEqual([]);
    expect(d!.causeText).toBe(`${UNKNOWN_CAUSE} (relevant-changes.ts has no entry for test-new)`);
  });
});
