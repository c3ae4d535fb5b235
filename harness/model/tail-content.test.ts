import { describe, expect, it } from 'vitest';
import { tailContent } from './tail-content.ts';

describe('tailContent: six 10-byte writes, no ACK comes back', () => {
  it('Nagle: the first write alone, the loss probe carries the other five as new data', () => {
    expect(tailContent({ writes: 6, write_bytes: 10, nodelay: false })).toEqual({
      sent: [10],
      packetsOutAtProbe: 1,
      probe: { newData: true, len: 50 },
      retransUnread: 10,
      retransRead: 60,
      unmergedAfterRead: 0,
      delivered: 60,
    });
  });

  it("the notes' 4.19 Nagle run: 10 bytes, then the 30 queued by the probe time, then 201:211 until the read, 201:241 after", () => {
    // Four writes had happened by the probe there (the rest came later and never left).
    const c = tailContent({ writes: 4, write_bytes: 10, nodelay: false });
    expect(c.probe).toEqual({ newData: true, len: 30 });
    expect([c.retransUnread, c.retransRead]).toEqual([10, 40]);
  });

  it('NODELAY: every write leaves at once; the probe (2 jiffies after 2*srtt) resends the last one', () => {
    const c = tailContent({ writes: 6, write_bytes: 10, nodelay: true });
    expect(c.sent).toEqual([10, 10, 10, 10, 10, 10]);
    expect(c.packetsOutAtProbe).toBe(6);
    expect(c.probe).toEqual({ newData: false, len: 10 });
    expect(c.retransRead).toBe(60);
  });

  it('a single write: the probe resends it', () => {
    expect(tailContent({ writes: 1, write_bytes: 17, nodelay: false }).probe).toEqual({ newData: false, len: 17 });
  });

  it('rejects a burst larger than the MSS', () => {
    expect(() => tailContent({ writes: 10, write_bytes: 1000, nodelay: false, mss: 1460 })).toThrow(/one MSS/);
  });

  it("after a read on the writes' CPU: merged from the first RTO on every kernel (skb_attempt_defer_free frees at once)", () => {
    const p = { writes: 6, write_bytes: 10, nodelay: true, read_on_write_cpu: true };
    for (const k of ['4.19.121', '5.10.223', '5.19.0', '6.18.44']) expect(tailContent(p, k).unmergedAfterRead).toBe(0);
    // The default is the lab's way of reading.
    expect(tailContent({ writes: 6, write_bytes: 10, nodelay: true }, '6.1.176').unmergedAfterRead).toBe(0);
  });

  it('after a read on another CPU: unbounded from 5.19 (freed at that CPU\'s next NET_RX), merged at once before', () => {
    const p = { writes: 6, write_bytes: 10, nodelay: false, read_on_write_cpu: false };
    expect(tailContent(p, '4.19.121').unmergedAfterRead).toBe(0);
    expect(tailContent(p, '5.18.19').unmergedAfterRead).toBe(0);
    expect(tailContent(p, '5.19.0').unmergedAfterRead).toBe(Infinity);
    expect(tailContent(p, { release: '6.1.176', hz: 250 }).unmergedAfterRead).toBe(Infinity);
    // No kernel: the newest behaviour.
    expect(tailContent(p).unmergedAfterRead).toBe(Infinity);
  });
});
