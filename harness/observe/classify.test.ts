import { describe, expect, it } from 'vitest';
import type { PacketEvent } from '../events.ts';
import { classifyConnection, connectionsIn, type Endpoints } from './classify.ts';
import type { TcpPacket } from './ipv4-tcp.ts';
import { readPcap } from './pcap.ts';

type Row = [number, PacketEvent['dir'], string, number, number, number, number, PacketEvent['class']];
const row = (e: PacketEvent): Row => [e.t, e.dir, e.flags, e.seq, e.ack, e.win, e.len, e.class];
const ends = (cport: number, sport: number): Endpoints => ({
  client: { addr: '127.0.0.1', port: cport },
  server: { addr: '127.0.0.1', port: sport },
});

describe('classifyConnection on fixtures/lo.pcap (see fixtures/scenario.py)', async () => {
  const { packets } = await readPcap(new URL('./fixtures/lo.pcap', import.meta.url).pathname);
  const t0 = packets[0]!.ts;
  // [t, dir, flags, seq, ack, win, len, class]. seq/ack are tcpdump's relative
  // numbers; for segments tcpdump prints without seq, seq was checked in the raw bytes.

  it('finds the four connections, client first', () => {
    expect(connectionsIn(packets)).toEqual([ends(53340, 5556), ends(54616, 5555), ends(54340, 5559), ends(49314, 5557)]);
  });

  it(':5556, SYN-ACK dropped once: both sides retransmit at 1 s, and the repeated SYN draws another SYN-ACK', () => {
    expect(classifyConnection(packets, ends(53340, 5556), t0).map(row)).toEqual([
      [0.000000, 'c2s', 'S', 0, 0, 65495, 0, 'syn'],
      [0.000024, 's2c', 'S.', 0, 1, 65483, 0, 'synack'],
      [1.019674, 's2c', 'S.', 0, 1, 65483, 0, 'synack-retrans'],
      [1.019725, 'c2s', 'S', 0, 0, 65495, 0, 'syn-retrans'],
      [1.019734, 'c2s', '.', 1, 1, 64, 0, 'ack'],
      [1.019751, 's2c', 'S.', 0, 1, 65483, 0, 'synack-retrans'],
      [1.019757, 'c2s', '.', 1, 1, 64, 0, 'ack'],
      [1.020024, 'c2s', 'F.', 1, 1, 64, 0, 'fin'],
      [1.020092, 's2c', 'F.', 1, 2, 64, 0, 'fin'],
      [1.020129, 'c2s', '.', 2, 2, 64, 0, 'ack'],
    ]);
  });

  it(':5555, keepalive 1 s: one probe answered, two lost; data into a drop: loss probe then RTOs', () => {
    // The probes re-send byte 6 (snd_una - 1) with no payload. The loss probe
    // follows the data by 207 ms, the RTO retransmits by 208 and 440 ms more.
    expect(classifyConnection(packets, ends(54616, 5555), t0).map(row)).toEqual([
      [1.220761, 'c2s', 'S', 0, 0, 65495, 0, 'syn'],
      [1.220784, 's2c', 'S.', 0, 1, 65483, 0, 'synack'],
      [1.220806, 'c2s', '.', 1, 1, 64, 0, 'ack'],
      [1.220941, 'c2s', 'P.', 1, 1, 64, 6, 'data'],
      [1.220951, 's2c', '.', 1, 7, 64, 0, 'ack'],
      [1.220985, 's2c', 'P.', 1, 7, 64, 6, 'data'],
      [1.220991, 'c2s', '.', 7, 7, 64, 0, 'ack'],
      [2.231631, 'c2s', '.', 6, 7, 64, 0, 'keepalive-probe'],
      [2.231648, 's2c', '.', 7, 7, 64, 0, 'ack'],
      [3.255699, 'c2s', '.', 6, 7, 64, 0, 'keepalive-probe'],
      [4.279646, 'c2s', '.', 6, 7, 64, 0, 'keepalive-probe'],
      [5.024263, 'c2s', 'P.', 7, 7, 64, 6, 'data'],
      [5.231650, 'c2s', 'P.', 7, 7, 64, 6, 'data-retrans'],
      [5.439793, 'c2s', 'P.', 7, 7, 64, 6, 'data-retrans'],
      [5.879640, 'c2s', 'P.', 7, 7, 64, 6, 'data-retrans'],
      [5.927678, 's2c', '.', 7, 13, 64, 0, 'ack'],
      [5.927716, 'c2s', 'F.', 13, 7, 64, 0, 'fin'],
      [5.971714, 's2c', '.', 7, 14, 64, 0, 'ack'],
      [5.980432, 's2c', 'F.', 7, 14, 64, 0, 'fin'],
      [5.980457, 'c2s', '.', 14, 8, 64, 0, 'ack'],
    ]);
  });

  it(':5559, receiver never reads: zero window, persist-timer probes, then a window update', () => {
    expect(classifyConnection(packets, ends(54340, 5559), t0).map(row)).toEqual([
      [6.181089, 'c2s', 'S', 0, 0, 65495, 0, 'syn'],
      [6.181111, 's2c', 'S.', 0, 1, 1152, 0, 'synack'],
      [6.181133, 'c2s', '.', 1, 1, 64, 0, 'ack'],
      [6.181399, 'c2s', '.', 1, 1, 64, 576, 'data'],
      [6.181410, 's2c', '.', 1, 577, 576, 0, 'ack'],
      [6.181421, 'c2s', 'P.', 577, 1, 64, 576, 'data'],
      [6.223676, 's2c', '.', 1, 1153, 0, 0, 'ack'],
      [6.435737, 'c2s', '.', 1152, 1, 64, 0, 'window-probe'],
      [6.435756, 's2c', '.', 1, 1153, 0, 0, 'ack'],
      [6.871598, 'c2s', '.', 1152, 1, 64, 0, 'window-probe'],
      [7.735703, 'c2s', '.', 1152, 1, 64, 0, 'window-probe'],
      [7.735723, 's2c', '.', 1, 1153, 0, 0, 'ack'],
      [7.781865, 's2c', '.', 1, 1153, 576, 0, 'ack'],
      [7.781896, 'c2s', '.', 1153, 1, 64, 576, 'data'],
      [7.781934, 's2c', '.', 1, 1729, 576, 0, 'ack'],
      [7.781945, 'c2s', '.', 1729, 1, 64, 576, 'data'],
      [7.781955, 's2c', '.', 1, 2305, 576, 0, 'ack'],
      [7.781962, 'c2s', '.', 2305, 1, 64, 576, 'data'],
      [7.781970, 's2c', '.', 1, 2881, 576, 0, 'ack'],
      [7.781976, 'c2s', '.', 2881, 1, 64, 576, 'data'],
      [7.781984, 's2c', '.', 1, 3457, 576, 0, 'ack'],
      [7.781991, 'c2s', '.', 3457, 1, 64, 576, 'data'],
      [7.782021, 's2c', '.', 1, 4033, 576, 0, 'ack'],
      [7.782030, 'c2s', '.', 4033, 1, 64, 576, 'data'],
      [7.782041, 's2c', '.', 1, 4609, 576, 0, 'ack'],
      [7.782060, 'c2s', '.', 4609, 1, 64, 576, 'data'],
      [7.782079, 's2c', '.', 1, 5185, 576, 0, 'ack'],
      [7.782121, 'c2s', '.', 5185, 1, 64, 576, 'data'],
      [7.782145, 's2c', '.', 1, 5761, 576, 0, 'ack'],
      [7.782152, 'c2s', 'P.', 5761, 1, 64, 240, 'data'],
      [7.782174, 's2c', '.', 1, 6001, 576, 0, 'ack'],
      [7.882516, 'c2s', 'F.', 6001, 1, 64, 0, 'fin'],
      [7.923644, 's2c', '.', 1, 6002, 576, 0, 'ack'],
      [7.982844, 's2c', 'F.', 1, 6002, 576, 0, 'fin'],
      [7.982871, 'c2s', '.', 6002, 2, 64, 0, 'ack'],
    ]);
  });

  it(':5557, nobody listens: the RST keeps a raw seq, since the server never sent a SYN', () => {
    expect(classifyConnection(packets, ends(49314, 5557), t0).map(row)).toEqual([
      [8.183607, 'c2s', 'S', 0, 0, 65495, 0, 'syn'],
      [8.183626, 's2c', 'R.', 0, 1, 0, 0, 'rst'],
    ]);
  });

  it('fills in the contract fields', () => {
    const [first] = classifyConnection(packets, ends(53340, 5556), t0);
    expect(first).toEqual({ t: 0, kind: 'packet', dir: 'c2s', flags: 'S', seq: 0, ack: 0, win: 65495, len: 0, class: 'syn' });
  });
});

// Hand-made segments for what the fixture does not show.
const CLIENT = { addr: '10.0.0.1', port: 40000 };
const SERVER = { addr: '10.0.0.2', port: 80 };
function seg(dir: 'c2s' | 's2c', flags: string, seq: number, ack: number, len = 0, win = 100, ts = 0): TcpPacket {
  const [from, to] = dir === 'c2s' ? [CLIENT, SERVER] : [SERVER, CLIENT];
  return {
    ts,
    src: from.addr,
    sport: from.port,
    dst: to.addr,
    dport: to.port,
    flags: {
      syn: flags.includes('S'),
      ack: flags.includes('.'),
      fin: flags.includes('F'),
      rst: flags.includes('R'),
      psh: flags.includes('P'),
      urg: false,
    },
    seq,
    ack,
    win,
    len,
    options: {},
  };
}
const classes = (packets: TcpPacket[]) =>
  classifyConnection(packets, { client: CLIENT, server: SERVER }, 0).map((e) => e.class);

describe('classifyConnection rules', () => {
  const C = 1000; // client ISN
  const S = 5000; // server ISN
  const handshake = [seg('c2s', 'S', C, 0), seg('s2c', 'S.', S, C + 1), seg('c2s', '.', C + 1, S + 1)];

  it('calls a 1-byte probe at snd_una - 1 a keepalive once that byte was acked (BSD-style garbage byte)', () => {
    const packets = [...handshake, seg('c2s', 'P.', C + 1, S + 1, 10), seg('s2c', '.', S + 1, C + 11), seg('c2s', '.', C + 10, S + 1, 1)];
    expect(classes(packets)).toEqual(['syn', 'synack', 'ack', 'data', 'ack', 'keepalive-probe']);
  });

  it('calls the same 1-byte segment a retransmission when it was never acked (loss probe of a 1-byte write)', () => {
    const packets = [...handshake, seg('c2s', 'P.', C + 1, S + 1, 1), seg('c2s', 'P.', C + 1, S + 1, 1)];
    expect(classes(packets)).toEqual(['syn', 'synack', 'ack', 'data', 'data-retrans']);
  });

  it('counts a partly re-sent range as a retransmission', () => {
    const packets = [...handshake, seg('c2s', '.', C + 1, S + 1, 100), seg('c2s', '.', C + 51, S + 1, 100)];
    expect(classes(packets)).toEqual(['syn', 'synack', 'ack', 'data', 'data-retrans']);
  });

  it('calls a keepalive before any data a keepalive (seq = ISN)', () => {
    const probe = classifyConnection([...handshake, seg('c2s', '.', C, S + 1)], { client: CLIENT, server: SERVER }, 0)[3]!;
    expect([probe.class, probe.seq, probe.ack]).toEqual(['keepalive-probe', 0, 1]);
  });

  it('calls a bare ACK that answers a new SYN on the 4-tuple a challenge ACK (the CLOSE-WAIT trap), and only that one', () => {
    // The client closed (FIN acked), the server stayed in CLOSE-WAIT; a new SYN from the same
    // port (a new ISN) draws an ACK with the old numbers, the client's RST, then the real handshake.
    const N = C + 31_250_000; // the new ISN, 2 s later (secure_tcp_seq() moves on by 1 per 64 ns)
    const packets = [
      ...handshake,
      seg('c2s', 'F.', C + 1, S + 1),
      seg('s2c', '.', S + 1, C + 2),
      seg('c2s', 'S', N, 0),
      seg('s2c', '.', S + 1, C + 2),
      seg('c2s', 'R', C + 2, 0),
      seg('c2s', 'S', N, 0),
      seg('s2c', 'S.', S + 9_000_000, N + 1),
      seg('c2s', '.', N + 1, S + 9_000_001),
    ];
    expect(classes(packets)).toEqual(['syn', 'synack', 'ack', 'fin', 'ack', 'syn', 'challenge-ack', 'rst', 'syn-retrans', 'synack', 'ack']);
  });

  it('keeps FIN and RST classes whatever else the segment carries', () => {
    const packets = [...handshake, seg('c2s', 'FP.', C + 1, S + 1, 5), seg('c2s', 'FP.', C + 1, S + 1, 5), seg('s2c', 'R.', S + 1, C + 7)];
    expect(classes(packets)).toEqual(['syn', 'synack', 'ack', 'fin', 'fin', 'rst']);
  });

  it('keeps raw numbers, and still sees retransmissions, when the capture began mid-connection', () => {
    const packets = [seg('c2s', 'P.', 7_000, 9_000, 10), seg('s2c', '.', 9_000, 7_010), seg('c2s', 'P.', 7_000, 9_000, 10)];
    const events = classifyConnection(packets, { client: CLIENT, server: SERVER }, 0);
    expect(events.map((e) => [e.seq, e.ack, e.class])).toEqual([
      [7_000, 9_000, 'data'],
      [9_000, 7_010, 'ack'],
      [7_000, 9_000, 'data-retrans'],
    ]);
  });

  it('handles sequence numbers that wrap past 2^32', () => {
    const isn = 2 ** 32 - 5;
    const packets = [
      seg('c2s', 'S', isn, 0),
      seg('s2c', 'S.', S, isn + 1),
      seg('c2s', 'P.', isn + 1, S + 1, 10), // bytes 1..10 straddle the wrap
      seg('c2s', 'P.', (isn + 11) % 2 ** 32, S + 1, 10),
      seg('c2s', 'P.', isn + 1, S + 1, 10),
      seg('s2c', '.', S + 1, (isn + 21) % 2 ** 32),
      seg('c2s', '.', (isn + 20) % 2 ** 32, S + 1),
    ];
    const events = classifyConnection(packets, { client: CLIENT, server: SERVER }, 0);
    expect(events.map((e) => [e.seq, e.class])).toEqual([
      [0, 'syn'],
      [0, 'synack'],
      [1, 'data'],
      [11, 'data'],
      [1, 'data-retrans'],
      [1, 'ack'],
      [20, 'keepalive-probe'],
    ]);
    expect(events[5]!.ack).toBe(21);
  });

  it('ignores packets of other connections and rounds t to the microsecond', () => {
    const other = { ...seg('c2s', 'S', 1, 0), sport: 40001 };
    const events = classifyConnection(
      [other, seg('c2s', 'S', C, 0, 0, 100, 1700000000.1234567)],
      { client: CLIENT, server: SERVER },
      1700000000,
    );
    expect(events.map((e) => [e.t, e.class])).toEqual([[0.123457, 'syn']]);
  });
});

describe('connectionsIn', () => {
  it('takes the client from the first SYN even when other packets came first', () => {
    const stray = seg('s2c', '.', 1, 1);
    expect(connectionsIn([stray, seg('c2s', 'S', 1, 0)])).toEqual([{ client: CLIENT, server: SERVER }]);
  });

  it('takes the client from a SYN-ACK when the SYN was not captured', () => {
    expect(connectionsIn([seg('c2s', '.', 1, 1), seg('s2c', 'S.', 1, 1)])).toEqual([{ client: CLIENT, server: SERVER }]);
  });

  it('falls back to the sender of the first packet', () => {
    expect(connectionsIn([seg('s2c', '.', 1, 1), seg('c2s', '.', 1, 1)])).toEqual([{ client: SERVER, server: CLIENT }]);
  });

  it('is empty for no packets', () => {
    expect(connectionsIn([])).toEqual([]);
  });
});
