// The loopback RTT each side measured in its handshake, from ss.log: the first
// ESTAB sample of a side that shows `rtt:<srtt>/<rttvar>` (ms) while no data of
// that side has been acked (bytes_acked: 1 for the client's SYN, none for the
// server). Only then is srtt the handshake's own sample (srtt = m, rttvar = m/2,
// tcp_rtt_estimator()); once data is acked, its ACK is a second sample (a
// delayed ACK's 40 ms made a client's srtt 5.5 ms in a test-zero run whose first
// ss sample came late), and the model, which adds that sample itself, would count
// it twice. The model takes the result as an input (model/loopback.ts LoopbackRtt).
import type { LoopbackRtt } from '../model/loopback.ts';
import { parseSsLine } from './ss-timer.ts';

/** Only the sides ss saw; the model stands in for the others. */
export function handshakeRtt(ssLog: string, serverPort: number | undefined): Partial<LoopbackRtt> {
  const found: Partial<Record<'client' | 'server', number | null>> = {};
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
    if (side in found) continue;
    const rtt = /^([\d.]+)\//.exec(String(s.info?.rtt ?? ''))?.[1];
    if (rtt === undefined) continue;
    // Past the handshake: this side's first sample came too late to show it.
    if (Number(s.info?.bytes_acked ?? 0) > (side === 'client' ? 1 : 0)) found[side] = null;
    else found[side] = Math.round(Number(rtt) * 1000) / 1e6; // ms with µs digits
    if ('client' in found && 'server' in found) break;
  }
  return { ...(typeof found.client === 'number' ? { client_s: found.client } : {}), ...(typeof found.server === 'number' ? { server_s: found.server } : {}) };
}
