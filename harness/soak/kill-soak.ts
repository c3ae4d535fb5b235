// `npm run soak -- --kills N`: kill -9 the CLI at a random moment of a run, N
// times, and check that 5 s later nothing of that run is left: no namespace or
// container carrying its pid, no runner, tcpdump or guest naming its folder.
// What happens after SIGKILL is the reaper's work (sandbox/reaper.ts), and the
// runner's (it ends when the CLI's pipe closes); this is its proof under load.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type RunResources, describeResources, nothingLeft, resourcesOf } from './run-resources.ts';
import { soakDocHeader, type SoakDocHeader } from './soak-doc-header.ts';

/** The issue's bound: a killed run's resources are gone within this. */
export const CLEAN_WITHIN_MS = 5_000;
const POLL_MS = 100;

export type KillPhase = 'before the sandbox' | 'setup' | 'mid-experiment' | 'teardown' | 'after it ended';

export interface KillTrial {
  n: number;
  /** When the kill came, ms after the CLI started. */
  at_ms: number;
  phase: KillPhase;
  /** ms from the kill until nothing was left; null if something still was after CLEAN_WITHIN_MS. */
  clean_ms: number | null;
  leaked: string[];
}

export interface KillSoakDoc extends SoakDocHeader<'kill-soak'> {
  form: string;
  /** How long one unkilled run took end to end; kill moments are drawn from [0, 1.2 × this]. */
  run_ms: number;
  kills: number;
  leaks: number;
  worst_clean_ms: number | null;
  phases: Partial<Record<KillPhase, number>>;
  trials: KillTrial[];
}

export interface KillSoakOptions {
  kills: number;
  backend: 'netns' | 'docker';
  form: string;
  outDir: string;
  /** The CLI to start: argv before `exp …` (node, its flags, harness/cli.ts). */
  cli: readonly string[];
  cwd: string;
  note: (line: string) => void;
  random?: () => number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where the run was when it was killed, from what existed at that moment. */
function phaseOf(r: RunResources, runDir: string | undefined, exited: boolean): KillPhase {
  if (exited) return 'after it ended';
  const sandbox = r.namespaces.length + r.containers.length > 0;
  if (runDir && fs.existsSync(path.join(runDir, 'runner.json'))) return 'teardown';
  if (r.processes.some((p) => /\btcpdump\b/.test(p))) return 'mid-experiment';
  return sandbox ? 'setup' : 'before the sandbox';
}

function runDirIn(out: string, form: string): string | undefined {
  const run = fs.existsSync(out) ? fs.readdirSync(out)[0] : undefined;
  return run ? path.join(out, run, form.replace(':', '.')) : undefined;
}

function startCli(o: KillSoakOptions, out: string) {
  const [file, ...pre] = o.cli;
  const child = spawn(file!, [...pre, 'exp', o.form, '--fast', '--backend', o.backend, '--out', out], { cwd: o.cwd, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited };
}

async function trial(o: KillSoakOptions, n: number, atMs: number): Promise<KillTrial> {
  const out = path.join(o.outDir, `kill-${n}`);
  fs.mkdirSync(out, { recursive: true });
  const { child, exited } = startCli(o, out);
  let done = false;
  void exited.then(() => (done = true));
  await Promise.race([sleep(atMs), exited]);
  const docker = o.backend === 'docker';
  const at = await resourcesOf(child.pid!, out, docker);
  const phase = phaseOf(at, runDirIn(out, o.form), done);
  child.kill('SIGKILL');
  await exited;
  const killedAt = Date.now();
  let left = await resourcesOf(child.pid!, out, docker);
  while (!nothingLeft(left) && Date.now() - killedAt < CLEAN_WITHIN_MS) {
    await sleep(POLL_MS);
    left = await resourcesOf(child.pid!, out, docker);
  }
  const clean = nothingLeft(left);
  return { n, at_ms: Math.round(atMs), phase, clean_ms: clean ? Date.now() - killedAt : null, leaked: clean ? [] : describeResources(left) };
}

/** One run left alone, to know how long a run lasts (and that one can run at all). */
async function calibrate(o: KillSoakOptions): Promise<number> {
  const out = path.join(o.outDir, 'calibration');
  fs.mkdirSync(out, { recursive: true });
  const started = Date.now();
  const { exited } = startCli(o, out);
  await exited;
  return Date.now() - started;
}

export async function runKillSoak(o: KillSoakOptions): Promise<KillSoakDoc> {
  const started = Date.now();
  const random = o.random ?? Math.random;
  const runMs = await calibrate(o);
  o.note(`soak: one ${o.form} --fast run on ${o.backend} takes ${(runMs / 1000).toFixed(1)} s; killing at random moments in [0, ${((1.2 * runMs) / 1000).toFixed(1)} s]`);
  const trials: KillTrial[] = [];
  for (let n = 1; n <= o.kills; n++) {
    const t = await trial(o, n, random() * 1.2 * runMs);
    trials.push(t);
    o.note(`soak: kill ${n}/${o.kills} at ${(t.at_ms / 1000).toFixed(2)} s (${t.phase}): ${t.clean_ms === null ? `LEFT ${t.leaked.join(', ')}` : `clean ${t.clean_ms} ms after`}`);
    if (t.clean_ms === null) break; // a leak stays for the next trial to trip on: stop here and say so
  }
  const cleanTimes = trials.map((t) => t.clean_ms).filter((x): x is number => x !== null);
  const phases: Partial<Record<KillPhase, number>> = {};
  for (const t of trials) phases[t.phase] = (phases[t.phase] ?? 0) + 1;
  return {
    ...soakDocHeader('kill-soak', started, o.backend),
    form: o.form,
    run_ms: runMs,
    kills: trials.length,
    leaks: trials.filter((t) => t.clean_ms === null).length,
    worst_clean_ms: cleanTimes.length ? Math.max(...cleanTimes) : null,
    phases,
    trials,
  };
}

export function formatKillSoak(d: KillSoakDoc): string {
  const phases = Object.entries(d.phases).map(([p, k]) => `${p} ${k}`).join(', ');
  const lines = [
    `# tcplab kill soak — ${d.started_at}`,
    '',
    `${d.kills} kill -9 of \`exp ${d.form} --fast --backend ${d.backend}\` at random moments (one run: ${(d.run_ms / 1000).toFixed(1)} s), in ${(d.wall_s / 60).toFixed(1)} min: ` +
      `${d.leaks} left something behind after ${CLEAN_WITHIN_MS / 1000} s; the slowest clean-up took ${d.worst_clean_ms ?? '–'} ms.`,
    '',
    `Killed during: ${phases}.`,
  ];
  const leaked = d.trials.filter((t) => t.clean_ms === null);
  if (leaked.length) lines.push('', '## Left behind', '', ...leaked.map((t) => `- kill ${t.n} at ${t.at_ms} ms (${t.phase}): ${t.leaked.join(', ')}`));
  return lines.join('\n');
}
