// The relevance table against the model: wherever an experiment's prediction differs
// between two kernels, some change listed for that form must differ between them too;
// otherwise a real model difference would be reported as "cause unknown".
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../experiments/registry.ts';
import { resolveParams } from '../experiment/resolve.ts';
import { KERNEL_CHANGES, factsFor } from '../model/kernel-facts.ts';
import type { Schedule } from '../model/schedule.ts';
import { RELEVANT_CHANGES, relevantChanges } from './relevant-changes.ts';

// Each side of every version boundary in kernel-facts.ts that the catalogue can meet.
const KERNELS = ['4.19.0', '4.19.100', '5.4.0', '5.4.96', '5.10.0', '5.10.237', '6.1.0', '6.5.0', '6.6.0', '6.11.0', '6.12.41', '6.15.0', '6.18.44'];

const forms = catalogue.flatMap((e) => [undefined, ...Object.keys(e.variants ?? {})].map((v) => ({ def: e, variant: v, form: v ? `${e.id}:${v}` : e.id })));

function signature(s: Schedule): string {
  return JSON.stringify([s.events.map((e) => [e.id, e.at_s, e.early_s, e.late_s, e.earliest_at_s ?? null, e.aligned ?? null]), s.error ?? null]);
}

describe('RELEVANT_CHANGES', () => {
  it('has an entry for every experiment, and its variant keys name real variants', () => {
    for (const e of catalogue) expect(RELEVANT_CHANGES[e.id], e.id).toBeDefined();
    const known = new Set(forms.map((f) => f.form));
    for (const key of Object.keys(RELEVANT_CHANGES)) expect(known.has(key), key).toBe(true);
  });

  it('names only keys of KERNEL_CHANGES', () => {
    const keys = new Set(KERNEL_CHANGES.map((c) => c.key));
    for (const [form, list] of Object.entries(RELEVANT_CHANGES)) for (const k of list) expect(keys.has(k), `${form}: ${k}`).toBe(true);
  });

  it('a variant entry wins over its experiment, and an unknown experiment has none', () => {
    expect(relevantChanges('test-syn-sent:user-timeout-5s')).toContain('rtoClampedToUserTimeout');
    expect(relevantChanges('test-syn-sent')).not.toContain('rtoClampedToUserTimeout');
    expect(relevantChanges('test-syn-sent:syncnt')).toBe(RELEVANT_CHANGES['test-syn-sent']);
    expect(relevantChanges('test-nope')).toBeUndefined();
  });

  it.each(forms.map((f) => [f.form, f] as const))('%s: every model difference between two kernels has a listed change that tells them apart', (_name, f) => {
    const relevant = relevantChanges(f.form)!;
    for (const fast of [false, true]) {
      const p = resolveParams(f.def, f.variant, [], fast);
      const sigs = KERNELS.map((k) => signature(f.def.predict(p, k)));
      for (let i = 0; i < KERNELS.length; i++) {
        for (let j = i + 1; j < KERNELS.length; j++) {
          if (sigs[i] === sigs[j]) continue;
          const a = factsFor(KERNELS[i]!);
          const b = factsFor(KERNELS[j]!);
          const apart = relevant.filter((k) => a[k] !== b[k]);
          expect(apart, `${f.form}${fast ? ' --fast' : ''}: ${KERNELS[i]} vs ${KERNELS[j]} predicted differently`).not.toEqual([]);
        }
      }
    }
  });
});
