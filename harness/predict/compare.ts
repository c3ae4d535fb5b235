// The same settings on several kernels: which schedules differ, and which entries
// of the kernel-facts table (docs/timer-model.md) make them differ.
import { KERNEL_CHANGES, changesFor, type FactKey } from '../model/kernel-facts.ts';
import type { KernelRef } from '../model/kernel-ref.ts';
import { compareVersions } from '../model/kernel-version.ts';
import type { Schedule } from '../model/schedule.ts';
import type { FamilyDef, Values } from './families.ts';

export interface FactDifference {
  key: FactKey;
  change: string;
  commit: string;
  effect: string;
  /** Whether the kernel being predicted for has it. */
  here: boolean;
  /** Whether the compared kernel has it. */
  there: boolean;
}

export interface KernelComparison {
  kernel: string;
  /** The kernel the prediction is for. */
  current: boolean;
  schedule: Schedule;
  /** The schedule's event times and the error are those of the current kernel. */
  same: boolean;
  /** Family-relevant facts that hold on one kernel and not the other. */
  differences: FactDifference[];
}

function signature(s: Schedule): string {
  return s.events.map((e) => `${e.id}@${e.at_s.toFixed(6)}${e.earliest_at_s !== undefined ? `~${e.earliest_at_s.toFixed(6)}` : ''}`).join(' ') + `|${s.error ?? ''}`;
}

function factKeys(kernel: string): Set<FactKey> {
  return new Set(changesFor(kernel).map((c) => c.key));
}

/** `hz`: CONFIG_HZ for every kernel compared (only the version then differs); absent, each is assumed 250. */
export function compareKernels(def: FamilyDef, v: Values, set: Values, kernel: string, compare: readonly string[], hz?: number): KernelComparison[] {
  const ref = (release: string): KernelRef => (hz === undefined ? release : { release, hz });
  const here = def.schedule(v, set, ref(kernel));
  const hereKeys = factKeys(kernel);
  const relevant = def.facts(v);
  const kernels = [...new Set([...compare, kernel])].sort((a, b) => compareVersions(a, b));
  return kernels.map((k) => {
    const current = k === kernel;
    const schedule = current ? here : def.schedule(v, set, ref(k));
    const thereKeys = factKeys(k);
    const differences = current
      ? []
      : KERNEL_CHANGES.filter((c) => relevant.includes(c.key) && hereKeys.has(c.key) !== thereKeys.has(c.key)).map((c) => ({
          key: c.key,
          change: c.change,
          commit: c.commit,
          effect: c.effect,
          here: hereKeys.has(c.key),
          there: thereKeys.has(c.key),
        }));
    return { kernel: k, current, schedule, same: signature(schedule) === signature(here), differences };
  });
}
