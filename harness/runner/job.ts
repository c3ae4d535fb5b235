// What the host hands the runner (job.json) and what the runner hands back
// (runner.json), both in the run folder.
import type { HzSource } from '../model/kernel-ref.ts';
import type { CaptureStats } from './observers/tcpdump.ts';

/**
 * What watches the run. 'full': tcpdump, ss (and netstat) sampling, tcp_info.
 * 'minimal': tcp_info and the scenario's own calls only, to show that the
 * observers do not change what they observe (--observers minimal).
 */
export type Observers = 'full' | 'minimal';
export const OBSERVER_CHOICES = ['full', 'minimal'] as const satisfies readonly Observers[];

export interface RunnerJob {
  /** `id` (the variant is already folded into params). */
  experiment: string;
  params: Record<string, number>;
  /** Predicted event times (s since scenario start): the ss sampler is dense near them. */
  predicted_s: number[];
  /** The model's end (last event plus its lateness): scenarios may wait past it. */
  predicted_end_s: number;
  /** The scenario is abandoned after this long (the model's end plus a margin). */
  deadline_s: number;
  /** Absent in older run folders: 'full'. */
  observers?: Observers;
  /** Not used by the runner: what `tcplab analyse` needs to re-judge the folder. */
  context: RunContext;
}

export interface RunContext {
  variant: string | null;
  fast: boolean;
  kernel: string;
  /** The release the model read (model/kernel-version.ts modelRelease); older run folders lack it. */
  kernel_version?: string;
  /** CONFIG_HZ of that kernel (sandbox/kernel-hz.ts); older run folders lack it (HZ=250 is then assumed). */
  hz?: number;
  /** How hz was obtained: the kernel's config, a measurement, or assumed. */
  hz_source?: HzSource;
  backend: string;
  sandbox: string;
  sysctls: Record<string, string>;
  started_at: string;
}

export interface RunnerReport {
  /** Epoch seconds of the scenario start: pcap timestamps minus t0 give `t`. */
  t0: number;
  /** null when no tcpdump ran (observers 'minimal'). */
  capture: CaptureStats | null;
  node: string;
  /** Set when only tcp_info and the calls were recorded (RunnerJob.observers). */
  observers?: 'minimal';
  timedOut: boolean;
  scenarioError?: string;
  /** Why the scenario could not be run here (ctx.skip). */
  skipped?: string;
}
