import { describe, expect, it } from 'vitest';
import { handshakeRtt } from './handshake-rtt.ts';

// Real ss -tanoiOH lines from a test-read-noack run in a 6.1 TCG guest.
const LOG = `# t=0.4 end=0.43
LISTEN 0      511    127.0.0.1:7000  0.0.0.0:*
ESTAB  0      0      127.0.0.1:32973 127.0.0.1:7000  ts sack cubic wscale:7,7 rto:216 rtt:13.485/6.742 mss:32741 pmtu:65535 rcvmss:536 advmss:65483 cwnd:10 bytes_acked:1 segs_out:2 segs_in:1 send 194236559bps lastsnd:460 lastrcv:460 lastack:460 pacing_rate 388473112bps delivered:1 app_limited rcv_space:65495 rcv_ssthresh:65495 minrtt:13.485 snd_wnd:65483
ESTAB  0      0      127.0.0.1:7000  127.0.0.1:32973 ts sack cubic wscale:7,7 rto:208 rtt:5.303/2.651 mss:32768 pmtu:65535 rcvmss:536 advmss:65483 cwnd:10 segs_in:2 send 494331510bps lastsnd:456 lastrcv:460 lastack:456 pacing_rate 988663016bps delivered:1 app_limited rcv_space:65483 rcv_ssthresh:65483 minrtt:5.303 snd_wnd:65536
# t=1.4 end=1.43
ESTAB  0      10     127.0.0.1:32973 127.0.0.1:7000  timer:(on,212ms,0) ts sack cubic wscale:7,7 rto:216 rtt:40.1/6.742 mss:32741
`;

describe('handshake RTT from ss.log', () => {
  it("takes each side's first ESTAB sample, in seconds", () => {
    expect(handshakeRtt(LOG, 7000)).toEqual({ client_s: 0.013485, server_s: 0.005303 });
  });

  it('names no side that ss did not see ESTAB (the model then stands in)', () => {
    expect(handshakeRtt(LOG.split('\n').slice(0, 2).join('\n'), 7000)).toEqual({});
    expect(handshakeRtt(LOG.split('\n').slice(0, 3).join('\n'), 7000)).toEqual({ client_s: 0.013485 });
  });

  it("ignores a side whose first sample comes after its data was acked (srtt is no longer the handshake's)", () => {
    // Real lines from a test-zero run in a 6.1 guest: the client's first sample after its data's delayed ACK.
    const late = `# t=0.018105 end=0.197618
ESTAB  1152   0      127.0.0.1:7000  127.0.0.1:35829 ts sack cubic wscale:7,0 rto:204 rtt:0.024/0.012 ato:80 mss:32768 pmtu:65535 rcvmss:576 advmss:65483 cwnd:10 bytes_received:1152 segs_out:2 segs_in:4 data_segs_in:2
ESTAB  0      815040 127.0.0.1:35829 127.0.0.1:7000  timer:(persist,144ms,0) ts sack cubic wscale:0,7 rto:208 rtt:5.489/10.94 mss:576 pmtu:65535 rcvmss:536 advmss:65483 cwnd:10 bytes_sent:1152 bytes_acked:1153 segs_out:4 segs_in:3 data_segs_out:2
# t=0.4 end=0.41
ESTAB  0      815040 127.0.0.1:35829 127.0.0.1:7000  timer:(persist,60ms,1) ts sack cubic wscale:0,7 rto:208 backoff:1 rtt:5.489/10.94 mss:576 bytes_acked:1153
`;
    expect(handshakeRtt(late, 7000)).toEqual({ server_s: 0.000024 });
  });
});
