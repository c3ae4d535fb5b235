// The `tcplab` command. `npm run exp …` is `tcplab exp …`.
// Exit codes (docs/architecture.md): 0 every expectation held, 1 an expectation failed,
// 2 could not run (bad input or a missing prerequisite), with what to do.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import pc from 'picocolors';
import { analyseRunFolder, writeResult } from './analyse.ts';
import { describeExperiment, listExperiments } from './report/catalogue-text.ts';
import { UsageError } from './errors.ts';
import { requireHostTools, requireNode } from './preflight.ts';
import { catalogue, lookup } from '../experiments/registry.ts';
import { resolveParams } from './experiment/resolve.ts';
import { DECIMAL_INTEGER } from './experiment/params.ts';
import { ProgressBoard } from './report/progress.ts';
import type { RunResult } from './report/result.ts';
import { formatMany, formatSummary } from './report/terminal.ts';
import { diskFullMessage, ensureOutDir } from './out-dir.ts';
import { newRunId, PROJECT_DIR, RunnerError } from './run-experiment.ts';
import { defaultParallel, overallVerdict, type RunOutcome, runMany } from './run-many.ts';
import { BACKEND_CHOICES, selectBackend } from './sandbox/select.ts';
import { doctor } from './doctor.ts';
import { removeLeftovers } from './sandbox/leftovers.ts';
import { thisMachineHz } from './sandbox/kernel-hz.ts';
import { KERNEL_LABELS, parseKernelSpec } from './sandbox/vm/kernels.ts';
import { type MatrixDoc, parseMatrixDoc, renderMatrixMarkdown, writeMatrix } from './matrix/index.ts';
import { rejudgeMatrix } from './matrix/rejudge.ts';
import { DEFAULT_MATRIX_KERNELS, runMatrix } from './matrix/run-matrix.ts';
import { releaseChanges } from './matrix/merge-matrix.ts';
import { commandModel, explain, explainLines, formatExplanation, netstatSampler, ssSampler, watch } from './explain/index.ts';
import { DEFAULT_COMPARE, FAMILIES, formatFamilies, formatPrediction, parseHz, predict } from './predict/index.ts';
import { redrawTimelines, writeResultsIndex } from './report/results-index.ts';
import { writeTimeline } from './report/timeline-svg.ts';
import { diffCommand } from './diff/command.ts';
import { runSoak, type SoakDoc } from './soak/run-soak.ts';
import { formatSoak } from './soak/soak-text.ts';
import { formatKillSoak, runKillSoak } from './soak/kill-soak.ts';
import { formatObserverEffect, runObserverEffect } from './soak/observer-effect.ts';
import { tune, WHILE_CHOICES } from './tune/index.ts';
import { OBSERVER_CHOICES, type Observers } from './runner/job.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Every experiment and named variant in the catalogue, as `id` / `id:variant`. */
function allForms(): string[] {
  return catalogue.flatMap((e) => [e.id, ...Object.keys(e.variants ?? {}).map((v) => `${e.id}:${v}`)]);
}

async function exp(ref: string | undefined, o: ExpOptions): Promise<number> {
  if (o.doctor) {
    process.stdout.write(`${await doctor()}\n`);
    return 0;
  }
  if (o.cleanup) return cleanup();
  if (o.list) {
    process.stdout.write(listExperiments() + '\n');
    return 0;
  }
  if (o.describe) {
    process.stdout.write(describeExperiment(o.describe, os.release()) + '\n');
    return 0;
  }
  if (o.all && ref) throw new UsageError(`--all runs the whole catalogue; drop '${ref}' or --all`, `npm run exp ${ref}, or npm run exp -- --all`);
  if (!ref && !o.all) throw new UsageError('which experiment?', 'name one, e.g. npm run exp test-idle, or list them with npm run exp -- --list');
  const repeat = positiveInt('--repeat', o.repeat);
  const parallel = o.parallel === undefined ? defaultParallel(Boolean(o.fast)) : positiveInt('--parallel', o.parallel);
  const refs = o.all ? allForms() : Array<string>(repeat).fill(ref!);
  // Bad names and --set values are reported before anything starts.
  for (const r of new Set(refs)) {
    const { def, variant } = lookup(r);
    resolveParams(def, variant, o.set, Boolean(o.fast));
  }

  ensureOutDir(o.out);
  requireNode();
  // Only netns and vm run the host's tools (a vm shares the host's root); a container brings its own.
  if (o.kernel && o.kernel !== 'host') await requireHostTools();
  const backend = await selectBackend(o.backend, { privileged: Boolean(o.privileged), kernel: o.kernel, modules: o.modules, outDir: o.out });
  if (backend.name === 'netns') await requireHostTools();
  const board = new ProgressBoard();
  const outcomes = await runMany(refs, {
    sets: o.set,
    fast: Boolean(o.fast),
    backend,
    outDir: o.out,
    parallel,
    observers: o.observers,
    progress: (label) => board.add(label),
  }).finally(async () => {
    board.stop();
    await backend.close?.();
  });

  if (refs.length === 1) {
    const [r] = outcomes as [RunOutcome];
    if (r.verdict === 'error') throw r.cause instanceof Error ? r.cause : new RunnerError(r.reason);
    printOne(r, Boolean(o.json));
    return r.verdict === 'fail' ? 1 : 0;
  }
  const verdict = overallVerdict(outcomes);
  if (o.json) process.stdout.write(JSON.stringify({ runs: outcomes, verdict }) + '\n');
  (o.json ? process.stderr : process.stdout).write(formatMany(outcomes) + '\n');
  return verdict === 'error' ? 2 : verdict === 'fail' ? 1 : 0;
}

/** Remove what earlier runs left behind: tcplab containers and namespaces. */
async function cleanup(): Promise<number> {
  const removed = await removeLeftovers();
  process.stdout.write(removed.length ? `removed ${removed.length}: ${removed.join(', ')}\n` : 'nothing was left over\n');
  return 0;
}

function printOne(result: RunResult, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    process.stderr.write(formatSummary(result) + '\n');
  } else {
    process.stdout.write(formatSummary(result) + '\n');
  }
}

function positiveInt(flag: string, text: string): number {
  // Plain decimal digits only, as --set values (experiment/params.ts): Number() would take '1e1' and '0x10' too.
  const n = DECIMAL_INTEGER.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${text}: not a whole number of at least 1`, `e.g. ${flag} 2`);
  return n;
}

interface ExpOptions {
  all?: boolean;
  repeat: string;
  parallel?: string;
  list?: boolean;
  describe?: string;
  fast?: boolean;
  set: string[];
  backend: string;
  kernel?: string;
  modules?: string;
  privileged?: boolean;
  observers: Observers;
  cleanup?: boolean;
  doctor?: boolean;
  json?: boolean;
  out: string;
}

interface MatrixCliOptions {
  kernels: string;
  only?: string;
  fast?: boolean;
  set: string[];
  parallel?: string;
  kernelParallel: string;
  backend: string;
  json?: boolean;
  out: string;
  rejudge?: boolean;
  merge?: boolean;
  resume?: boolean;
}

/** Every form of the catalogue, or those --only names (an id brings its variants). */
function matrixForms(only: string | undefined): string[] {
  const all = allForms();
  if (!only) return all;
  const picked = only.split(',').map((s) => s.trim()).filter(Boolean).flatMap((want) => {
    lookup(want); // an unknown name is exit 2 with a suggestion
    return want.includes(':') ? [want] : all.filter((f) => f === want || f.startsWith(`${want}:`));
  });
  return [...new Set(picked)];
}

async function matrix(o: MatrixCliOptions): Promise<number> {
  if (o.rejudge) return rejudge(o);
  const kernels = [...new Set(o.kernels.split(',').map((s) => s.trim()).filter(Boolean))];
  if (!kernels.length) throw new UsageError('--kernels names no kernel', `e.g. --kernels ${DEFAULT_MATRIX_KERNELS.join(',')}`);
  for (const k of kernels) parseKernelSpec(k);
  const forms = matrixForms(o.only);
  for (const f of forms) {
    const { def, variant } = lookup(f);
    resolveParams(def, variant, o.set, Boolean(o.fast));
  }
  ensureOutDir(o.out);
  requireNode();
  await requireHostTools();
  const name = matrixName(o);
  const earlier = o.merge || o.resume ? readEarlierMatrix(o) : undefined;
  const board = new ProgressBoard();
  const written = () => `${path.join(o.out, name)}.md`;
  // The lifecycle's handler removes the sandboxes and exits; the file written after the last cell stays.
  process.once('SIGINT', () => process.stderr.write(`\nthe cells that finished are in ${written()}; npm run matrix -- --resume (same options) runs the rest\n`));
  const doc = await runMatrix({
    kernels,
    forms,
    fast: Boolean(o.fast),
    sets: o.set,
    parallel: o.parallel === undefined ? defaultParallel(Boolean(o.fast)) : positiveInt('--parallel', o.parallel),
    kernelParallel: positiveInt('--kernel-parallel', o.kernelParallel),
    outDir: o.out,
    hostBackend: o.backend,
    progress: (label) => board.add(label),
    note: (line) => board.note(line),
    earlier,
    resume: Boolean(o.resume),
    onProgress: (partial) => writeMatrix(partial, o.out, name),
  }).finally(() => board.stop());
  if (earlier) for (const c of releaseChanges(earlier, doc)) process.stderr.write(`tcplab: ${c.label}: the release changed (${c.before} → ${c.now}), so its column keeps none of the earlier cells\n`);
  return finishMatrix(doc, o);
}

const matrixName = (o: { fast?: boolean }) => (o.fast ? 'matrix-fast' : 'matrix');

/** The matrix --merge and --resume add to; none yet is a plain run. */
function readEarlierMatrix(o: MatrixCliOptions): MatrixDoc | undefined {
  const file = path.join(o.out, `${matrixName(o)}.json`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`tcplab: there is no ${file} yet: running every cell\n`);
    return undefined;
  }
  try {
    return parseMatrixDoc(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file} is not a matrix document (${err instanceof Error ? err.message.split('\n')[0] : err})`, 'move it away, or run without --merge/--resume to write a new one');
  }
}

interface SoakCliOptions {
  runs: string;
  minutes: string;
  only?: string;
  fast?: boolean;
  set: string[];
  parallel?: string;
  backend: string;
  keep?: boolean;
  json?: boolean;
  out?: string;
  kills?: string;
  observerEffect?: string;
}

/** `soak --kills N`: kill -9 the CLI mid-run N times and check that nothing of each run is left. */
async function killSoak(o: SoakCliOptions): Promise<number> {
  const kills = positiveInt('--kills', o.kills!);
  const form = o.only ?? 'test-idle';
  if (form.includes(',')) throw new UsageError('--kills takes one form in --only (e.g. --only test-idle): each kill starts one run');
  lookup(form);
  requireNode();
  const backend = await selectBackend(o.backend, {});
  if (backend.name !== 'netns' && backend.name !== 'docker') throw new UsageError(`--kills runs on netns or docker, not ${backend.name}`);
  if (backend.name === 'netns') await requireHostTools();
  const out = o.out ?? path.join(PROJECT_DIR, 'results', `kill-soak-${newRunId()}`);
  ensureOutDir(out);
  const doc = await runKillSoak({
    kills,
    backend: backend.name,
    form,
    outDir: out,
    cli: [process.execPath, '--import', 'tsx', path.join(PROJECT_DIR, 'harness/cli.ts')],
    cwd: PROJECT_DIR,
    note: (line) => process.stderr.write(`${line}\n`),
  });
  fs.writeFileSync(path.join(out, 'kill-soak.json'), `${JSON.stringify(doc, null, 2)}\n`);
  fs.writeFileSync(path.join(out, 'kill-soak.md'), `${formatKillSoak(doc)}\n`);
  if (o.json) process.stdout.write(`${JSON.stringify(doc)}\n`);
  (o.json ? process.stderr : process.stdout).write(`${formatKillSoak(doc)}\n\nwritten: ${path.join(out, 'kill-soak.md')} and kill-soak.json\n`);
  return doc.leaks ? 1 : 0;
}

/** `soak --observer-effect N`: what tcpdump and ss add to the timings they record. */
async function observerEffect(o: SoakCliOptions): Promise<number> {
  const rounds = positiveInt('--observer-effect', o.observerEffect!);
  // The base forms unless --only says otherwise (matrixForms would bring every variant).
  const forms = o.only ? matrixForms(o.only) : ['test-idle', 'test-dead'];
  for (const f of forms) {
    const { def } = lookup(f);
    if (!def.anchorCall) throw new UsageError(`${f}: no call witnesses its anchor, so --observers minimal cannot time it`, 'use forms whose experiment has an anchorCall, e.g. --only test-idle,test-dead');
  }
  requireNode();
  const backend = await selectBackend(o.backend, {});
  if (backend.name === 'netns') await requireHostTools();
  const out = o.out ?? path.join(PROJECT_DIR, 'results', `observer-effect-${newRunId()}`);
  ensureOutDir(out);
  const board = new ProgressBoard();
  for (const f of forms) {
    const { def, variant } = lookup(f);
    resolveParams(def, variant, o.set, true);
  }
  const doc = await runObserverEffect({
    forms,
    sets: o.set,
    rounds,
    backend,
    parallel: o.parallel === undefined ? defaultParallel(true) : positiveInt('--parallel', o.parallel),
    outDir: out,
    progress: (label) => board.add(label),
  }).finally(async () => {
    board.stop();
    await backend.close?.();
  });
  fs.writeFileSync(path.join(out, 'observer-effect.json'), `${JSON.stringify(doc, null, 2)}\n`);
  fs.writeFileSync(path.join(out, 'observer-effect.md'), `${formatObserverEffect(doc)}\n`);
  if (o.json) process.stdout.write(`${JSON.stringify(doc)}\n`);
  (o.json ? process.stderr : process.stdout).write(`${formatObserverEffect(doc)}\n\nwritten: ${path.join(out, 'observer-effect.md')} and observer-effect.json\n`);
  return doc.not_passing.length ? 1 : 0;
}

async function soak(o: SoakCliOptions): Promise<number> {
  if (o.kills !== undefined) return killSoak(o);
  if (o.observerEffect !== undefined) return observerEffect(o);
  const runs = positiveInt('--runs', o.runs);
  const minutes = positiveInt('--minutes', o.minutes);
  const forms = matrixForms(o.only);
  for (const f of forms) {
    const { def, variant } = lookup(f);
    resolveParams(def, variant, o.set, Boolean(o.fast));
  }
  requireNode();
  const backend = await selectBackend(o.backend, {});
  if (backend.name === 'netns') await requireHostTools();
  const out = o.out ?? path.join(PROJECT_DIR, 'results', `soak-${newRunId()}`);
  ensureOutDir(out);
  const write = (doc: SoakDoc) => {
    fs.writeFileSync(path.join(out, 'soak.json'), `${JSON.stringify(doc, null, 2)}\n`);
    fs.writeFileSync(path.join(out, 'soak.md'), `${formatSoak(doc)}\n`);
  };
  const board = new ProgressBoard();
  const doc = await runSoak({
    forms,
    fast: Boolean(o.fast),
    sets: o.set,
    backend,
    parallel: o.parallel === undefined ? defaultParallel(Boolean(o.fast)) : positiveInt('--parallel', o.parallel),
    runs,
    minutes,
    outDir: out,
    keep: Boolean(o.keep),
    progress: (label) => board.add(label),
    note: (line) => board.note(line),
    onPass: write,
  }).finally(async () => {
    board.stop();
    await backend.close?.();
  });
  write(doc);
  if (o.json) process.stdout.write(`${JSON.stringify(doc)}\n`);
  (o.json ? process.stderr : process.stdout).write(`${formatSoak(doc)}\n\nwritten: ${path.join(out, 'soak.md')} and soak.json\n`);
  return doc.failures.some((f) => f.verdict === 'error') ? 2 : doc.failures.length ? 1 : 0;
}

function finishMatrix(doc: MatrixDoc, o: MatrixCliOptions): number {
  const written = writeMatrix(doc, o.out, matrixName(o));
  if (o.json) process.stdout.write(`${JSON.stringify(doc)}\n`);
  (o.json ? process.stderr : process.stdout).write(`${renderMatrixMarkdown(doc)}\nwritten: ${written.md} and ${written.json}\n`);
  const verdicts = doc.cells.map((c) => c.verdict);
  return verdicts.includes('error') ? 2 : verdicts.includes('fail') ? 1 : 0;
}

async function rejudge(o: MatrixCliOptions): Promise<number> {
  const file = path.join(o.out, `${matrixName(o)}.json`);
  if (!fs.existsSync(file)) throw new UsageError(`there is no ${file} to judge again`, `run npm run matrix${o.fast ? ' -- --fast' : ''} first`);
  const { doc, changed } = await rejudgeMatrix(parseMatrixDoc(fs.readFileSync(file, 'utf8')));
  process.stderr.write(changed.length ? `${changed.join('\n')}\n` : 'no verdict changed\n');
  return finishMatrix(doc, o);
}

async function analyse(dir: string, o: { json?: boolean }): Promise<number> {
  const result = await analyseRunFolder(dir);
  writeResult(result);
  writeTimeline(result);
  process.stdout.write((o.json ? JSON.stringify(result) : formatSummary(result)) + '\n');
  return result.verdict === 'fail' ? 1 : 0;
}

function program(): Command {
  const p = new Command('tcplab')
    .description('Real-socket experiments on Linux TCP timers, judged by a kernel timer model.')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (s, write) => write(`${pc.red(s.trimEnd())}\n`) });

  p.command('exp')
    .description('run an experiment from the catalogue (npm run exp <id>[:<variant>] -- [options])')
    .argument('[experiment]', 'experiment id, optionally with :variant (e.g. test-idle:user-timeout-3s)')
    .option('--list', 'list the experiments and their variants')
    .option('--describe <id>', 'explain an experiment: setup, parameters, variants, what the notes saw, what the model predicts')
    .option('--all', 'run every experiment and variant in the catalogue')
    .option('--fast', 'the fast form: same behaviour with smaller timers (seconds instead of minutes)')
    .option('--repeat <n>', 'run the experiment n times', '1')
    .option('--parallel <n>', 'at most n runs at once (with --all or --repeat; default 4 with --fast, else 8)')
    .option('--set <name=value>', 'override a parameter (repeatable), e.g. --set keepidle=1', collect, [])
    .addOption(new Option('--backend <name>', 'where to run it').choices(BACKEND_CHOICES).default('auto'))
    .option('--kernel <version>', `run on another kernel in a vm: ${KERNEL_LABELS.join(', ')}, or a path to a kernel image (host: this machine's)`)
    .option('--modules <dir>', 'with --kernel path/to/vmlinuz: its lib/modules/<release> tree (optional)')
    .option('--privileged', 'docker only, opt-in: a privileged container instead of CAP_NET_ADMIN + CAP_NET_RAW')
    .addOption(
      new Option('--observers <which>', 'full: tcpdump, ss and tcp_info; minimal: tcp_info and the calls only, to check that watching does not change the timings (only expectations on calls are judged)')
        .choices(OBSERVER_CHOICES)
        .default('full'),
    )
    .option('--cleanup', 'remove sandboxes earlier runs left behind (tcplab containers and network namespaces)')
    .option('--doctor', 'show what this machine offers (Docker engine and image, root, tools, kernel) and what is missing')
    .option('--json', 'print exactly one JSON document (the result) on stdout')
    .option('--out <dir>', 'parent folder of run folders', path.join(PROJECT_DIR, 'results'))
    .action(async (ref: string | undefined, o: ExpOptions) => {
      process.exitCode = await exp(ref, o);
    });

  p.command('matrix')
    .description('run the catalogue on several kernels and write results/matrix.md (and .json): one column per kernel, differences explained')
    .option('--kernels <list>', `kernels, comma-separated: ${KERNEL_LABELS.join(', ')} or paths to kernel images`, DEFAULT_MATRIX_KERNELS.join(','))
    .option('--only <forms>', 'only these experiments or forms, comma-separated (test-idle runs all its variants; test-idle:user-timeout-3s just that one)')
    .option('--fast', 'the fast forms (minutes for the catalogue instead of ~16 min per kernel); writes matrix-fast.md')
    .option('--set <name=value>', 'override a parameter in every run (repeatable)', collect, [])
    .option('--parallel <n>', 'runs at once inside one kernel (default 4 with --fast, else 8)')
    .option('--kernel-parallel <n>', 'kernels at once (default 1: beside another column a loaded host answers a guest\'s share slowly, and a guest\'s clock runs on while it waits)', '1')
    .addOption(new Option('--backend <name>', 'where the host column runs').choices(['auto', 'netns', 'docker']).default('auto'))
    .option('--json', 'print the matrix document on stdout')
    .option('--out <dir>', 'parent folder of run folders and of the matrix files', path.join(PROJECT_DIR, 'results'))
    .option('--rejudge', "run nothing: judge the last matrix's run folders again with the current model and rewrite it")
    .addOption(new Option('--merge', 'lay the cells of this run over the matrix already written (replacing the same form and kernel) instead of replacing the file').conflicts('rejudge'))
    .addOption(new Option('--resume', 'like --merge, but run only the cells the matrix already written lacks or has as errors (after Ctrl-C, say)').conflicts(['rejudge', 'merge']))
    .action(async (o: MatrixCliOptions) => {
      process.exitCode = await matrix(o);
    });

  p.command('soak')
    .description('run the catalogue again and again (bounded), and report per class of observation how close each came to its window edge')
    .option('--runs <n>', 'passes of the catalogue', '100')
    .option('--minutes <n>', 'start no pass after this many minutes', '600')
    .option('--only <forms>', 'only these experiments or forms, comma-separated')
    .option('--fast', 'the fast forms (the soak is meant for these: a real-length pass takes ~16 min)')
    .option('--set <name=value>', 'override a parameter in every run (repeatable)', collect, [])
    .option('--parallel <n>', 'runs at once (default 4 with --fast, else 8, as exp --all)')
    .addOption(new Option('--backend <name>', 'where to run').choices(['auto', 'netns', 'docker']).default('auto'))
    .option('--keep', 'keep the run folders of clean passes too (default: only passes with a failure)')
    .option('--json', 'print the soak document on stdout')
    .option('--out <dir>', 'folder for soak.md, soak.json and the kept run folders (default: results/soak-<id>)')
    .option('--kills <n>', 'instead of passes: kill -9 the CLI at a random moment of a fast run (the --only form, default test-idle) n times, and check nothing of it is left 5 s later')
    .option('--observer-effect <rounds>', 'instead of passes: run the --only forms (default test-idle,test-dead, fast) with the full observers and with --observers minimal, rounds times each, and compare the calls\' median times')
    .action(async (o: SoakCliOptions) => {
      process.exitCode = await soak(o);
    });

  p.command('analyse')
    .alias('analyze')
    .description('re-judge a run folder against the current model (results/<run>/<experiment>)')
    .argument('<folder>', 'a run folder')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      process.exitCode = await analyse(dir, o);
    });

  p.command('diff')
    .description('compare two run folders event by event: the delta since each anchor, and why, where the model knows')
    .argument('<run-a>', 'a run folder (results/<run>/<experiment>)')
    .argument('<run-b>', 'the run folder to compare with it')
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--force', 'compare runs of two different experiments by event kind')
    .option('--out <file.svg>', 'where to write the picture (default <run-b>/diff-vs-<basename of run-a>.svg)')
    .action((dirA: string, dirB: string, o: { json?: boolean; force?: boolean; out?: string }) => {
      process.exitCode = diffCommand(dirA, dirB, o);
    });

  p.command('explain')
    .description('explain a netstat -o or ss -o timer, or a whole line (npm run explain -- "timer:(on,1.999ms,1)")')
    .argument('[text...]', 'the timer or socket line, quoted; without it, ss/netstat output is read from stdin')
    .option('--watch <addr:port>', 'follow a live connection on this machine and narrate each change (Ctrl-C stops)')
    .option('--netstat', 'with --watch: sample netstat -tnoa instead of ss -tanoH')
    .option('--interval <ms>', 'with --watch: time between samples', '200')
    .option('--kernel <version>', "the kernel whose timers the figures are for, with its default sysctls (default: this machine's, with its /proc/sys/net/ipv4)")
    .option('--json', 'print the explanation as JSON')
    .action(async (words: string[], o: { watch?: string; netstat?: boolean; interval: string; kernel?: string; json?: boolean }) => {
      if (o.watch) {
        const stop = new AbortController();
        process.once('SIGINT', () => stop.abort());
        await watch(o.watch, {
          onLine: (l) => process.stdout.write(`${l}\n`),
          sample: o.netstat ? netstatSampler : ssSampler,
          interval_ms: positiveInt('--interval', o.interval),
          signal: stop.signal,
        });
        return;
      }
      if (words.length === 0 && process.stdin.isTTY) {
        throw new UsageError('what should I explain?', 'npm run explain -- "on (0.21/2/2)", or pipe ss -tano / netstat -tno output into it');
      }
      const model = commandModel(o.kernel);
      const found = words.length ? [explain(words.join(' '), model)] : explainLines(await readStdin(), model);
      const text = o.json ? JSON.stringify(found.length === 1 ? found[0] : found) : found.map(formatExplanation).join(`\n\n${'─'.repeat(72)}\n\n`);
      process.stdout.write(`${text}\n`);
    });

  p.command('predict')
    .description("the model's schedule for a timer family and settings, and how it differs between kernels")
    .argument('<family>', FAMILIES.join(' | '))
    .option('--set <name=value>', 'a sysctl (tcp_retries2=8) or socket option (keepidle=5, user_timeout=3000 in ms); repeatable', collect, [])
    .option('--kernel <version>', "the kernel to predict for (default: this machine's)", os.release())
    .option('--hz <n>', "CONFIG_HZ of the kernel and of every kernel compared: 100, 250, 300 or 1000 (default: this machine's, else 250)")
    .option('--compare <versions>', 'kernels to compare with, comma-separated', DEFAULT_COMPARE.join(','))
    .option('--json', 'print the prediction as JSON')
    .addHelpText('after', `\n${formatFamilies()}`)
    .action((family: string, o: { set: string[]; kernel: string; hz?: string; compare: string; json?: boolean }) => {
      const compare = o.compare.split(',').map((k) => k.trim()).filter(Boolean);
      const hz = o.hz === undefined ? thisMachineHz()?.hz : parseHz(o.hz);
      const pr = predict(family, o.set, o.kernel, compare, hz);
      process.stdout.write(`${o.json ? JSON.stringify(pr) : formatPrediction(pr)}\n`);
    });

  p.command('tune')
    .description('recommend keepalive and TCP_USER_TIMEOUT settings that detect a dead peer within a target, from the model, then verify them with real runs')
    .requiredOption('--detect-within <time>', 'the target, with its unit: 30s, 500ms, 2min')
    .addOption(new Option('--while <case>', 'what the connection does when the peer vanishes').choices([...WHILE_CHOICES]).default('both'))
    .option('--kernel <version>', 'verify on another kernel in a vm: 5.10, 6.1, 6.12, host, or a path to a kernel image')
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--out <dir>', 'parent folder of the verification runs', path.join(PROJECT_DIR, 'results'))
    .action(async (o: { detectWithin: string; while: string; kernel?: string; json?: boolean; out: string }) => {
      process.exitCode = await tune(o);
    });

  p.command('report')
    .description('write results/index.html over every run folder (offline, no external assets)')
    .option('--out <dir>', 'the results folder', path.join(PROJECT_DIR, 'results'))
    .option('--timelines', 'also redraw timeline.svg in every run folder from its result.json')
    .action((o: { out: string; timelines?: boolean }) => {
      if (o.timelines) {
        const { drawn, skipped } = redrawTimelines(o.out);
        process.stderr.write(`${drawn.length} timelines drawn${skipped.length ? `, ${skipped.length} skipped` : ''}\n`);
      }
      process.stdout.write(`${writeResultsIndex(o.out)}\n`);
    });

  return p;
}

async function readStdin(): Promise<string> {
  let s = '';
  for await (const chunk of process.stdin) s += chunk;
  return s;
}

async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    process.exitCode = report(err);
  }
}

/** One line and a hint, never a stack trace (set TCPLAB_DEBUG=1 for one). */
function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message; help and version are not errors.
    if (err.exitCode === 0) return 0;
    process.stderr.write('  → --help lists the commands and their options (e.g. npm run exp -- --help)\n');
    return 2;
  }
  if (process.env.TCPLAB_DEBUG) console.error(err);
  if (err instanceof UsageError) {
    process.stderr.write(`${pc.red('tcplab:')} ${err.message}\n${err.hint ? `  → ${err.hint}\n` : ''}`);
    return 2;
  }
  if (err instanceof RunnerError) {
    process.stderr.write(`${pc.red('tcplab:')} ${err.message}\n  → the run folder keeps what was recorded; TCPLAB_DEBUG=1 shows more\n`);
    return 2;
  }
  const full = diskFullMessage(err);
  if (full) {
    process.stderr.write(`${pc.red('tcplab:')} ${full}\n  → free some space, or choose another folder with --out\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${pc.red('tcplab: could not run:')} ${message}\n  → TCPLAB_DEBUG=1 shows the stack trace\n`);
  return 2;
}

await main(process.argv);
