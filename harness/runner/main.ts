// The runner: the only tcplab code that runs inside the sandbox. It starts the
// observers, runs one scenario, and writes raw artefacts to the run folder
// (capture.pcap, ss.log, events.jsonl, runner.json). It judges nothing: the
// host analyses the folder afterwards, so old runs can be re-judged.
//
// Usage (by the sandbox): node node_modules/.cache/tcplab/runner-<hash>.mjs <run folder>
// (the bundle of this file, runner/bundle.ts), or node --import tsx harness/runner/main.ts <run folder>
// The folder holds job.json, written by the host.
import fs from 'node:fs';
import path from 'node:path';
import { lookup } from '../../experiments/registry.ts';
import { requireNode } from '../preflight.ts';
import type { RunnerJob, RunnerReport } from './job.ts';
import { ScenarioClock } from './clock.ts';
import { EventLog } from './event-log.ts';
import { Firewall } from './firewall.ts';
import { CommandSampler, NETSTAT, SS } from './observers/command-sampler.ts';
import { Tcpdump } from './observers/tcpdump.ts';
import { scenarioContext, SkipScenario, type SocketRegistry } from './scenario.ts';
import { TcpInfoSampler } from './observers/tcp-info-sampler.ts';
import { TcpInfoTicker } from './observers/tcp-info-ticker.ts';
import { type WorkFolder, workFolder } from './work-folder.ts';

/** Packets still in flight when the scenario returns (e.g. the RST) get this long to be captured. */
const CAPTURE_TAIL_S = 0.3;

async function main(runDir: string, work: WorkFolder): Promise<number> {
  requireNode(); // socket options depend on it: fail loudly, never run without them
  const job: RunnerJob = JSON.parse(fs.readFileSync(path.join(runDir, 'job.json'), 'utf8'));
  const { def } = lookup(job.experiment);
  const file = (name: string) => path.join(work.dir, name);

  let clock: ScenarioClock | undefined;
  const now = () => clock?.now() ?? 0;
  const log = new EventLog(file('events.jsonl'), now);
  const sockets: SocketRegistry = new Map();
  const firewall = new Firewall(log);

  const tcpInfo = new TcpInfoSampler(sockets, log);
  // --observers minimal: no tcpdump, no ss or netstat, only tcp_info and the calls.
  const full = job.observers !== 'minimal';
  const ss = full
    ? new CommandSampler(SS, file('ss.log'), now, job.predicted_s, (t, lines) => {
        tcpInfo.sample();
        // Echoed for the host's live status line only; ss.log is the record.
        process.stdout.write(JSON.stringify({ kind: 'ss', t, lines }) + '\n');
      })
    : new TcpInfoTicker(tcpInfo, now, job.predicted_s);

  const netstat = full && def.netstat ? new CommandSampler(NETSTAT, file('netstat.log'), now, job.predicted_s) : undefined;

  const tcpdump = full ? await Tcpdump.start(file('capture.pcap')) : undefined;
  let stopping = false;
  // closing: the scenario ended normally, so the samplers take a last sample after it.
  const teardown = async (closing = false): Promise<RunnerReport['capture']> => {
    stopping = true;
    await ss.stop({ closing });
    await netstat?.stop({ closing });
    const capture = (await tcpdump?.stop()) ?? null;
    await firewall.removeAll().catch(() => {});
    for (const s of sockets.values()) s.destroy();
    return capture;
  };
  // The host closes our stdin when it goes away (crash, Ctrl-C): never outlive it.
  // What was recorded is kept whatever ends the run (work.publish()).
  const stop = (code: number) => void teardown().finally(() => { work.publish(); process.exit(code); });
  process.stdin.on('end', () => stop(130));
  process.stdin.resume();
  process.on('SIGTERM', () => stop(143));
  process.on('SIGINT', () => stop(130));

  clock = new ScenarioClock();
  ss.start();
  netstat?.start();
  let scenarioError: string | undefined;
  let skipped: string | undefined;
  let timedOut = false;
  const deadline = new Promise<void>((resolve) =>
    setTimeout(() => {
      timedOut = true;
      resolve();
    }, job.deadline_s * 1000).unref(),
  );
  try {
    await Promise.race([def.scenario(scenarioContext(job.params, job.predicted_end_s, { log, clock, sockets, firewall })), deadline]);
  } catch (err) {
    if (err instanceof SkipScenario) {
      skipped = err.message;
      log.record({ kind: 'mark', name: 'skip', reason: skipped });
    } else {
      scenarioError = err instanceof Error ? err.message : String(err);
      log.record({ kind: 'mark', name: 'scenario error', message: scenarioError });
    }
  }
  if (timedOut) log.record({ kind: 'mark', name: 'deadline', deadline_s: job.deadline_s });
  else log.record({ kind: 'mark', name: 'scenario end' });
  await clock.sleep(CAPTURE_TAIL_S);
  if (stopping) return 130;
  const capture = await teardown(true);
  log.close();
  work.publish();

  const report: RunnerReport = {
    t0: clock.t0,
    capture,
    node: process.version,
    ...(full ? {} : { observers: 'minimal' as const }),
    timedOut,
    ...(scenarioError ? { scenarioError } : {}),
    ...(skipped ? { skipped } : {}),
  };
  fs.writeFileSync(path.join(runDir, 'runner.json'), JSON.stringify(report, null, 2) + '\n');
  return 0;
}

const runDir = process.argv[2];
if (!runDir) {
  process.stderr.write('usage: runner <run folder with job.json>\n');
  process.exit(2);
}
const work = workFolder(runDir);
main(runDir, work).then(
  (code) => process.exit(code),
  (err: unknown) => {
    try {
      work.publish();
    } catch {
      // the error below is the one to report
    }
    process.stderr.write(`runner failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(3);
  },
);
