// The ss (and netstat) countdown: the running timer's time left per side, as a
// sawtooth reconstructed from the samples, with the probe / retransmit counter.
import type { TimerEvent } from '../../events.ts';
import type { TimeAxis } from './axis.ts';
import type { Lane } from './lane.ts';
import { DIM, GHOST, TIMER_COLOR } from './style.ts';
import { esc, LabelRows, line, r1, text, textWidth, X0, X1 } from './svg.ts';

/**
 * A y-scale for remaining time: linear, or log-like when the teeth differ a lot in
 * height (an RTO backoff: 0.2 s teeth next to 120 s ones).
 */
export function remainingScale(samples: TimerEvent[], h: number): { y: (r: number) => number; ticks: number[] } {
  const max = Math.max(...samples.map((s) => s.remaining_s), 1e-3);
  // Peaks: the first sample of each tooth (the timer re-armed since the previous sample).
  const peaks = samples.filter((s, i) => i === 0 || s.remaining_s > samples[i - 1]!.remaining_s + 1e-3 || s.timer !== samples[i - 1]!.timer).map((s) => s.remaining_s).filter((r) => r > 0);
  const smallest = peaks.length ? Math.min(...peaks) : max;
  if (max / smallest <= 8) return { y: (r) => h * (r / max), ticks: [max] };
  const tau = Math.max(smallest / 2, 1e-3);
  const u = (r: number) => Math.log1p(Math.max(r, 0) / tau);
  const ticks = [0.1, 1, 10, 100, 1000].filter((t) => t < max * 0.6 && t > smallest / 2);
  return { y: (r) => (h * u(r)) / u(max), ticks: [...ticks, max] };
}

export function timerLane(side: 'client' | 'server', source: 'ss' | 'netstat', samples: TimerEvent[], axis: TimeAxis): Lane {
  const H = 96;
  return {
    id: `${side}-${source}-timer`,
    title: `${source}: ${side} timer`,
    subtitle: 'time left on the running timer\n#N = probes / retransmits (count)',
    height: H + 44,
    draw(top) {
      const out: string[] = [];
      const base = top + H + 18;
      const running = samples.filter((s) => s.timer !== 'off');
      const scale = remainingScale(running, H - 14);
      const Y = (r: number) => base - scale.y(r);
      for (const t of scale.ticks) {
        out.push(line(X0, Y(t), X1 + 4, Y(t), '#eaeef2', 1, '2 4'));
        out.push(text(X1 + 8, Y(t) + 4, fmtTick(t), { size: 11, color: DIM }));
      }
      out.push(line(X0, base, X1 + 4, base, '#afb8c1'));
      out.push(text(X1 + 8, base + 4, '0', { size: 11, color: DIM }));
      // Reconstruct the sawtooth: a sample says the timer expires at t + remaining.
      let prev: TimerEvent | undefined;
      const counts = new LabelRows(2);
      const names = new LabelRows(1);
      const states = new LabelRows(1);
      let lastState = '';
      // One ss sample lists every socket of this side at the same t (a listener and its
      // request socket, two connections …); follow one running timer, dot the others.
      const byTime = new Map<number, TimerEvent[]>();
      for (const x of samples) byTime.set(x.t, [...(byTime.get(x.t) ?? []), x]);
      const chosen: TimerEvent[] = [];
      let follow: TimerEvent | undefined;
      for (const group of byTime.values()) {
        const running = group.filter((x) => x.timer !== 'off');
        if (running.length === 0) {
          follow = undefined;
          chosen.push(group[0]!);
          continue;
        }
        const pick =
          (follow && running.find((x) => x.state === follow!.state && x.timer === follow!.timer && x.count >= follow!.count)) ??
          (follow && running.find((x) => x.state === follow!.state)) ??
          running[0]!;
        for (const other of running) {
          if (other === pick) continue;
          const c = TIMER_COLOR[other.timer] ?? GHOST;
          out.push(`<g><title>${esc(`${other.t.toFixed(3)} s  ${side} ${other.state} (another socket) ${other.timer} ${other.remaining_s} s, count ${other.count}`)}</title><circle cx="${r1(axis.x(other.t))}" cy="${r1(Y(other.remaining_s))}" r="1.8" fill="${c}" fill-opacity="0.45"/></g>`);
        }
        chosen.push(pick);
        follow = pick;
      }
      for (const s of chosen) {
        const x = axis.x(s.t);
        if (s.timer === 'off') {
          prev = undefined;
          continue;
        }
        if (s.state !== lastState) {
          const w = textWidth(s.state, 11);
          if (states.place(x, x + w + 6) === 0) out.push(text(x + 2, base + 16, s.state, { size: 11, color: DIM }));
          lastState = s.state;
        }
        const color = TIMER_COLOR[s.timer] ?? GHOST;
        if (prev && prev.timer === s.timer) {
          const pe = prev.t + prev.remaining_s;
          const se = s.t + s.remaining_s;
          if (Math.abs(se - pe) < 0.02) {
            out.push(line(axis.x(prev.t), Y(prev.remaining_s), x, Y(s.remaining_s), color, 2));
          } else if (pe <= s.t + 1e-6) {
            // It fired at pe and was re-armed: down to 0, up to what the new timer had then.
            const px = axis.x(pe);
            out.push(line(axis.x(prev.t), Y(prev.remaining_s), px, Y(0), color, 2));
            out.push(line(px, Y(0), px, Y(Math.max(se - pe, 0)), color, 2));
            out.push(line(px, Y(Math.max(se - pe, 0)), x, Y(s.remaining_s), color, 2));
          } else {
            const at = Math.max(prev.remaining_s - (s.t - prev.t), 0);
            out.push(line(axis.x(prev.t), Y(prev.remaining_s), x, Y(at), color, 2));
            out.push(line(x, Y(at), x, Y(s.remaining_s), color, 2));
          }
        }
        if (!prev || prev.timer !== s.timer) {
          const w = textWidth(s.timer, 12);
          if (names.place(x, x + w + 6) === 0) out.push(text(x + 3, top + 14, s.timer, { size: 12, color, weight: 'bold' }));
        }
        if (!prev || prev.count !== s.count || prev.timer !== s.timer) {
          const lbl = `#${s.count}`;
          const w = textWidth(lbl, 11);
          const row = counts.place(x - 1, x + w + 2);
          if (row >= 0) out.push(text(x + 2, Y(s.remaining_s) - 4 - row * 12, lbl, { size: 11, color, weight: 'bold' }));
        }
        const printed = source === 'netstat' ? `${s.timer} (${s.remaining_s.toFixed(2)}/${s.retrans ?? 0}/${s.probes ?? 0})` : `timer:(${s.timer},${s.remaining_s} s,${s.count})`;
        out.push(`<g><title>${esc(`${s.t.toFixed(3)} s  ${side} ${s.state} ${printed}`)}</title><circle cx="${r1(x)}" cy="${r1(Y(s.remaining_s))}" r="2.2" fill="${color}"/></g>`);
        prev = s;
      }
      return out;
    },
  };
}

export function fmtTick(t: number): string {
  return t >= 100 ? `${Math.round(t)} s` : t >= 1 ? `${Number(t.toFixed(1))} s` : `${Math.round(t * 1000)} ms`;
}
