// The flow of one run (docs/architecture.md): catalogue lookup → params → sandbox →
// model.predict for the sandbox's kernel → runner inside → analyse → result.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lookup } from '../experiments/registry.ts';
import { analyseRunFolder, writeResult } from './analyse.ts';
import { writeTimeline } from './report/timeline-svg.ts';
import { UsageError } from './errors.ts';
import { resolveParams } from './experiment/resolve.ts';
import { predictedEnd } from './model/schedule.ts';
import type { RunResult } from './report/result.ts';
import { runnerBundle } from './runner/bundle.ts';
import type { Observers, RunnerJob } from './runner/job.ts';
import { samplingMoments } from './runner/observers/sample-moments.ts';
import type { KernelRef } from './model/kernel-ref.ts';
import { sandboxHz } from './sandbox/kernel-hz.ts';
import { withSandbox } from './sandbox/lifecycle.ts';
import type { Backend } from './sandbox/sandbox.ts';
import type { VmBackend } from './sandbox/vm.ts';

export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * How long past the model's predicted end the scenario may run before the
 * runner gives up: a wrong model must end in a failed verdict, not a hang.
 * Half the predicted length again, and at least 20 s for setup and teardown.
 */
export function deadlineFor(predictedEnd_s: number): number {
  return Math.ceil(predictedEnd_s * 1.5 + 20);
}

export interface RunOptions {
  ref: string;
  sets: readonly string[];
  fast: boolean;
  backend: Backend;
  /** Parent of run folders (results/ by default). */
  outDir: string;
  /** Groups the experiments of one invocation: results/<runId>/<experiment>/. */
  runId?: string;
  /** Every stdout line of the runner (its events, echoed live). */
  onRunnerLine?: (line: string) => void;
  /** What watches the run (default 'full'). */
  observers?: Observers;
  /** Called once the model's prediction is known. */
  onStart?: (info: { sandbox: string; backend: string; kernel: string; predictedEnd_s: number; runDir: string }) => void;
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}-${crypto.randomBytes(2).toString('hex')}`;
}

export async function runExperiment(o: RunOptions): Promise<RunResult> {
  const { def, variant } = lookup(o.ref);
  const params = resolveParams(def, variant, o.sets, o.fast);
  const runDir = path.resolve(o.outDir, o.runId ?? newRunId(), def.id + (variant ? `.${variant}` : ''));
  fs.mkdirSync(runDir, { recursive: true });
  const sysctls = def.sysctls?.(params) ?? {};

  return withSandbox(o.backend, { label: def.id, sysctls, projectDir: PROJECT_DIR, runDir }, async (sandbox) => {
    const modelKernel = sandbox.kernelVersion ?? sandbox.kernel;
    // HZ is the sandbox kernel's own (its config, else measured, else assumed with a warning).
    const guestVmlinuz = o.backend.name === 'vm' ? (o.backend as VmBackend).kernel?.vmlinuz : undefined;
    const hz = await sandboxHz(sandbox, { guestVmlinuz, warn: (line) => process.stderr.write(`${line}\n`) });
    const kernelRef: KernelRef = { release: modelKernel, hz: hz.hz, hz_source: hz.source };
    let prediction;
    try {
      prediction = def.predict(params, kernelRef);
    } catch (err) {
      throw new UsageError(`the model cannot predict ${def.id} for these settings: ${(err as Error).message}`, 'check the --set values');
    }
    const end = predictedEnd(prediction);
    const job: RunnerJob = {
      experiment: def.id,
      params,
      // The anchor is the handshake, within milliseconds of the scenario start.
      predicted_s: samplingMoments(prediction.events),
      predicted_end_s: end,
      deadline_s: deadlineFor(end),
      ...(o.observers === 'minimal' ? { observers: 'minimal' as const } : {}),
      context: {
        variant: variant ?? null,
        fast: o.fast,
        kernel: sandbox.kernel,
        kernel_version: modelKernel,
        hz: hz.hz,
        hz_source: hz.source,
        backend: sandbox.backend,
        sandbox: sandbox.name,
        sysctls: sandbox.sysctls,
        started_at: new Date().toISOString(),
      },
    };
    fs.writeFileSync(path.join(runDir, 'job.json'), JSON.stringify(job, null, 2) + '\n');
    o.onStart?.({ sandbox: sandbox.name, backend: sandbox.backend, kernel: sandbox.kernel, predictedEnd_s: end, runDir });

    const r = await sandbox.exec([process.execPath, await runnerBundle(PROJECT_DIR), runDir], {
      // The runner enforces the deadline itself; this is the backstop if it hangs.
      timeoutMs: (job.deadline_s + 30) * 1000,
      onLine: o.onRunnerLine,
    });
    if (r.exitCode !== 0) {
      const why = r.timedOut ? 'timed out' : r.signal ? `was killed (${r.signal})` : `exited with ${r.exitCode}`;
      throw new RunnerError(`the runner ${why} in ${sandbox.name}: ${r.stderr.trim().split('\n').slice(-3).join(' | ') || 'no message'}`);
    }
    const result = await analyseRunFolder(runDir);
    writeResult(result);
    writeTimeline(result);
    return result;
  });
}

/** The sandbox side failed (not an expectation): exit 2, with its stderr. */
export class RunnerError extends Error {}
