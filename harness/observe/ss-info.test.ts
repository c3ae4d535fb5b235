import { describe, expect, it } from 'vitest';
import { parseSsInfo, splitSsFields } from './ss-info.ts';

describe('splitSsFields', () => {
  it('keeps parenthesised and quoted groups whole', () => {
    expect(
      splitSsFields('users:(("Web Content",pid=5164,fd=3))  timer:(on,,0)\tbbr:(bw:0bps,mrtt:0.029) ts'),
    ).toEqual(['users:(("Web Content",pid=5164,fd=3))', 'timer:(on,,0)', 'bbr:(bw:0bps,mrtt:0.029)', 'ts']);
  });

  it('ignores leading, trailing and repeated whitespace', () => {
    expect(splitSsFields('\t a   b \t')).toEqual(['a', 'b']);
    expect(splitSsFields('   ')).toEqual([]);
  });
});

describe('parseSsInfo', () => {
  it('reads a real `ss -tanoiOH` info tail from this machine (FIN-WAIT-1 during RTO backoff)', () => {
    const tail =
      'ts sack bbr wscale:10,10 rto:816 backoff:2 rtt:0.077/0.041 ato:40 mss:32768 pmtu:65535 rcvmss:536 advmss:65483 cwnd:1 bytes_sent:30 bytes_retrans:18 bytes_acked:7 bytes_received:6 segs_out:11 segs_in:4 data_segs_out:5 data_segs_in:1 bbr:(bw:7489828120bps,mrtt:0.035,pacing_gain:2.88672,cwnd_gain:2.88672) send 3404467532bps lastsnd:12 lastrcv:4672 lastack:3660 pacing_rate 90186894408bps delivery_rate 7489828568bps delivered:2 app_limited busy:868ms unacked:1 retrans:1/3 lost:1 rcv_space:65495 rcv_ssthresh:65495 notsent:1 minrtt:0.035 snd_wnd:65536';
    const info = parseSsInfo(splitSsFields(tail));
    expect(info).toMatchObject({
      ts: true,
      sack: true,
      wscale: '10,10',
      rto: 816,
      backoff: 2,
      rtt: '0.077/0.041',
      cwnd: 1,
      bbr: '(bw:7489828120bps,mrtt:0.035,pacing_gain:2.88672,cwnd_gain:2.88672)',
      send: '3404467532bps',
      pacing_rate: '90186894408bps',
      delivery_rate: '7489828568bps',
      app_limited: true,
      busy: '868ms',
      unacked: 1,
      retrans: '1/3',
      lost: 1,
      notsent: 1,
      minrtt: 0.035,
      snd_wnd: 65536,
    });
  });

  it('keeps odd values raw', () => {
    expect(parseSsInfo(['rwnd_limited:244ms(100.0%)', 'cubic', 'users:(("python3",pid=1,fd=3))'])).toEqual({
      rwnd_limited: '244ms(100.0%)',
      cubic: true,
      users: '(("python3",pid=1,fd=3))',
    });
  });

  it('is empty for no fields', () => {
    expect(parseSsInfo([])).toEqual({});
  });
});
