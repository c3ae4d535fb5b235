// The loopback RTT each side measured in its handshake, from ss.log: the first
// ESTAB sample of a side that shows `rtt:<srtt>/<rttvar>` (ms). That first
// sample is the handshake's own (srtt = m, rttvar = m/2, tcp_rtt_estimator());
// the model takes it as an input (model/loopback.ts LoopbackRtt).
import type { LoopbackRtt } from '../model/loopback.ts';
import { parseSsLine } from './ss-timer.ts';

/** Only the sides ss saw; the model stands in for the others. */
export function handshakeRtt(ssLog: string, serverPort: number | undefined): Partial<LoopbackRtt> {
  const found: Partial<Record<'client' | 'server', number>> = {};
  for (const line of ssLog.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    let s;
    try {
      s = parseSsLine(line);
    } catch {
      continue; // a line ss cut short: the next sample has it
    }
    if (!s || s.state !== 'ESTAB' || serverPort === undefined) continue;
    const side = s.local.port === serverPort ? 'server' : 'client';
    const rtt = /^([\d.]+)\//.exec(String(s.info?.rtt ?? ''))?.[1];
    if (found[side] === undefined && rtt !== undefined) found[side] = Math.round(Number(rtt) * 1000) / 1e6; // ms with µs digits
    if (found.client !== undefined && found.server !== undefined) break;
  }
  return { ...(found.client !== undefined ? { client_s: found.client } : {}), ...(found.server !== undefined ? { server_s: found.server } : {}) };
}
