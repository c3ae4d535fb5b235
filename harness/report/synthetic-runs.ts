// Synthetic runs for the report tests (timeline-svg.test.ts, results-index.test.ts):
// result.json documents shaped like real ones, built from the model's schedules,
// so the pictures can be checked without running 15-minute experiments.
import type { PacketEvent, TimelineEvent, TimerEvent } from '../events.ts';
import { keepaliveSchedule } from '../model/keepalive.ts';
import { rtoSchedule } from '../model/rto.ts';
import type { Schedule } from '../model/schedule.ts';
import type { Expectation } from '../verdict/judge.ts';
import type { RunResult } from './result.ts';

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

function pkt(t: number, dir: 'c2s' | 's2c', cls: PacketEvent['class'], flags: string, len = 0): PacketEvent {
  return { t: r6(t), kind: 'packet', dir, flags, seq: 1, ack: 1, win: 512, len, class: cls };
}

function base(experiment: string, schedule: Schedule, events: TimelineEvent[], expectations: Expectation[], anchor: number, params: Record<string, number>): RunResult {
  return {
    experiment,
    variant: null,
    fast: false,
    kernel: '6.18.44-fc-v669',
    kernel_version: '6.18.44-fc-v669',
    backend: 'netns',
    sandbox: 'synthetic',
    params,
    sysctls: {},
    verdict: expectations.every((e) => e.ok) ? 'pass' : 'fail',
    runDir: '/nonexistent',
    expectations,
    events: events.sort((a, b) => a.t - b.t),
    anchor_s: anchor,
    prediction: schedule,
    notes_saw: '',
    notes_comparison: { notes_kernel: '4.19.121', model_on_notes_kernel: '', model_here: '', observed_here: '', differs: false, line: '' },
    capture: { captured: 0, receivedByFilter: 0, droppedByKernel: 0 } as RunResult['capture'],
    started_at: '2026-01-01T00:00:00.000Z',
  };
}

/** What the judge records: the i-th timing expectation matched seen[i], as an index into the (sorted) events. */
function withMatches(r: RunResult, seen: readonly TimelineEvent[]): RunResult {
  const timings = r.expectations.filter((e) => e.predicted !== undefined);
  timings.forEach((e, i) => {
    const ev = seen[i]!;
    e.matched = { index: r.events.indexOf(ev), kind: ev.kind, t: ev.t };
  });
  return r;
}

/** Sparse ss samples of a countdown: just after each firing, halfway, and just before the next. */
function samples(side: 'client' | 'server', timer: string, firings: Array<{ t: number; next: number; count: number }>, state = 'ESTAB'): TimerEvent[] {
  return firings.flatMap(({ t, next, count }) =>
    [0.01, 0.5, 0.97].map((f) => {
      const at = t + (next - t) * f;
      return { t: r6(at), kind: 'timer' as const, side, state, timer, remaining_s: r6(Math.max(next - at, 0)), count };
    }),
  );
}

/**
 * A synthetic test-dead: one 17-byte write into a silent peer, retransmitted with
 * backoff from 200 ms for about 17 minutes, then ETIMEDOUT; rto-3 observed too late
 * (one red expectation). `extra` events go into its timeline too.
 */
export function syntheticDeadRun(extra: readonly TimelineEvent[] = []): RunResult {
  const schedule = rtoSchedule({ rto_s: 0.2, tcp_retries2: 15, user_timeout_ms: 0, tlp: true }, '6.18.44');
  const anchor = 0.1;
  const events: TimelineEvent[] = [
    { t: 0.001, kind: 'syscall', side: 'server', call: 'listen', result: 7000 },
    pkt(0.002, 'c2s', 'syn', 'S'),
    pkt(0.00201, 's2c', 'synack', 'S.'),
    pkt(0.00203, 'c2s', 'ack', '.'),
    { t: 0.003, kind: 'syscall', side: 'client', call: 'connect', result: 0 },
    { t: 0.02, kind: 'firewall', action: 'add', rule: 'INPUT -i lo -p tcp -j DROP' },
    { t: 0.0999, kind: 'syscall', side: 'client', call: 'write', result: 17 },
    pkt(anchor, 'c2s', 'data', 'P.', 17),
  ];
  const expectations: Expectation[] = [];
  const matched: TimelineEvent[] = [];
  let prevObserved = anchor;
  const firings: Array<{ t: number; next: number; count: number }> = [];
  schedule.events.forEach((e, i) => {
    const late = e.id === 'rto-3' ? e.late_s + 0.04 : e.late_s * 0.4;
    const expected = prevObserved + e.delay_s;
    const observed = expected + late;
    const ok = e.id !== 'rto-3';
    const seen: TimelineEvent =
      e.id === 'abort' ? { t: r6(observed + 0.0004), kind: 'syscall', side: 'client', call: 'read', error: 'ETIMEDOUT' } : pkt(observed, 'c2s', 'data-retrans', 'P.', 17);
    events.push(seen);
    matched.push(seen);
    const next = schedule.events[i + 1];
    if (next) firings.push({ t: observed, next: observed + next.delay_s, count: e.id === 'tlp' ? 0 : Number(e.id.split('-')[1]) });
    expectations.push({
      name: e.id === 'abort' ? 'read() fails with ETIMEDOUT' : e.label,
      expected_s: r6(expected),
      observed_s: r6(e.id === 'abort' ? observed + 0.0004 : observed),
      tolerance_s: e.late_s,
      window_s: [r6(expected - e.early_s), r6(expected + e.late_s)],
      at_s: e.at_s,
      nominal_s: r6(anchor + e.at_s),
      error_s: r6(observed - expected),
      predicted: e.id,
      ok,
      ...(ok ? {} : { note: `${((late - e.late_s) * 1000).toFixed(1)} ms late` }),
    });
    prevObserved = observed;
  });
  firings.unshift({ t: anchor, next: firings[0]!.t, count: 0 });
  events.push(...samples('client', 'on', firings));
  events.push(...samples('server', 'off', [{ t: 0, next: 1040, count: 0 }]), ...extra);
  expectations.push({ name: 'RTO retransmissions', expected_s: null, observed_s: null, tolerance_s: null, ok: true, expected: 16, observed: 16 });
  expectations.push({ name: 'no FIN or RST', expected_s: null, observed_s: null, tolerance_s: null, ok: true, expected: 0, observed: 0 });
  return withMatches(base('test-dead', schedule, events, expectations, anchor, { tcp_retries2: 15 }), matched);
}

/** A synthetic test-idle (5/3/3): probes at 5, 8, 11 s, RST at 14 s; `extra` events go into its timeline too. */
export function syntheticIdleRun(extra: readonly TimelineEvent[] = []): RunResult {
  const schedule = keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 0 }, '6.18.44');
  const anchor = 0.004;
  const events: TimelineEvent[] = [pkt(0.003, 'c2s', 'syn', 'S'), pkt(0.0035, 's2c', 'synack', 'S.'), pkt(anchor, 'c2s', 'ack', '.')];
  events.push({ t: 0.02, kind: 'firewall', action: 'add', rule: 'INPUT -i lo -p tcp -j DROP' });
  events.push({ t: 0.01, kind: 'mark', name: 'client options' });
  const expectations: Expectation[] = [];
  const matched: TimelineEvent[] = [];
  const firings: Array<{ t: number; next: number; count: number }> = [];
  let prev = anchor;
  for (const e of schedule.events) {
    const observed = prev + e.delay_s + 0.07;
    const seen = pkt(observed, 'c2s', e.id === 'abort' ? 'rst' : 'keepalive-probe', e.id === 'abort' ? 'R.' : '.');
    events.push(seen);
    matched.push(seen);
    expectations.push({
      name: e.label,
      expected_s: r6(prev + e.delay_s),
      observed_s: r6(observed),
      tolerance_s: e.late_s,
      window_s: [r6(prev + e.delay_s - e.early_s), r6(prev + e.delay_s + e.late_s)],
      at_s: e.at_s,
      error_s: 0.07,
      predicted: e.id,
      ok: true,
    });
    firings.push({ t: prev, next: observed, count: firings.length });
    prev = observed;
  }
  events.push({ t: r6(prev + 0.001), kind: 'syscall', side: 'client', call: 'read', error: 'ETIMEDOUT' });
  events.push(...samples('client', 'keepalive', firings), ...extra);
  return withMatches(base('test-idle', schedule, events, expectations, anchor, { keepidle: 5, keepintvl: 3, keepcnt: 3, user_timeout: 0 }), matched);
}
