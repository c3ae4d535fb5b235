// One row of the matrix (a form on every kernel): do the kernels differ, how, and why.
//
// Three ways to differ: the verdict; the set of timing expectations (the model
// predicts 6 SYN retransmissions on one kernel and 10 on another); or a shared
// expectation the model times differently, by more than the widest window of the
// kernels compared. The cause is every kernel change (kernel-facts.ts) that is
// relevant to the form (relevant-changes.ts) and whose factsFor() value is not the
// same on the kernels compared. Nothing else is ever named as a cause.
import { KERNEL_CHANGES, factsFor, type FactKey, type KernelChange, type KernelFacts, type VersionRange } from '../model/kernel-facts.ts';
import { factsRelease } from './facts-release.ts';
import { type MatrixCell, type MatrixDoc, type MatrixKernel, type MatrixTiming, cellAt, matrixForms } from './matrix-doc.ts';
import { relevantChanges } from './relevant-changes.ts';

export const UNKNOWN_CAUSE = "cause unknown: not in the model's version facts";

export interface Cause {
  key: FactKey;
  change: string;
  commit: string;
  /** First mainline release, e.g. '6.5'. */
  since: string;
  /** Every version the change is in, in words: '5.11; 5.10.13, 5.4.96 (stable)'. */
  versions: string;
  /** Kernel labels that have it, and that do not (column order). */
  has: string[];
  lacks: string[];
}

export interface KernelGroup {
  /** What these kernels showed, as printed: 'pass', '6', '127.0 s'. */
  value: string;
  kernels: string[];
}

export interface KernelDifference {
  kind: 'verdict' | 'expectations' | 'expected-time';
  /** "SYN retransmissions: 6 on 5.10, 6.1; 10 on 6.12, host" */
  text: string;
  groups: KernelGroup[];
  causes: Cause[];
  /** The causes in one line, or why there is none. */
  causeText: string;
}

export interface RowDifferences {
  form: string;
  differences: KernelDifference[];
}

/** No window is narrower than packetdrill's 4 ms (README, verdict/tolerance.ts). */
const MIN_WINDOW_S = 0.004;

function versionsText(r: VersionRange): string {
  const stable = Object.values(r.backports ?? {});
  let s = r.since + (stable.length ? `; ${stable.join(', ')} (stable)` : '');
  const u = r.until;
  if (u) {
    const ends = [
      ...(u.mainline ? [u.mainline] : []),
      ...Object.entries(u.series ?? {}).map(([series, fixed]) => (fixed === null ? `never in ${series}` : fixed)),
    ];
    s += `, until ${ends.join(', ')}`;
  }
  return s;
}

function causeOf(c: KernelChange, has: string[], lacks: string[]): Cause {
  return { key: c.key, change: c.change, commit: c.commit, since: c.range.since, versions: versionsText(c.range), has, lacks };
}

export function causeLine(c: Cause): string {
  return `${c.change} (commit ${c.commit}, ${c.versions}): on ${c.has.join(', ')}; not on ${c.lacks.join(', ')}`;
}

function factsOf(k: MatrixKernel): KernelFacts | null {
  try {
    return factsFor(factsRelease(k));
  } catch {
    return null; // not a release string: no facts, so never a cause
  }
}

/** Relevant changes whose value is not the same on every kernel named in the groups. */
export function causesFor(form: string, kernels: readonly MatrixKernel[], groups: readonly KernelGroup[]): { causes: Cause[]; causeText: string } {
  const relevant = relevantChanges(form);
  if (!relevant) return { causes: [], causeText: `${UNKNOWN_CAUSE} (relevant-changes.ts has no entry for ${form.split(':')[0]})` };
  const involved = new Set(groups.flatMap((g) => g.kernels));
  const facts = kernels.filter((k) => involved.has(k.label)).map((k) => ({ label: k.label, facts: factsOf(k) }));
  const known = facts.filter((f): f is { label: string; facts: KernelFacts } => f.facts !== null);
  const causes = KERNEL_CHANGES.filter((c) => relevant.includes(c.key))
    .map((c) => causeOf(c, known.filter((f) => f.facts[c.key]).map((f) => f.label), known.filter((f) => !f.facts[c.key]).map((f) => f.label)))
    .filter((c) => c.has.length > 0 && c.lacks.length > 0);
  const unreadable = facts.filter((f) => f.facts === null).map((f) => f.label);
  const note = unreadable.length ? ` (no version facts for ${unreadable.join(', ')}: release not readable)` : '';
  return { causes, causeText: causes.length ? causes.map(causeLine).join('; ') + note : UNKNOWN_CAUSE + note };
}

/** Group kernel labels by a printed value, keeping column order inside and between groups. */
function groupBy(entries: ReadonlyArray<{ kernel: string; value: string }>): KernelGroup[] {
  const groups: KernelGroup[] = [];
  for (const e of entries) {
    const g = groups.find((x) => x.value === e.value);
    if (g) g.kernels.push(e.kernel);
    else groups.push({ value: e.value, kernels: [e.kernel] });
  }
  return groups;
}

const groupsText = (groups: readonly KernelGroup[]) => groups.map((g) => `${g.value} on ${g.kernels.join(', ')}`).join('; ');

function verdictDifference(form: string, kernels: readonly MatrixKernel[], cells: readonly MatrixCell[]): KernelDifference | null {
  const groups = groupBy(
    cells.map((c) => {
      // A shared skip or error reason belongs to the group's value ("skip (no sch_netem)").
      const reason = (c.verdict === 'skip' || c.verdict === 'error') && c.reason ? ` (${c.reason})` : '';
      return { kernel: c.kernel, value: c.verdict + reason };
    }),
  );
  if (groups.length < 2) return null;
  const text = `verdict: ${groupsText(groups)}`;
  const judged = new Set(cells.filter((c) => c.verdict === 'pass' || c.verdict === 'fail').map((c) => c.verdict));
  if (judged.size <= 1) {
    // Only skips or errors set the kernels apart: the run says why; no timer was judged differently.
    const why = cells.filter((c) => c.verdict === 'skip' || c.verdict === 'error').map((c) => `${c.kernel}: ${c.verdict}${c.reason ? `, ${c.reason}` : ''}`);
    return { kind: 'verdict', text, groups, causes: [], causeText: `not a timer difference: the run's own reason (${why.join('; ')})` };
  }
  return { kind: 'verdict', text, groups, ...causesFor(form, kernels, groups) };
}

/** 'SYN retransmission 7' → family 'SYN retransmission', member 7. */
function family(name: string): { base: string; n: number | null } {
  const m = /^(.*\S)\s+(\d+)$/.exec(name);
  return m ? { base: m[1]!, n: Number(m[2]) } : { base: name, n: null };
}

const plural = (base: string) => (base.endsWith('s') ? base : `${base}s`);

/** The value a kernel's model puts on a timing: the nominal time when known, else the expected one. */
function modelTime(t: MatrixTiming, useAt: boolean): number | null {
  return useAt ? (t.at_s ?? null) : t.expected_s;
}

function decimals(window_s: number): number {
  return window_s < 0.05 ? 3 : 1;
}

function fmtRange(values: number[], d: number): string {
  const lo = Math.min(...values).toFixed(d);
  const hi = Math.max(...values).toFixed(d);
  return lo === hi ? `${lo} s` : `${lo}–${hi} s`;
}

/**
 * Cluster the kernels' times of one expectation: a gap wider than the widest window
 * starts a new group. Null when they all agree (or too few have a time).
 */
function timeGroups(per: ReadonlyArray<{ kernel: string; t: MatrixTiming }>, order: readonly string[]): KernelGroup[] | null {
  const useAt = per.every((p) => typeof p.t.at_s === 'number');
  const vals = per.map((p) => ({ kernel: p.kernel, v: modelTime(p.t, useAt), tol: p.t.tolerance_s ?? 0 }));
  if (vals.some((x) => x.v === null) || vals.length < 2) return null;
  const window = Math.max(MIN_WINDOW_S, ...vals.map((x) => x.tol));
  const sorted = [...vals].sort((a, b) => a.v! - b.v!);
  const clusters: Array<typeof vals> = [];
  for (const x of sorted) {
    const last = clusters.at(-1);
    if (last && x.v! - last.at(-1)!.v! <= window) last.push(x);
    else clusters.push([x]);
  }
  if (clusters.length < 2) return null;
  const d = decimals(window);
  const idx = (k: string) => order.indexOf(k);
  return clusters
    .map((c) => ({ value: fmtRange(c.map((x) => x.v!), d), kernels: c.map((x) => x.kernel).sort((a, b) => idx(a) - idx(b)) }))
    .sort((a, b) => idx(a.kernels[0]!) - idx(b.kernels[0]!));
}

/** '2, 3, 4, 6' → '2–4, 6'. */
function ranges(ns: number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < ns.length) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    out.push(j > i ? `${ns[i]}–${ns[j]}` : `${ns[i]}`);
    i = j + 1;
  }
  return out.join(', ');
}

function timingDifferences(form: string, kernels: readonly MatrixKernel[], cells: readonly MatrixCell[]): KernelDifference[] {
  const order = kernels.map((k) => k.label);
  // Only judged runs have the model's timings; a skip or an error has none to compare.
  const judged = cells.filter((c) => (c.verdict === 'pass' || c.verdict === 'fail') && c.timings.length > 0);
  if (judged.length < 2) return [];
  const out: KernelDifference[] = [];
  const byName = (name: string) => judged.flatMap((c) => c.timings.filter((t) => t.name === name).slice(0, 1).map((t) => ({ kernel: c.kernel, t })));

  const families = [...new Set(judged.flatMap((c) => c.timings.map((t) => family(t.name).base)))];
  const unevenFamilies = new Set<string>();
  for (const base of families) {
    const counts = judged.map((c) => ({ kernel: c.kernel, value: String(c.timings.filter((t) => family(t.name).base === base).length) }));
    const groups = groupBy(counts);
    if (groups.length < 2) continue;
    unevenFamilies.add(base);
    const numbered = judged.some((c) => c.timings.some((t) => family(t.name).base === base && family(t.name).n !== null));
    let text: string;
    if (numbered) {
      // The members all kernels share are usually re-timed too; name them here rather than once each.
      const shared = [...new Set(judged.flatMap((c) => c.timings.map((t) => t.name)))].filter(
        (n) => family(n).base === base && byName(n).length === judged.length,
      );
      const retimed = shared.filter((n) => timeGroups(byName(n), order) !== null).map((n) => family(n).n!);
      text = `${plural(base)}: ${groupsText(groups)}${retimed.length ? ` (expected times also differ: ${ranges(retimed.sort((a, b) => a - b))})` : ''}`;
    } else {
      const present = groupBy(counts.map((c) => ({ kernel: c.kernel, value: c.value === '0' ? 'absent' : 'expected' })));
      text = `${base}: ${groupsText(present)}`;
    }
    out.push({ kind: 'expectations', text, groups, ...causesFor(form, kernels, groups) });
  }

  const names = [...new Set(judged.flatMap((c) => c.timings.map((t) => t.name)))];
  for (const name of names) {
    if (unevenFamilies.has(family(name).base)) continue;
    const groups = timeGroups(byName(name), order);
    if (!groups) continue;
    out.push({ kind: 'expected-time', text: `${name}: expected ${groupsText(groups)}`, groups, ...causesFor(form, kernels, groups) });
  }
  return out;
}

/** Every difference between the kernels on one row; empty when they agree. */
export function rowDifferences(doc: MatrixDoc, form: string): KernelDifference[] {
  const cells = doc.kernels.map((k) => cellAt(doc, form, k.label)).filter((c): c is MatrixCell => c !== undefined);
  const verdict = verdictDifference(form, doc.kernels, cells);
  return [...(verdict ? [verdict] : []), ...timingDifferences(form, doc.kernels, cells)];
}

/** The rows on which kernels differ, in row order. */
export function matrixDifferences(doc: MatrixDoc): RowDifferences[] {
  return matrixForms(doc)
    .map((form) => ({ form, differences: rowDifferences(doc, form) }))
    .filter((r) => r.differences.length > 0);
}
