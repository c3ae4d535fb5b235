// Judge a finished run folder: predict for the kernel it ran on, read what was
// observed, compare. Used right after a run and by `tcplab analyse <folder>`.
import fs from 'node:fs';
import path from 'node:path';
import { lookup } from '../experiments/registry.ts';
import type { ParamValues } from './experiment/params.ts';
import type { KernelRef } from './model/kernel-ref.ts';
import { readRunFolder } from './observe/run-folder.ts';
import { compareWithNotes, NOTES_KERNEL } from './report/notes-comparison.ts';
import { type RunResult, verdictOf } from './report/result.ts';
import { type Expectation, judge } from './verdict/judge.ts';

export async function analyseRunFolder(runDir: string): Promise<RunResult> {
  const folder = await readRunFolder(runDir);
  const { job, report, events } = folder;
  const { def } = lookup(job.experiment);
  const params = job.params as ParamValues<typeof def.params>;
  const modelKernel = job.context.kernel_version ?? job.context.kernel;
  // Run folders from before HZ was recorded: the model assumes DEFAULT_HZ for a bare release.
  const hz = job.context.hz !== undefined ? { hz: job.context.hz, hz_source: job.context.hz_source ?? ('assumed' as const) } : undefined;
  const kernelRef: KernelRef = hz ? { release: modelKernel, ...hz } : modelKernel;
  const prediction = def.predict(params, kernelRef, folder.rtt);
  const specs = def.expect(prediction, params, kernelRef);
  // --observers minimal: no capture and no ss, so only what the calls show is judged,
  // from the call that witnesses the anchor.
  const minimal = report.observers === 'minimal';
  const judgeable = minimal ? specs.filter((s) => s.observe.kind === 'syscall') : specs;
  const unjudged = minimal ? specs.filter((s) => s.observe.kind !== 'syscall').map((s) => s.name) : [];
  const noAnchor = minimal && !def.anchorCall ? `--observers minimal: no call witnesses ${def.id}'s anchor (a packet), so nothing can be judged; run it with the full observers` : undefined;
  const judged = judge(prediction, minimal && def.anchorCall ? def.anchorCall.observe : def.anchor, judgeable, events, folder.sampleTimes, folder.sampleEnds, minimal ? def.anchorCall?.lag.s : 0);

  // A capture that lost packets cannot show that a packet was absent.
  const captureCheck: Expectation[] = report.capture
    ? [{
        ...{ name: 'tcpdump dropped no packets', expected_s: null, observed_s: null, tolerance_s: null },
        expected: 0,
        observed: report.capture.droppedByKernel,
        ok: report.capture.droppedByKernel === 0,
      }]
    : [];
  // A file cut short (tcpdump killed, disk full) keeps what it holds, but cannot show what came after.
  const completeCheck: Expectation = {
    ...{ name: 'the run folder\'s files are complete', expected_s: null, observed_s: null, tolerance_s: null },
    expected: 'complete',
    observed: folder.incomplete.length ? 'cut short' : 'complete',
    ok: folder.incomplete.length === 0,
    ...(folder.incomplete.length ? { note: folder.incomplete.join('; ') } : {}),
  };
  // A skipped scenario observed nothing on purpose: there is nothing to judge.
  const skipped = report.skipped ?? noAnchor;
  const expectations = skipped ? [] : [...judged.expectations, ...captureCheck, completeCheck];
  const scenarioFailed = report.scenarioError ?? (report.timedOut ? `the scenario did not finish within ${job.deadline_s} s` : undefined);

  let onNotesKernel;
  try {
    onNotesKernel = def.predict(params, NOTES_KERNEL);
  } catch {
    onNotesKernel = undefined; // settings the 4.19 model cannot take
  }
  const comparison = compareWithNotes(def.notesSaw, prediction, onNotesKernel, modelKernel, judged.expectations, judged.anchor_s);

  return {
    experiment: job.experiment,
    variant: job.context.variant,
    fast: job.context.fast,
    kernel: job.context.kernel,
    kernel_version: modelKernel,
    // CONFIG_HZ the model used and how it was known (additive to the result.json contract).
    ...hz,
    handshake_rtt_s: folder.rtt,
    backend: job.context.backend,
    sandbox: job.context.sandbox,
    params: job.params,
    sysctls: job.context.sysctls,
    verdict: skipped ? 'skip' : scenarioFailed ? 'fail' : verdictOf(expectations),
    runDir: path.resolve(runDir),
    expectations,
    events,
    anchor_s: judged.anchor_s,
    prediction,
    notes_saw: def.notesSaw,
    notes_comparison: comparison,
    capture: report.capture,
    ...(minimal ? { observers: 'minimal' as const, unjudged } : {}),
    started_at: job.context.started_at,
    ...(skipped ? { reason: skipped } : scenarioFailed ? { reason: scenarioFailed } : {}),
  };
}

export function writeResult(result: RunResult): void {
  fs.writeFileSync(path.join(result.runDir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
}

