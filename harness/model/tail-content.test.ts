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
      unmergedAfterRead: 1,
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

  it('after the read: maybe one unmerged RTO from 5.19 (skb_attempt_defer_free), none before (the reader frees the clone)', () => {
    const p = { writes: 6, write_bytes: 10, nodelay: true };
    expect(tailContent(p, '4.19.121').unmergedAfterRead).toBe(0);
    expect(tailContent(p, '5.10.223').unmergedAfterRead).toBe(0);
    expect(tailContent(p, '5.18.19').unmergedAfterRead).toBe(0);
    expect(tailContent(p, '5.19.0').unmergedAfterRead).toBe(1);
    expect(tailContent(p, { release: '6.1.176', hz: 250 }).unmergedAfterRead).toBe(1);
    expect(tailContent({ ...p, nodelay: false }, '5.15.0').unmergedAfterRead).toBe(0);
    // No kernel: the allowance of the newest kernels.
    expect(tailContent(p).unmergedAfterRead).toBe(1);
  });
});
