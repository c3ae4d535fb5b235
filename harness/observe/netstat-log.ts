// netstat.log (runner/observers/command-sampler.ts, NETSTAT) turned into timeline `timer` events
// with source 'netstat', parsed by netstat-timer.ts. Fields match ss's where they mean
// the same (timer name, remaining_s, count = RETRANS for `on`, PROBES otherwise) and
// netstat's own fields are added: retrans, probes, and the neighbouring sample times
// that let a state change be bracketed (verdict/match.ts).
import type { TimerEvent } from '../events.ts';
import { parseNetstatLine } from './netstat-timer.ts';

export function readNetstatLog(text: string, serverPort: number | undefined): TimerEvent[] {
  const samples: { t: number; end?: number; lines: string[] }[] = [];
  for (const line of text.split('\n')) {
    const header = /^# t=([\d.]+)(?: end=([\d.]+))?/.exec(line);
    if (header) samples.push({ t: Number(header[1]), ...(header[2] ? { end: Number(header[2]) } : {}), lines: [] });
    else if (line.trim() && samples.length) samples.at(-1)!.lines.push(line);
  }
  const out: TimerEvent[] = [];
  samples.forEach(({ t, end, lines }, i) => {
    for (const line of lines) {
      const s = parseNetstatLine(line);
      if (!s || !s.proto.startsWith('tcp')) continue;
      const { name, remaining_s, retrans, probes } = s.timer;
      out.push({
        t,
        kind: 'timer',
        side: s.local.port === serverPort ? 'server' : 'client',
        state: s.state,
        timer: name,
        remaining_s,
        count: name === 'on' ? retrans : name === 'timewait' ? 0 : probes,
        recv_q: s.recvQ,
        send_q: s.sendQ,
        source: 'netstat',
        retrans,
        probes,
        ...(end !== undefined ? { sample_end_t: end } : {}),
        ...(i > 0 ? { sample_prev_t: samples[i - 1]!.t } : {}),
        ...(i < samples.length - 1 ? { sample_next_t: samples[i + 1]!.t } : {}),
        ...(samples[i + 1]?.end !== undefined ? { sample_next_end_t: samples[i + 1]!.end } : {}),
      });
    }
  });
  return out;
}
