// The shape of one experiment file: what the notes did (scenario), what the
// model says should happen (predict), and how to check it (anchor + expect).
// The same file is loaded on the host (to predict and judge) and inside the
// sandbox (to run the scenario), so it stays free of mechanics.
import type { KernelRef } from '../model/kernel-ref.ts';
import type { LoopbackRtt } from '../model/loopback.ts';
import type { Schedule } from '../model/schedule.ts';
import type { ScenarioContext } from '../runner/scenario.ts';
import type { ExpectationSpec } from '../verdict/judge.ts';
import type { Matcher } from '../verdict/match.ts';
import type { Lag } from '../verdict/tolerance.ts';
import type { ParamSpecs, ParamValues } from './params.ts';

export interface Variant<P extends ParamSpecs> {
  summary: string;
  set: Partial<ParamValues<P>>;
  /** The variant's own fast form, when the experiment's would blur what it shows. */
  fast?: Partial<ParamValues<P>>;
}

export interface ExperimentDef<P extends ParamSpecs = ParamSpecs> {
  id: string;
  title: string;
  /** The setup, in the notes' words. */
  setup: string;
  /** What the notes saw on 4.19.121 — a record to compare with, never the expectation. */
  notesSaw: string;
  /** Why it matters outside the lab, for an experiment beyond the notes (printed by --describe). */
  why?: string;
  params: P;
  variants?: Record<string, Variant<P>>;
  /** Smaller settings that show the same behaviour in a few seconds (--fast). */
  fast: Partial<ParamValues<P>>;
  /**
   * Also sample `netstat -tnao` beside ss (netstat.log; timeline timer events with
   * source 'netstat'), for experiments about netstat's timer column.
   */
  netstat?: boolean;
  /** TCP sysctls to pin in the sandbox (per network namespace, never the host's). */
  sysctls?: (p: ParamValues<P>) => Record<string, number>;
  /**
   * What the model expects on this kernel. `rtt` is what the run measured of its
   * handshake (model/loopback.ts); absent before the run, when the representative
   * loopback RTT stands in. `kernel` is the release, with the kernel's HZ where the
   * run knows it (model/kernel-ref.ts): hand it to the model as it is.
   */
  predict: (p: ParamValues<P>, kernel: KernelRef, rtt?: Partial<LoopbackRtt>) => Schedule;
  scenario: (ctx: ScenarioContext<ParamValues<P>>) => Promise<void>;
  /** The observed event the model's times are measured from. */
  anchor: Matcher;
  /**
   * The call that witnesses the anchor when no capture exists (--observers
   * minimal): the anchor's packet went out at most `lag` before it. Without
   * one, such a run is a skip.
   */
  anchorCall?: { observe: Matcher; lag: Lag };
  /**
   * What to check, from the model's schedule for this run. `kernel` is the one
   * predict() was given: for a version fact the schedule does not show (model/tail-content.ts).
   */
  expect: (schedule: Schedule, p: ParamValues<P>, kernel: KernelRef) => ExpectationSpec[];
}

/**
 * Type-checks one experiment against its own parameters, then hands the
 * catalogue the plain shape (the registry holds experiments of every shape).
 */
export function defineExperiment<P extends ParamSpecs>(def: ExperimentDef<P>): ExperimentDef {
  return def as unknown as ExperimentDef;
}
