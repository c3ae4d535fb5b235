// A run folder's raw artefacts turned into one timeline. Everything the verdict
// judges is worked out again from the folder, so `tcplab analyse` can re-judge
// old runs when the model improves.
import fs from 'node:fs';
import path from 'node:path';
import { byTime, type TimelineEvent, type TimerEvent } from '../events.ts';
import { UsageError } from '../errors.ts';
import type { RunnerJob, RunnerReport } from '../runner/job.ts';
import { classifyConnection, connectionsIn, type Endpoints } from './classify.ts';
import { readPcap } from './pcap.ts';
import { parseSsLine } from './ss-timer.ts';
import { readNetstatLog } from './netstat-log.ts';
import { handshakeRtt } from './handshake-rtt.ts';
import type { LoopbackRtt } from '../model/loopback.ts';

export interface RunFolder {
  job: RunnerJob;
  report: RunnerReport;
  events: TimelineEvent[];
  /** The experiment's connections, first one first. */
  connections: Endpoints[];
  /** When ss sampled: a state's appearance or disappearance lies between two of these. */
  sampleTimes: number[];
  /** Sample start → when that ss run ended (older logs have no end: none here). */
  sampleEnds: Map<number, number>;
  /** The handshake RTT each side measured, where ss saw it: an input of the model. */
  rtt: Partial<LoopbackRtt>;
  /** Files that end part-way through a record, and how: what they held before is still used. */
  incomplete: string[];
}

export async function readRunFolder(dir: string): Promise<RunFolder> {
  const file = (name: string) => path.join(dir, name);
  const require = (names: string[]) => {
    for (const name of names) {
      if (!fs.existsSync(file(name))) {
        throw new UsageError(`${dir} is not a complete run folder: ${name} is missing`, 'name a folder like results/<run-id>/<experiment>');
      }
    }
  };
  require(['job.json', 'runner.json', 'events.jsonl']);
  const job = JSON.parse(fs.readFileSync(file('job.json'), 'utf8')) as RunnerJob;
  const report = JSON.parse(fs.readFileSync(file('runner.json'), 'utf8')) as RunnerReport;
  // --observers minimal ran no tcpdump and no ss: the calls and tcp_info are all there is.
  const full = report.observers !== 'minimal';
  if (full) require(['capture.pcap', 'ss.log']);

  const { packets, cutOffBytes } = full ? await readPcap(file('capture.pcap')) : { packets: [], cutOffBytes: 0 };
  const connections = connectionsIn(packets);
  const packetEvents = connections.flatMap((ends, i) =>
    classifyConnection(packets, ends, report.t0).map((p) => (connections.length > 1 ? { ...p, conn: i } : p)),
  );

  const incomplete: string[] = [];
  if (cutOffBytes > 0) incomplete.push(`capture.pcap ends in a packet cut off after ${cutOffBytes} bytes (tcpdump stopped mid-write, or the disk filled)`);
  const eventLines = fs.readFileSync(file('events.jsonl'), 'utf8').split('\n').filter(Boolean);
  const runnerEvents: TimelineEvent[] = [];
  for (const [i, l] of eventLines.entries()) {
    try {
      runnerEvents.push(JSON.parse(l) as TimelineEvent);
    } catch {
      // Only a last line can be cut short (the runner died or the disk filled while writing it).
      if (i !== eventLines.length - 1) throw new UsageError(`${file('events.jsonl')} line ${i + 1} is not JSON`, 'the run folder is damaged: run the experiment again');
      incomplete.push(`events.jsonl ends in a line cut short (${l.length} bytes)`);
    }
  }

  const serverPort = connections[0]?.server.port;
  const ssLog = full ? fs.readFileSync(file('ss.log'), 'utf8') : '';
  const timers = readSsLog(ssLog, serverPort);
  const sampleTimes = [...ssLog.matchAll(/^# t=([\d.]+)/gm)].map((m) => Number(m[1]));
  const sampleEnds = new Map([...ssLog.matchAll(/^# t=([\d.]+) end=([\d.]+)/gm)].map((m) => [Number(m[1]), Number(m[2])]));
  // Only experiments that ask for it (ExperimentDef.netstat) have a netstat.log.
  const netstat = fs.existsSync(file('netstat.log')) ? readNetstatLog(fs.readFileSync(file('netstat.log'), 'utf8'), serverPort) : [];

  const events = [...packetEvents, ...runnerEvents, ...timers, ...netstat].sort(byTime);
  return { job, report, events, connections, sampleTimes, sampleEnds, rtt: handshakeRtt(ssLog, serverPort), incomplete };
}

/**
 * ss.log: "# t=<s>" headers, each followed by that sample's `ss -tanoiOH` lines.
 * LISTEN sockets are kept too (as the server's), for their Recv-Q: the accept queue.
 */
export function readSsLog(text: string, serverPort: number | undefined): TimerEvent[] {
  const out: TimerEvent[] = [];
  let t = 0;
  for (const line of text.split('\n')) {
    const header = /^# t=([\d.]+)/.exec(line);
    if (header) {
      t = Number(header[1]);
      continue;
    }
    const s = line.trim() ? parseSsLine(line) : null;
    if (!s) continue;
    out.push({
      t,
      kind: 'timer',
      side: s.local.port === serverPort ? 'server' : 'client',
      state: s.state,
      timer: s.timer?.name ?? 'off',
      remaining_s: s.timer?.remaining_s ?? 0,
      count: s.timer?.count ?? 0,
      recv_q: s.recvQ,
      send_q: s.sendQ,
    });
  }
  return out;
}
