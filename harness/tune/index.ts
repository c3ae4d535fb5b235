// `tcplab tune --detect-within 30s [--while idle|sending|both] [--kernel …] [--json]`:
// recommend (recommend.ts), print how to apply it (snippets.ts), then verify it for
// real (verify.ts). Exit 0 only when every verified case met the target; 1 when one
// missed, or when the target cannot be met at all (nothing is run then).
import os from 'node:os';
import { UsageError } from '../errors.ts';
import { DEFAULT_HZ } from '../model/kernel-facts.ts';
import type { KernelRef } from '../model/kernel-ref.ts';
import { requireHostTools, requireNode } from '../preflight.ts';
import { ProgressBoard } from '../report/progress.ts';
import { ensureOutDir } from '../out-dir.ts';
import { thisMachineHz } from '../sandbox/kernel-hz.ts';
import { selectBackend } from '../sandbox/select.ts';
import { bzImageRelease, parseKernelSpec } from '../sandbox/vm/kernels.ts';
import { formatRecommendation, formatVerification } from './format.ts';
import { recommend } from './recommend.ts';
import { snippets } from './snippets.ts';
import { parseDetectWithin, WHILE_CHOICES, type While } from './target.ts';
import { tuneDoc } from './tune-doc.ts';
import { verify } from './verify.ts';

export { WHILE_CHOICES } from './target.ts';

export interface TuneOptions {
  detectWithin: string;
  while: string;
  kernel?: string;
  json?: boolean;
  out: string;
}

/** The kernel the model recommends for: this machine's, or the one --kernel boots. */
function modelKernel(spec: string | undefined): KernelRef {
  const s = spec === undefined ? { kind: 'host' as const } : parseKernelSpec(spec);
  if (s.kind === 'host') return { release: os.release(), hz: thisMachineHz()?.hz ?? DEFAULT_HZ };
  // A Debian label is its version; the run itself reads the guest's HZ and release.
  if (s.kind === 'debian') return { release: s.label, hz: DEFAULT_HZ };
  const release = bzImageRelease(s.path);
  if (!release) throw new UsageError(`--kernel ${spec}: cannot read the release from that image`, 'give a bzImage/vmlinuz, or one of the Debian labels');
  return { release, hz: DEFAULT_HZ };
}

export async function tune(o: TuneOptions): Promise<number> {
  const target_s = parseDetectWithin(o.detectWithin);
  if (!(WHILE_CHOICES as readonly string[]).includes(o.while)) {
    throw new UsageError(`--while ${o.while}: not a case`, `give one of ${WHILE_CHOICES.join(', ')}`);
  }
  const rec = recommend(target_s, o.while as While, modelKernel(o.kernel));
  const snips = rec.feasible ? snippets(rec.settings, rec.tcp_retries2?.value ?? null) : [];
  const say = (text: string) => (o.json ? process.stderr : process.stdout).write(`${text}\n`);

  if (!rec.feasible) {
    const doc = tuneDoc(rec, snips, []);
    if (o.json) process.stdout.write(`${JSON.stringify(doc)}\n`);
    say(formatRecommendation(doc));
    return 1;
  }
  say(formatRecommendation(tuneDoc(rec, snips, [])));

  ensureOutDir(o.out);
  requireNode();
  if (o.kernel && o.kernel !== 'host') await requireHostTools();
  const backend = await selectBackend('auto', { kernel: o.kernel, outDir: o.out });
  if (backend.name === 'netns') await requireHostTools();
  say(`\nverifying: ${rec.cases.map((c) => `${c.experiment} --set ${c.sets.join(' --set ')}`).join(' and ')} …`);
  const board = new ProgressBoard();
  const verified = await verify(rec, { backend, outDir: o.out, progress: (label) => board.add(label) }).finally(async () => {
    board.stop();
    await backend.close?.();
  });
  const doc = tuneDoc(rec, snips, verified);
  if (o.json) process.stdout.write(`${JSON.stringify(doc)}\n`);
  say(formatVerification(doc));
  return doc.outcome === 'met' ? 0 : 1;
}
