// getsockopt(TCP_INFO) on the scenario's live sockets, taken with each ss
// sample. Only changes in the timer-relevant fields are logged, to keep
// events.jsonl small over 15-minute runs.
import type { EventLog } from '../event-log.ts';
import type { Side, SocketRegistry } from '../scenario.ts';
import { fdOf } from '../sockopt.ts';
import { readTcpInfo } from '../tcp-info.ts';

const WATCHED = ['state', 'retransmits', 'probes', 'backoff', 'rto_us', 'unacked', 'total_retrans', 'notsent_bytes'] as const;

export class TcpInfoSampler {
  private readonly last = new Map<Side, string>();

  constructor(
    private readonly sockets: SocketRegistry,
    private readonly log: EventLog,
  ) {}

  sample(): void {
    for (const [side, socket] of this.sockets) {
      let info: Record<string, number>;
      try {
        info = readTcpInfo(fdOf(socket));
      } catch {
        continue; // closed between the registry read and getsockopt
      }
      const key = WATCHED.map((k) => info[k]).join(',');
      if (this.last.get(side) === key) continue;
      this.last.set(side, key);
      this.log.record({ kind: 'tcp_info', side, info });
    }
  }
}
