import { describe, expect, it } from 'vitest';
import { closeWaitTrapSchedule } from './close-wait.ts';
import { finWait2Schedule } from './fin-wait.ts';
import { eventById } from './schedule.ts';

const K618 = { release: '6.18.44-fc-v1045', hz: 250 };
const real = { tcp_fin_timeout: 60, rto_s: 0.208 };
const fast = { tcp_fin_timeout: 2, rto_s: 0.208 };
const us = (s: number) => Math.round(s * 1e6) / 1e6;

describe('closeWaitTrapSchedule', () => {
  it('the client\'s FIN-WAIT-2 is fin-wait.ts\'s: tcp_fin_time() after the ACK of its FIN (tcp_time_wait(sk, TCP_FIN_WAIT2, tmo))', () => {
    const s = closeWaitTrapSchedule(real, K618);
    expect(eventById(s, 'closed')).toEqual(eventById(finWait2Schedule({ tcp_fin_timeout: 60, rto_s: 0.208 }, K618), 'closed'));
    // 60 s = 15000 jiffies at HZ=250: granule 512 (2.048 s) + the first-arm jiffy.
    expect(us(eventById(s, 'closed').late_s)).toBe(2.052);
    expect(us(eventById(closeWaitTrapSchedule(fast, K618), 'closed').late_s)).toBe(0.036); // 500 jiffies: granule 8
  });

  it('the reconnect meets the CLOSE-WAIT socket: SYN, challenge ACK (tcp_send_challenge_ack), RST (tcp_v4_send_reset), each at once', () => {
    const s = closeWaitTrapSchedule(fast, K618);
    expect(s.events.map((e) => [e.id, e.after, e.delay_s, us(e.late_s)])).toEqual([
      ['closed', null, 2, 0.036],
      ['syn', 'closed', 0, 0],
      ['challenge-ack', 'syn', 0, 0],
      ['rst', 'challenge-ack', 0, 0],
      ['syn-retrans-1', 'challenge-ack', 0.008, 0.008], // TCP_TIMEOUT_MIN: level 0, 1 jiffy + the first-arm jiffy
      ['synack', 'syn-retrans-1', 0, 0],
      ['connected', 'synack', 0, 0],
    ]);
    expect(eventById(s, 'challenge-ack').cite).toMatch(/tcp_validate_incoming\(\) → tcp_send_challenge_ack\(\)/);
    expect(eventById(s, 'rst').cite).toMatch(/tcp_rcv_synsent_state_process\(\) reset_and_undo → tcp_v4_send_reset\(\)/);
    expect(s.error).toBeUndefined();
  });

  it('since 5.6 (9603d47bad46) the SYN is resent TCP_TIMEOUT_MIN after the challenge ACK: 2 jiffies of this kernel\'s HZ', () => {
    expect(eventById(closeWaitTrapSchedule(real, K618), 'syn-retrans-1')).toMatchObject({ after: 'challenge-ack', delay_s: 0.008, at_s: 60.008 });
    expect(eventById(closeWaitTrapSchedule(real, { release: '6.1.0', hz: 1000 }), 'syn-retrans-1').delay_s).toBe(0.002);
    expect(eventById(closeWaitTrapSchedule(real, '5.6.0'), 'syn-retrans-1').cite).toMatch(/9603d47bad46/);
  });

  it('before 5.6 the SYN waits for its RTO: TCP_TIMEOUT_INIT after the first SYN (tcp_connect()), so connect() takes a second', () => {
    for (const kernel of ['5.4.96', '4.19.121']) {
      const s = closeWaitTrapSchedule(real, kernel);
      expect(eventById(s, 'syn-retrans-1')).toMatchObject({ after: 'syn', delay_s: 1, at_s: 61 });
      expect(eventById(s, 'connected').at_s).toBe(61);
      expect(s.notes.join('\n')).toMatch(/predates 9603d47bad46/);
    }
  });

  it('tcp_fin_timeout above 60 s: the keepalive timer first, then the time-wait sock (fin-wait.ts), and the trap after both', () => {
    const s = closeWaitTrapSchedule({ tcp_fin_timeout: 120, rto_s: 0.208 }, K618);
    expect(s.events.slice(0, 3).map((e) => e.id)).toEqual(['fin-wait-2-timewait', 'closed', 'syn']);
    expect(eventById(s, 'syn').at_s).toBe(120);
  });

  it('refuses bad input and kernels without the non-cascading wheel', () => {
    expect(() => closeWaitTrapSchedule({ tcp_fin_timeout: -1, rto_s: 0.2 }, K618)).toThrow(/bad parameters/);
    expect(() => closeWaitTrapSchedule(real, '4.4.0')).toThrow(/non-cascading timer wheel/);
  });
});
