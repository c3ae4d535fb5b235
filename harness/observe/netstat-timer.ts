// Reading net-tools `netstat -o` / `netstat --timers` output.
//
// netstat reads /proc/net/tcp and prints the timer as NAME (SECONDS/RETRANS/PROBES):
//   on (0.21/2/2)  keepalive (6176.47/0/0)  timewait (36.57/0/0)  off (0.00/0/0)  probe (0.75/0/1)
// NAME comes from /proc/net/tcp's "tr" column (get_tcp4_sock in the kernel):
//   0 off, 1 on (retransmit / loss probe), 2 keepalive, 4 probe (zero window;
//   ss calls it 'persist'), 3 timewait (TIME-WAIT sockets), else unkn-N.
// SECONDS is "%2.2f" of the jiffies left; RETRANS is icsk_retransmits; PROBES is
// icsk_probes_out (keepalive or zero-window probes sent and unanswered).
//
// State is printed "%-11s" and ESTABLISHED has 11 letters, so old net-tools
// glues them: `ESTABLISHEDkeepalive (6176.47/0/0)` (seed notes, Ubuntu 8.04).
// Newer net-tools put a space there; both are read.

import { parseHostPort, type HostPort } from './host-port.ts';
import { TimerTextError } from './timer-text-error.ts';

export type NetstatTimerName = 'off' | 'on' | 'keepalive' | 'timewait' | 'probe' | `unkn-${number}`;

export interface NetstatTimer {
  name: NetstatTimerName;
  remaining_s: number;
  retrans: number;
  probes: number;
}

export interface NetstatSocket {
  proto: string;
  recvQ: number;
  sendQ: number;
  local: HostPort;
  peer: HostPort;
  /** '' for sockets without a state (UDP). */
  state: string;
  /** Columns between State and Timer: -e's User and Inode, -p's PID/Program name. */
  extra: string[];
  timer: NetstatTimer;
}

const NAME = String.raw`off|on|keepalive|timewait|probe|unkn-\d+`;
const VALUES = String.raw`\((-?\d+\.\d+)\/(\d+)\/(\d+)\)`;
const TIMER = new RegExp(`^(${NAME}) ${VALUES}$`);
// At the end of a line, the name may follow the state with no space between.
const TIMER_AT_END = new RegExp(`(${NAME}) ${VALUES}\\s*$`);
const HINT = "expected NAME (SECONDS/RETRANS/PROBES), e.g. 'keepalive (6176.47/0/0)'";

/** Reads `keepalive (6176.47/0/0)`. */
export function parseNetstatTimer(text: string): NetstatTimer {
  const m = TIMER.exec(text.trim());
  if (!m) throw new TimerTextError(text, 'not a netstat timer', HINT);
  return toTimer(m);
}

/**
 * Reads one line of `netstat -tno` (also with -a, -e, -p, -c). Returns null
 * for blank and header lines.
 */
export function parseNetstatLine(line: string): NetstatSocket | null {
  const trimmed = line.trim();
  if (trimmed === '' || /^(Active|Proto)\b/.test(trimmed)) return null;
  const m = TIMER_AT_END.exec(trimmed);
  if (!m) throw new TimerTextError(line, 'no timer at the end of the line', `run netstat with -o; ${HINT}`);

  const columns = trimmed.slice(0, m.index).trim().split(/\s+/);
  const [proto = '', recvQ = '', sendQ = '', local = '', peer = '', state = '', ...extra] = columns;
  if (!/^\d+$/.test(recvQ) || !/^\d+$/.test(sendQ)) {
    throw new TimerTextError(line, 'Recv-Q / Send-Q are not numbers', 'expected Proto Recv-Q Send-Q Local Foreign State … Timer');
  }
  return {
    proto,
    recvQ: Number(recvQ),
    sendQ: Number(sendQ),
    local: parseHostPort(local),
    peer: parseHostPort(peer),
    state,
    extra,
    timer: toTimer(m),
  };
}

function toTimer(m: RegExpExecArray): NetstatTimer {
  const [, name, seconds, retrans, probes] = m;
  return {
    name: name as NetstatTimerName,
    remaining_s: Number(seconds),
    retrans: Number(retrans),
    probes: Number(probes),
  };
}
