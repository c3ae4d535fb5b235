// Reading `ss -o` output: the timer field, one socket line, and whole output.
//
// The runner samples `ss -tanoiOH` (iproute2 6.1): -O keeps each socket on one
// line, -H drops the header. A line then looks like (real, this machine):
//   ESTAB 0 6 127.0.0.1:54616 127.0.0.1:5555  timer:(on,276ms,1) ts sack bbr … rto:408 backoff:1 …
// Without -O, `-i` info goes on a continuation line that starts with a tab;
// parseSsOutput joins those. A TIME-WAIT or SYN-RECV socket has no info at all,
// and its continuation line is a tab followed only by padding.
//
// timer:(NAME,TIME,COUNT) comes from the kernel's inet_diag (idiag_timer):
//   on         retransmit timer (also the loss probe and SYN/SYN-ACK timers); COUNT = retransmits
//   keepalive  sk_timer; COUNT = keepalive probes sent (icsk_probes_out)
//   timewait   TIME-WAIT (and FIN-WAIT-2 orphan) timer; COUNT = 0
//   persist    zero-window probe timer; COUNT = probes sent (icsk_probes_out)
//   unknown    any other timer code
// 'off' exists in ss's table but ss prints no timer field at all in that case.

import { parseHostPort, type HostPort } from './host-port.ts';
import { readSsDuration, type SsDuration } from './ss-duration.ts';
import { parseSsInfo, splitSsFields, type SsInfo } from './ss-info.ts';
import { TimerTextError } from './timer-text-error.ts';

export { parseSsDuration } from './ss-duration.ts';

export const SS_TIMER_NAMES = ['off', 'on', 'keepalive', 'timewait', 'persist', 'unknown'] as const;
export type SsTimerName = (typeof SS_TIMER_NAMES)[number];

export interface SsTimer {
  name: SsTimerName;
  remaining_s: number;
  count: number;
  /** Present (true) when TIME was iproute2 6.1's 'S.MMMms', which means S.MMM seconds. */
  mislabelled?: boolean;
}

export interface SsSocket {
  /** Only when ss printed a Netid column (several socket kinds asked for). */
  netid?: string;
  state: string;
  recvQ: number;
  sendQ: number;
  local: HostPort;
  peer: HostPort;
  timer?: SsTimer;
  /** Everything after the addresses except the timer: `-i` info, `-p` users, `-e` details. */
  info?: SsInfo;
}

// iproute2's sstate_name[] (misc/ss.c).
const SS_STATES = new Set([
  'UNKNOWN', 'ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT',
  'UNCONN', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING',
]);
const HEADER_WORDS = new Set(['State', 'Netid']);
const TIMER_FORM = /^(?:timer:)?\(([^,()]*),([^,()]*),([^,()]*)\)$/;

/** Reads `timer:(on,1.840ms,2)`; the `timer:` prefix is optional. */
export function parseSsTimer(text: string): SsTimer {
  const m = TIMER_FORM.exec(text.trim());
  if (!m) throw new TimerTextError(text, 'not an ss timer', "expected timer:(NAME,TIME,COUNT), e.g. 'timer:(on,044ms,0)'");
  const [, name = '', time = '', count = ''] = m;
  if (!isTimerName(name)) {
    throw new TimerTextError(text, `unknown timer name '${name}'`, `expected one of ${SS_TIMER_NAMES.join(', ')}`);
  }
  if (!/^\d+$/.test(count)) throw new TimerTextError(text, `count '${count}' is not a whole number`);
  const duration = timerDuration(text, time);
  const timer: SsTimer = { name, remaining_s: duration.seconds, count: Number(count) };
  if (duration.mislabelled) timer.mislabelled = true;
  return timer;
}

/**
 * Reads one socket line of `ss -tano[i][O][H]`. Returns null for lines that
 * describe no socket: blank lines, the header, and `-i` continuation lines
 * (which start with whitespace; parseSsOutput attaches those).
 */
export function parseSsLine(line: string): SsSocket | null {
  if (line.trim() === '' || /^\s/.test(line)) return null;
  const fields = splitSsFields(line);
  if (HEADER_WORDS.has(fields[0] ?? '')) return null;

  const netid = SS_STATES.has(fields[0] ?? '') ? undefined : fields.shift();
  const [state = '', recvQ = '', sendQ = '', local = '', peer = '', ...rest] = fields;
  if (!SS_STATES.has(state)) {
    throw new TimerTextError(line, `'${state}' is not an ss socket state`, 'expected a line of `ss -tano`');
  }
  if (!/^\d+$/.test(recvQ) || !/^\d+$/.test(sendQ)) {
    throw new TimerTextError(line, 'Recv-Q / Send-Q are not numbers', 'expected STATE RECV-Q SEND-Q LOCAL PEER …');
  }

  const socket: SsSocket = {
    state,
    recvQ: Number(recvQ),
    sendQ: Number(sendQ),
    local: parseHostPort(local),
    peer: parseHostPort(peer),
  };
  if (netid !== undefined) socket.netid = netid;
  const timerAt = rest.findIndex((f) => f.startsWith('timer:'));
  if (timerAt >= 0) socket.timer = parseSsTimer(rest.splice(timerAt, 1)[0] as string);
  if (rest.length > 0) socket.info = parseSsInfo(rest);
  return socket;
}

/** Reads whole `ss` output, with or without -H and -O. */
export function parseSsOutput(text: string): SsSocket[] {
  const sockets: SsSocket[] = [];
  for (const line of text.split('\n')) {
    const socket = parseSsLine(line);
    if (socket) {
      sockets.push(socket);
      continue;
    }
    const last = sockets[sockets.length - 1];
    const continuation = /^\s/.test(line) ? splitSsFields(line) : [];
    if (last && continuation.length > 0) {
      last.info = { ...last.info, ...parseSsInfo(continuation) };
    }
  }
  return sockets;
}

// Reports a bad TIME against the whole timer text, which is what a user can find in ss.log.
function timerDuration(text: string, time: string): SsDuration {
  try {
    return readSsDuration(time);
  } catch (e) {
    if (!(e instanceof TimerTextError)) throw e;
    throw new TimerTextError(text, `time '${time}' is ${e.reason}`, e.hint);
  }
}

function isTimerName(name: string): name is SsTimerName {
  return (SS_TIMER_NAMES as readonly string[]).includes(name);
}
