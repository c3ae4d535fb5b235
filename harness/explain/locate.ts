// Finding the timer in what a user pasted: a bare ss or netstat timer, a whole
// socket line, or a line of prose that quotes one. The parsing itself is
// observe/'s (ss-timer.ts, netstat-timer.ts); this only decides which to call.
import { parseNetstatLine, parseNetstatTimer } from '../observe/netstat-timer.ts';
import type { SsInfo } from '../observe/ss-info.ts';
import { parseSsLine, parseSsTimer, type SsSocket } from '../observe/ss-timer.ts';
import { TimerTextError } from '../observe/timer-text-error.ts';
import type { HostPort } from '../observe/host-port.ts';
import { ExplainError } from './explain-error.ts';

/** The timer as read, with the raw text of each field (for "what each number means"). */
export interface LocatedTimer {
  source: 'ss' | 'netstat';
  /** The timer part of the input. */
  text: string;
  name: string;
  remaining_s: number;
  /** The TIME / SECONDS field as printed. */
  timeText: string;
  /** ss only */
  count?: number;
  mislabelled?: boolean;
  /** netstat only */
  retrans?: number;
  probes?: number;
  /** ss printed no timer field at all (no timer runs, or ss ran without -o). */
  absent?: boolean;
}

export interface LocatedSocket {
  state: string;
  local: string;
  peer: string;
  recvQ: number;
  sendQ: number;
  /** ss -i / -e / -p extras, when the line had them. */
  info?: SsInfo;
}

export interface Located {
  timer: LocatedTimer;
  socket?: LocatedSocket;
  /** Words around a timer quoted in prose, if any. */
  context?: string;
}

const SS_TIMER = /(?:timer:)?\(([^,()]*),([^,()]*),([^,()]*)\)/;
const SS_TIMER_FIELD = /timer:\(([^,()]*),([^,()]*),([^,()]*)\)/;
const NETSTAT_TIMER = /(off|on|keepalive|timewait|probe|unkn-\d+) \((-?\d+\.\d+)\/(\d+)\/(\d+)\)/;

function hostPort(h: HostPort): string {
  const addr = h.addr.includes(':') ? `[${h.addr}]` : h.addr;
  return `${addr}${h.dev ? `%${h.dev}` : ''}:${h.port === 0 ? '*' : h.port}`;
}

function wrap<T>(text: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TimerTextError) throw new ExplainError(text, e.reason, e.hint);
    throw e;
  }
}

function fromSsSocket(s: SsSocket, rawTimer: string | undefined): Located {
  const socket: LocatedSocket = { state: s.state, local: hostPort(s.local), peer: hostPort(s.peer), recvQ: s.recvQ, sendQ: s.sendQ, ...(s.info ? { info: s.info } : {}) };
  if (!s.timer || rawTimer === undefined) {
    return { socket, timer: { source: 'ss', text: '', name: 'off', remaining_s: 0, timeText: '', count: 0, absent: true } };
  }
  const m = SS_TIMER.exec(rawTimer)!;
  return {
    socket,
    timer: {
      source: 'ss',
      text: rawTimer,
      name: s.timer.name,
      remaining_s: s.timer.remaining_s,
      timeText: m[2] ?? '',
      count: s.timer.count,
      ...(s.timer.mislabelled ? { mislabelled: true } : {}),
    },
  };
}

function ssTimerOnly(text: string, raw: string): LocatedTimer {
  const t = wrap(text, () => parseSsTimer(raw));
  const m = SS_TIMER.exec(raw)!;
  return {
    source: 'ss',
    text: raw,
    name: t.name,
    remaining_s: t.remaining_s,
    timeText: m[2] ?? '',
    count: t.count,
    ...(t.mislabelled ? { mislabelled: true } : {}),
  };
}

function netstatTimer(text: string, raw: string): LocatedTimer {
  const t = wrap(text, () => parseNetstatTimer(raw));
  const m = NETSTAT_TIMER.exec(raw)!;
  return { source: 'netstat', text: raw.trim(), name: t.name, remaining_s: t.remaining_s, timeText: m[2] ?? '', retrans: t.retrans, probes: t.probes };
}

/** Find and read the timer in one line of text. Throws ExplainError when there is none. */
export function locate(input: string): Located {
  // The seed notes annotate lines with "// <---- …"; no ss or netstat output contains '//'.
  const text = input.replace(/\s*\/\/.*$/, '').trim();
  if (text === '') throw new ExplainError(input, 'there is nothing to explain');

  // Prefer an explicit 'timer:(' — `ss -p` prints users:(("node",pid=1,fd=3)) before it.
  const ss = SS_TIMER_FIELD.exec(text) ?? (/^\(/.test(text) ? SS_TIMER.exec(text) : null);
  if (ss) {
    const raw = ss[0];
    if (ss.index === 0 || text.startsWith('timer:(')) {
      const rest = text.slice(raw.length).trim();
      if (rest !== '') throw new ExplainError(input, `unexpected text after the timer: '${rest}'`);
      return { timer: ssTimerOnly(input, raw) };
    }
    // A whole ss line, or prose around an ss timer.
    let socket: SsSocket | null = null;
    try {
      socket = parseSsLine(text);
    } catch {
      socket = null;
    }
    if (socket) return fromSsSocket(socket, raw);
    return { timer: ssTimerOnly(input, raw), context: text.slice(0, ss.index).trim() };
  }

  const ns = NETSTAT_TIMER.exec(text);
  if (ns) {
    if (ns.index === 0) {
      const rest = text.slice(ns[0].length).trim();
      if (rest !== '') throw new ExplainError(input, `unexpected text after the timer: '${rest}'`);
      return { timer: netstatTimer(input, ns[0]) };
    }
    if (/^tcp6?\s/.test(text)) {
      const line = wrap(input, () => parseNetstatLine(text));
      if (line) {
        return {
          socket: { state: line.state, local: hostPort(line.local), peer: hostPort(line.peer), recvQ: line.recvQ, sendQ: line.sendQ },
          timer: netstatTimer(input, ns[0]),
        };
      }
    }
    // Prose quoting a netstat timer ("… so at ...SHED on (2.47/254/2)").
    return { timer: netstatTimer(input, ns[0]), context: text.slice(0, ns.index).trim() };
  }

  // An ss line without a timer field.
  let socket: SsSocket | null = null;
  try {
    socket = parseSsLine(text);
  } catch {
    socket = null;
  }
  if (socket) return fromSsSocket(socket, undefined);

  if (/\(/.test(text) && /\//.test(text)) {
    throw new ExplainError(input, 'this looks like a netstat timer but is not one', "netstat prints NAME (SECONDS/RETRANS/PROBES), e.g. 'keepalive (6176.47/0/0)': a space before '(', two decimals, three fields");
  }
  if (/\(/.test(text) && /,/.test(text)) {
    throw new ExplainError(input, 'this looks like an ss timer but is not one', "ss prints timer:(NAME,TIME,COUNT), e.g. 'timer:(on,1.999ms,1)'");
  }
  throw new ExplainError(input, 'no ss or netstat timer in it');
}
