// `predict`: the model's schedule for one timer family and a set of settings, on
// one kernel, and how that schedule differs on other kernels.
import { closest, distance } from 'fastest-levenshtein';
import { UsageError } from '../errors.ts';
import { defaults, parseSets } from '../experiment/params.ts';
import { hzOf, KNOWN_HZ, type KernelRef } from '../model/kernel-ref.ts';
import { parseKernelVersion } from '../model/kernel-version.ts';
import type { PredictedEvent, Schedule } from '../model/schedule.ts';
import { compareKernels, type KernelComparison } from './compare.ts';
import { FAMILIES, FAMILY_DEFS, isFamily, type Family, type Values } from './families.ts';

/** The notes' kernel (Docker Desktop's linuxkit 4.19.121) and Debian 12's: compared by default. */
export const DEFAULT_COMPARE = ['4.19.121', '6.1'] as const;

/** Event ids that end the socket (or the request) in the model's schedules. */
const END_IDS = new Set(['abort', 'drop', 'closed']);

export interface Prediction {
  family: Family;
  title: string;
  kernel: string;
  /** CONFIG_HZ the schedule was computed for (250 unless given). */
  hz: number;
  /** Every parameter of the family, defaults filled in. */
  params: Values;
  /** Only what --set gave. */
  set: Values;
  schedule: Schedule;
  /** The event that ends the socket (abort / drop / closed), when the model predicts one. */
  end?: PredictedEvent;
  /** Bounds, what-ifs and parameters that do not change the timing. */
  extras: string[];
  /** The same settings on other kernels. */
  kernels: KernelComparison[];
}

/**
 * The model's schedule for `family` with `--set name=value` strings, on `kernel`
 * (a `uname -r` string or 'X.Y[.Z]'), compared with `compare` kernels, all at CONFIG_HZ
 * `hz` (one of KNOWN_HZ; absent: 250 assumed).
 * Bad input (unknown family or parameter, bad value or kernel) throws UsageError.
 */
export function predict(family: string, sets: readonly string[], kernel: string, compare: readonly string[] = DEFAULT_COMPARE, hz?: number): Prediction {
  if (hz !== undefined) checkHz(hz);
  const ref: KernelRef = hz === undefined ? kernel : { release: kernel, hz };
  if (!isFamily(family)) {
    const best = closest(family, [...FAMILIES]);
    const hint = family !== '' && distance(family, best) <= 3 ? `did you mean '${best}'? ` : '';
    throw new UsageError(`unknown timer family '${family}'`, `${hint}the families are: ${FAMILIES.join(', ')}`);
  }
  checkKernel(kernel);
  for (const k of compare) checkKernel(k);
  const def = FAMILY_DEFS[family];
  let set: Values;
  try {
    set = parseSets(def.params, sets, family);
  } catch (e) {
    // parseSets points at `--describe <experiment>`; here the list itself is the help.
    if (e instanceof UsageError) throw new UsageError(e.message, e.hint?.replace(/ \(see --describe [^)]*\)$/, ''));
    throw e;
  }
  const params = { ...defaults(def.params), ...set };
  const schedule = def.schedule(params, set, ref);
  const end = schedule.events.findLast((e) => END_IDS.has(e.id));
  return {
    family,
    title: def.title,
    kernel,
    hz: hzOf(ref),
    params,
    set,
    schedule,
    ...(end ? { end } : {}),
    extras: def.extras?.(params, set, ref) ?? [],
    kernels: compareKernels(def, params, set, kernel, compare, hz),
  };
}

/** `--hz <n>` as typed: one of KNOWN_HZ, else UsageError. */
export function parseHz(text: string): number {
  const hz = text.trim() === '' ? NaN : Number(text);
  checkHz(hz, text);
  return hz;
}

function checkHz(hz: number, typed: string = String(hz)): void {
  if (!(KNOWN_HZ as readonly number[]).includes(hz)) {
    throw new UsageError(`--hz ${typed}: not a CONFIG_HZ`, `give one of ${KNOWN_HZ.join(', ')} (x86's choices); a kernel's is CONFIG_HZ in /boot/config-$(uname -r) or /proc/config.gz`);
  }
}

function checkKernel(kernel: string): void {
  try {
    parseKernelVersion(kernel);
  } catch {
    throw new UsageError(`'${kernel}' is not a kernel version`, "give it like uname -r prints it, or short: --kernel 4.19.121, --kernel 6.1");
  }
}
