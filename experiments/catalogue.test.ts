// Runs every fast form in the catalogue for real: a real namespace, real
// sockets, real iptables and tcpdump, judged by the model. Then checks the
// JSON contract and that nothing was left behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { resultSchema } from '../harness/report/result.ts';
import { runCli } from '../harness/testing/run-cli.ts';
import { catalogue } from './registry.ts';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-catalogue-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const forms = catalogue.flatMap((e) => [e.id, ...Object.keys(e.variants ?? {}).map((v) => `${e.id}:${v}`)]);

describe.each(forms)('%s --fast, for real in a network namespace', (ref) => {
  it('passes, honours the JSON contract and leaves nothing behind', async () => {
    const r = await runCli(['exp', ref, '--fast', '--backend', 'netns', '--json', '--out', out]);
    // Exactly one JSON document on stdout, whatever went to stderr.
    const doc = JSON.parse(r.stdout);
    const result = resultSchema.parse(doc);
    const failed = doc.expectations.filter((e: { ok: boolean }) => !e.ok);
    expect(failed, r.stderr).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(r.exitCode).toBe(0);
    expect(result.backend).toBe('netns');
    expect(result.kernel).toBe(os.release());
    expect(result.expectations.filter((e) => e.observed_s !== null).length).toBeGreaterThan(0);

    // The run folder holds the artefacts the contract names, and the pcap opens.
    for (const f of ['result.json', 'capture.pcap', 'ss.log', 'events.jsonl']) {
      expect(fs.existsSync(path.join(result.runDir, f)), f).toBe(true);
    }
    const read = await execa('tcpdump', ['-nn', '-r', path.join(result.runDir, 'capture.pcap')], { reject: false });
    expect(read.exitCode).toBe(0);
    expect(read.stdout).toMatch(/Flags \[S\]/);

    // Cleaned up: the namespace and anything that ran in it are gone.
    const ns = await execa('ip', ['netns', 'list']);
    expect(ns.stdout).not.toContain(doc.sandbox);
    const left = await execa('pgrep', ['-f', result.runDir], { reject: false });
    expect(left.stdout).toBe('');
  });
});
