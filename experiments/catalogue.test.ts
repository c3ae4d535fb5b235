// Runs every fast form in the catalogue for real — real namespaces, sockets,
// iptables and tcpdump, judged by the model — in one `--all --fast` call, as a
// user would. Then checks each run, the JSON contract, and that nothing was
// left behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultSchema } from '../harness/report/result.ts';
import { runCli } from '../harness/testing/run-cli.ts';
import { catalogue } from './registry.ts';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-catalogue-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const forms = catalogue.flatMap((e) => [e.id, ...Object.keys(e.variants ?? {}).map((v) => `${e.id}:${v}`)]);
const nameOf = (r: { experiment: string; variant: string | null }) => r.experiment + (r.variant ? `:${r.variant}` : '');

let all: { exitCode: number; stderr: string; doc: { runs: Record<string, unknown>[]; verdict: string } };

beforeAll(async () => {
  const r = await runCli(['exp', '--all', '--fast', '--backend', 'netns', '--json', '--out', out]);
  // Exactly one JSON document on stdout, whatever went to stderr.
  all = { exitCode: r.exitCode, stderr: r.stderr, doc: JSON.parse(r.stdout) };
}, 600_000);

describe('npm run exp -- --all --fast', () => {
  it('runs every experiment and variant once and passes', () => {
    expect(all.doc.runs.map((r) => nameOf(r as never)).sort()).toEqual([...forms].sort());
    expect(all.doc.verdict, all.stderr).toBe('pass');
    expect(all.exitCode).toBe(0);
  });

  it('leaves none of its namespaces and no process of its runs behind', async () => {
    const namespaces = (await execa('ip', ['netns', 'list'])).stdout;
    for (const r of all.doc.runs) expect(namespaces).not.toContain(String(r.sandbox));
    expect((await execa('pgrep', ['-f', out], { reject: false })).stdout).toBe('');
  });
});

describe.each(forms)('%s --fast', (ref) => {
  const run = () => all.doc.runs.find((r) => nameOf(r as never) === ref)!;

  it('honours the JSON contract and every expectation held', () => {
    const doc = run();
    const result = resultSchema.parse(doc);
    if (result.verdict === 'skip') return; // a kernel without the feature: the reason is in the run
    expect(result.expectations.filter((e) => !e.ok)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(result.backend).toBe('netns');
    expect(result.kernel).toBe(os.release());
    expect(result.expectations.some((e) => e.observed_s !== null || e.observed !== undefined)).toBe(true);
  });

  it('leaves a run folder whose capture opens with tcpdump -r', async () => {
    const { runDir } = run() as { runDir: string };
    for (const f of ['result.json', 'capture.pcap', 'ss.log', 'events.jsonl']) expect(fs.existsSync(path.join(runDir, f)), f).toBe(true);
    const read = await execa('tcpdump', ['-nn', '-r', path.join(runDir, 'capture.pcap')], { reject: false });
    expect(read.exitCode).toBe(0);
  });
});
