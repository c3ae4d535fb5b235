// What `ss -i` printed next to the timer, in words: the current RTO and its
// backoff, the retransmission counters, the unacknowledged segments, probes.
// (tcp_info fields: tcpi_rto, tcpi_backoff, tcpi_retransmits/tcpi_total_retrans,
// tcpi_unacked, tcpi_probes; ss prints rto in ms, retrans as current/total.)
import type { SsInfo } from '../observe/ss-info.ts';

export function ssInfoNote(info: SsInfo | undefined): string | undefined {
  if (!info) return undefined;
  const parts: string[] = [];
  if (typeof info.rto === 'number') parts.push(`rto:${info.rto} = the retransmission timeout is now ${info.rto} ms`);
  if (typeof info.backoff === 'number') parts.push(`backoff:${info.backoff} = it has doubled ${info.backoff} time${info.backoff === 1 ? '' : 's'} since the last ACK`);
  if (typeof info.retrans === 'string') {
    const [now, total] = info.retrans.split('/');
    parts.push(`retrans:${info.retrans} = ${now} segment(s) being retransmitted now, ${total} retransmissions over the connection's life`);
  }
  if (typeof info.unacked === 'number') parts.push(`unacked:${info.unacked} = segments sent and not acknowledged`);
  if (typeof info.lost === 'number') parts.push(`lost:${info.lost} = segments the kernel considers lost`);
  if (typeof info.notsent === 'number') parts.push(`notsent:${info.notsent} = bytes queued but not sent yet`);
  return parts.length ? `ss -i says: ${parts.join('; ')}.` : undefined;
}
