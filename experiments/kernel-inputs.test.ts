// The experiments hand the model the kernel a run used: its HZ for the RTO they
// derive from the handshake (or the delayed ACK), and its release for the version
// facts their expectations depend on.
import { describe, expect, it } from 'vitest';
import { defaults } from '../harness/experiment/params.ts';
import type { KernelRef } from '../harness/model/kernel-ref.ts';
import { eventsOf, type EventSeries } from '../harness/model/schedule.ts';
import type { CountSpec } from '../harness/verdict/expectation.ts';
import { lookup } from './registry.ts';

const at = (hz: number): KernelRef => ({ release: '6.18.44', hz });

function firstDelay(id: string, series: EventSeries, kernel: KernelRef): number {
  const { def } = lookup(id);
  return eventsOf(def.predict(defaults(def.params), kernel), series)[0]!.delay_s;
}

describe("the RTO an experiment feeds the model is in its kernel's jiffies", () => {
  it.each(['test-dead', 'test-dead2', 'rto-retries2', 'test-read-noack', 'netstat-keepalive-send'])(
    '%s: the handshake RTO is 201 ms at HZ=1000 (usecs_to_jiffies(200 ms + a loopback RTT)), 204 ms at HZ=250',
    (id) => {
      expect(firstDelay(id, 'rto', at(1000))).toBe(0.201);
      expect(firstDelay(id, 'rto', at(250))).toBe(0.204);
      expect(firstDelay(id, 'rto', '6.18.44')).toBe(0.204); // a bare release: HZ=250 assumed
    },
  );

  it.each(['test-zero', 'test-pacing'])('%s: the RTO after the delayed ACK is 206 ms at HZ=1000, 208 ms at HZ=250', (id) => {
    expect(firstDelay(id, 'zwp', at(1000))).toBe(0.206);
    expect(firstDelay(id, 'zwp', at(250))).toBe(0.208);
  });
});

describe("test-read-noack's expectations take the run's kernel", () => {
  const { def } = lookup('test-read-noack');
  const p = defaults(def.params);
  const merged = (kernel: KernelRef) =>
    def.expect(def.predict(p, kernel), p, kernel).find((e): e is CountSpec => e.kind === 'count' && e.name.startsWith('retransmissions merged'))!;

  it("expects every RTO after the read merged on every kernel: the read runs on the writes' CPU, so skbDeferFreePerCpu does not apply", () => {
    for (const k of ['6.18.44', '5.19.0', '5.18.0', '4.19.121'] as KernelRef[]) {
      expect(merged(k).expected).toBeGreaterThan(0);
    }
  });
});
