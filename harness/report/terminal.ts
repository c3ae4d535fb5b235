// The summary a person reads at a glance after a run.
import pc from 'picocolors';
import type { Expectation } from '../verdict/judge.ts';
import type { RunOutcome } from '../run-many.ts';
import type { RunResult } from './result.ts';

function ms(s: number): string {
  const v = s * 1000;
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)} ms`;
}

function formatNominal(e: Expectation): string {
  return `${Number(e.at_s!.toFixed(3))}s`;
}

function line(e: Expectation): string {
  const mark = e.ok ? pc.green('✔') : pc.red('✘');
  // The model's nominal time from the anchor: the figure the notes quote.
  const nominal = e.at_s !== undefined ? pc.dim(`@${formatNominal(e)}`.padEnd(8)) : ' '.repeat(8);
  const name = `${e.name.padEnd(30)} ${nominal}`;
  if (e.expected !== undefined) {
    const note = e.note && !e.ok ? pc.red(`  ${e.note}`) : '';
    return `  ${mark} ${name} expected ${String(e.expected).padStart(8)}    observed ${String(e.observed).padStart(8)}${note}`;
  }
  const exp = e.expected_s === null ? '       –' : `${e.expected_s.toFixed(3).padStart(8)} s`;
  const obs = e.observed_s === null ? pc.red('   never  ') : `${e.observed_s.toFixed(3).padStart(8)} s`;
  const err = e.error_s === undefined ? '' : `  ${ms(e.error_s).padStart(10)}`;
  const win = e.window_s && e.expected_s !== null ? pc.dim(`  (window ${ms(e.window_s[0] - e.expected_s)} … ${ms(e.window_s[1] - e.expected_s)})`) : '';
  const note = e.note && !e.ok ? pc.red(`  ${e.note}`) : '';
  return `  ${mark} ${name} expected ${exp}  observed ${obs}${err}${win}${note}`;
}

export function formatSummary(r: RunResult): string {
  const passed = r.expectations.filter((e) => e.ok).length;
  const badge = r.verdict === 'pass' ? pc.green(pc.bold('PASS')) : r.verdict === 'skip' ? pc.yellow('SKIP') : pc.red(pc.bold('FAIL'));
  const name = r.experiment + (r.variant ? `:${r.variant}` : '') + (r.fast ? ' (fast)' : '');
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [
    `${pc.bold(name)}  ${badge} ${passed}/${r.expectations.length}   kernel ${r.kernel}, ${r.backend}`,
    pc.dim(`  params: ${params}   times from: ${r.prediction.anchor}${r.observers === 'minimal' && r.anchor_s !== null ? ', seen by its call (no capture)' : ''}${r.anchor_s !== null ? ` (t=${r.anchor_s.toFixed(3)} s)` : ''}`),
    ...r.expectations.map(line),
    ...(r.reason ? [pc.red(`  ${r.reason}`)] : []),
    ...(r.unjudged?.length ? [pc.dim(`  not judged (--observers minimal: no capture, no ss): ${r.unjudged.join('; ')}`)] : []),
    r.notes_comparison.differs ? pc.yellow(`  ${r.notes_comparison.line}`) : pc.dim(`  ${r.notes_comparison.line}`),
    pc.dim(`  run folder: ${r.runDir}${r.capture ? '  (capture.pcap opens with tcpdump -r / Wireshark)' : ''}`),
    pc.dim(`  timeline:   ${r.runDir}/timeline.svg`),
  ].join('\n');
}

/** --all / --repeat: one line per run, then the details of every run that did not pass. */
export function formatMany(outcomes: readonly RunOutcome[]): string {
  const width = Math.max(...outcomes.map((r) => (r.experiment + (r.variant ? `:${r.variant}` : '')).length)) + 2;
  const rows = outcomes.map((r) => {
    const name = (r.experiment + (r.variant ? `:${r.variant}` : '')).padEnd(width);
    if (r.verdict === 'error') return `  ${pc.red('✘')} ${name}${pc.red('could not run')}  ${r.reason}`;
    const passed = r.expectations.filter((e) => e.ok).length;
    const worst = Math.max(0, ...r.expectations.map((e) => Math.abs(e.error_s ?? 0)));
    const mark = r.verdict === 'pass' ? pc.green('✔') : r.verdict === 'skip' ? pc.yellow('–') : pc.red('✘');
    const detail = r.verdict === 'skip' ? pc.yellow(`skip: ${r.reason ?? ''}`) : `${passed}/${r.expectations.length}  worst |error| ${(worst * 1000).toFixed(1)} ms`;
    return `  ${mark} ${name}${detail}`;
  });
  const failed = outcomes.filter((r): r is RunResult => r.verdict === 'fail').map(formatSummary);
  const counts = ['pass', 'fail', 'skip', 'error'].map((v) => `${outcomes.filter((r) => r.verdict === v).length} ${v}`).join(', ');
  return [...rows, ...(failed.length ? ['', ...failed] : []), '', `${outcomes.length} runs: ${counts}`].join('\n');
}
