// Turning successive ss / netstat samples of one connection into sentences:
// "keepalive probe 2 sent", "keepalive → on", "gone: keepalive gave up".
// Pure: the sampling loop is watch.ts.
import { TCP_TIMEWAIT_LEN_S } from '../model/kernel-facts.ts';
import { normaliseState, type SocketState } from './socket-state.ts';

export interface WatchedTimer {
  /** ss's names; netstat's 'probe' is given as 'persist'. */
  name: string;
  remaining_s: number;
  /** ss COUNT; for netstat: RETRANS for 'on', PROBES otherwise. */
  count: number;
}

export interface WatchedSocket {
  state: string;
  local: string;
  peer: string;
  recvQ: number;
  sendQ: number;
  /** null: no timer runs. */
  timer: WatchedTimer | null;
}

const key = (s: WatchedSocket) => `${s.local} ${s.peer}`;

function secs(s: number): string {
  return `${Number(s.toFixed(s < 10 ? 2 : 1))} s`;
}

function timerText(t: WatchedTimer | null): string {
  return t ? `${t.name} ${secs(t.remaining_s)} left, count ${t.count}` : 'no timer';
}

/** What a count increment of this timer in this state is. */
function countEvent(state: SocketState | undefined, timer: string, n: number): string {
  if (timer === 'keepalive') return `keepalive probe ${n} sent, no answer`;
  if (timer === 'persist') return `zero-window probe ${n} sent, no answer`;
  if (state === 'SYN-SENT') return `SYN retransmission ${n}`;
  if (state === 'SYN-RECV') return `SYN-ACK retransmission ${n}`;
  return `retransmission ${n} (timeout)`;
}

function switchEvent(from: WatchedTimer | null, to: WatchedTimer | null, s: WatchedSocket): string {
  const a = from?.name ?? 'no timer';
  const b = to?.name ?? 'no timer';
  const why: Record<string, string> = {
    on: `data is waiting for an ACK (Send-Q ${s.sendQ}); the retransmission timer runs${from?.name === 'keepalive' ? ' and keepalive stops' : ''}`,
    keepalive: 'nothing unacknowledged any more: keepalive watches the idle connection',
    persist: 'the peer\'s window is 0: the zero-window probe timer runs',
    timewait: s.state.startsWith('FIN') ? 'the socket was closed and waits for the peer\'s FIN (tcp_fin_timeout)' : `TIME-WAIT: gone in at most ${TCP_TIMEWAIT_LEN_S} s`,
    'no timer': 'nothing to wait for (no data in flight, keepalive off)',
  };
  return `timer ${a} → ${b}: ${why[b] ?? 'a timer the tools do not name'}`;
}

function deathEvent(last: WatchedSocket): string {
  const state = normaliseState(last.state);
  const t = last.timer;
  if (state === 'TIME-WAIT') return 'gone: TIME-WAIT is over';
  if (t?.name === 'timewait') return 'gone: the FIN-WAIT-2 timeout expired (no RST)';
  if (state === 'SYN-SENT') return `gone in SYN-SENT after ${t?.count ?? 0} SYN retransmissions: connect() gave up (ETIMEDOUT, no RST), or was cancelled`;
  if (state === 'SYN-RECV') return `gone in SYN-RECV after ${t?.count ?? 0} SYN-ACK retransmissions: the half-open connection was dropped (no FIN, no RST)`;
  if (t?.name === 'keepalive' && t.count > 0) {
    return `gone after ${t.count} unanswered keepalive probes: keepalive gave up — the kernel sent an RST and the application gets ETIMEDOUT`;
  }
  if (t?.name === 'on' && t.count > 0) {
    return `gone after ${t.count} unanswered retransmissions: the retransmission limit (tcp_retries2 or TCP_USER_TIMEOUT) — ETIMEDOUT, no FIN, no RST`;
  }
  if (t?.name === 'persist' && t.count > 0) return `gone after ${t.count} unanswered zero-window probes: ETIMEDOUT (or an orphan destroyed), no FIN, no RST`;
  return `gone (closed) from ${last.state}`;
}

export class Narrator {
  private readonly last = new Map<string, WatchedSocket>();

  /** The sentences for one sample at `t` seconds: every change since the previous one. */
  update(t: number, sockets: readonly WatchedSocket[]): string[] {
    const out: string[] = [];
    const at = `${t.toFixed(2).padStart(7)} s`;
    const seen = new Set<string>();
    for (const s of sockets) {
      const k = key(s);
      seen.add(k);
      const who = `${s.local} → ${s.peer}`;
      const before = this.last.get(k);
      this.last.set(k, s);
      if (!before) {
        out.push(`${at}  ${who}  ${s.state}, ${timerText(s.timer)}`);
        continue;
      }
      const say = (text: string) => out.push(`${at}  ${who}  ${text}`);
      if (before.state !== s.state) say(`state ${before.state} → ${s.state}`);
      const a = before.timer;
      const b = s.timer;
      if ((a?.name ?? null) !== (b?.name ?? null)) {
        say(switchEvent(a, b, s));
        continue;
      }
      if (!a || !b) continue;
      const state = normaliseState(s.state);
      if (b.count > a.count) {
        for (let n = a.count + 1; n <= b.count; n++) say(`${countEvent(state, b.name, n)}; next in ${secs(b.remaining_s)}`);
      } else if (b.count < a.count) {
        say(b.name === 'on' ? 'an ACK arrived: retransmission count back to 0' : 'the peer answered: probe count back to 0');
      } else if (b.remaining_s > a.remaining_s + 0.0005 && b.count === 0) {
        // Re-armed without a count change (a countdown never goes up otherwise).
        if (b.name === 'keepalive') say(`keepalive timer re-armed for ${secs(b.remaining_s)}: the connection had not been idle long enough`);
        if (b.name === 'on' && state === 'SYN-RECV') say(`SYN-ACK timer fired without resending (TCP_DEFER_ACCEPT); next in ${secs(b.remaining_s)}`);
      }
    }
    for (const [k, s] of this.last) {
      if (seen.has(k)) continue;
      out.push(`${at}  ${s.local} → ${s.peer}  ${deathEvent(s)}`);
      this.last.delete(k);
    }
    return out;
  }

  /** Sockets still being watched. */
  get size(): number {
    return this.last.size;
  }
}
