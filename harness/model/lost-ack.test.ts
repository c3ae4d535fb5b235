import { describe, expect, it } from 'vitest';
import { lostAckSchedule } from './lost-ack.ts';
import { eventById } from './schedule.ts';

const ids = (s: ReturnType<typeof lostAckSchedule>) => s.events.map((e) => `${e.id}@${e.at_s}`);

describe('lostAckSchedule', () => {
  it('the notes\' dropped-ACK case: SYN-ACKs at 1, 3, 7 s, then the data at 8 s completes the handshake', () => {
    const s = lostAckSchedule({ tcp_synack_retries: 5, data_at_s: 8 }, '4.19.121');
    expect(ids(s)).toEqual(['established@0', 'synack-retrans-1@1', 'synack-retrans-2@3', 'synack-retrans-3@7', 'accept@8']);
    expect(eventById(s, 'accept')).toMatchObject({ after: null, delay_s: 8, early_s: 0, late_s: 0 });
    expect(s.error).toBeUndefined();
  });

  it('the same on 6.18 (no version differs)', () => {
    expect(ids(lostAckSchedule({ tcp_synack_retries: 5, data_at_s: 8 }, '6.18.44-fc-v669'))).toEqual(
      ids(lostAckSchedule({ tcp_synack_retries: 5, data_at_s: 8 }, '4.19.121')),
    );
  });

  it('data after the request expired: an RST', () => {
    const s = lostAckSchedule({ tcp_synack_retries: 1, data_at_s: 8 }, '6.18.44-fc-v669');
    expect(ids(s)).toEqual(['established@0', 'synack-retrans-1@1', 'drop@3', 'reset@8']);
    expect(s.error).toBe('ECONNRESET');
  });
});
