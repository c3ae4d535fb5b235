import { describe, expect, it } from 'vitest';
import { eventById, predictedEnd } from './schedule.ts';
import { acceptQueueSchedule } from './socket-semantics.ts';

describe('acceptQueueSchedule', () => {
  const s = acceptQueueSchedule({ step_s: 0.4 });

  it("A's data at the anchor, B's SYN-ACK right after it, B's data a step later", () => {
    expect(s.events.map((e) => [e.id, e.at_s, e.after, e.delay_s])).toEqual([
      ['data-a', 0, null, 0],
      ['synack-b', 0, 'data-a', 0],
      ['data-b', 0.4, 'synack-b', 0.4],
    ]);
    expect(predictedEnd(s)).toBe(0.4);
  });

  it('has no timer in it: no event has a wheel window', () => {
    for (const e of s.events) expect([e.early_s, e.late_s, e.jiffy_s, e.aligned]).toEqual([0, 0, undefined, undefined]);
    expect(eventById(s, 'data-b').cite).toMatch(/tcp_check_req\(\)/);
    expect(s.error).toBeUndefined();
  });

  it("refuses a step that reaches the first SYN-ACK retransmission (TCP_TIMEOUT_INIT, 1 s)", () => {
    expect(() => acceptQueueSchedule({ step_s: 1 })).toThrow('accept_queue needs step < 1000 ms (TCP_TIMEOUT_INIT)');
    expect(() => acceptQueueSchedule({ step_s: -1 })).toThrow(/bad parameters/);
    expect(acceptQueueSchedule({ step_s: 0.999 }).events.at(-1)!.at_s).toBe(0.999);
  });
});
