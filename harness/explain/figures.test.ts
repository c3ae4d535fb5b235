import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { rtoSchedule, tcpModelTimeout } from '../model/rto.ts';
import { eventById, eventsOf } from '../model/schedule.ts';
import { synRecvSchedule, synSentSchedule } from '../model/syn.ts';
import { explain, explainLines } from './explain.ts';
import type { Explanation } from './explanation.ts';
import { commandModel, DEFAULT_EXPLAIN_SYSCTLS, explainModel, figuresFor, readSysctls } from './figures.ts';
import { formatExplanation } from './format.ts';

// The figures an explanation quotes are the model's for the socket's kernel and
// sysctls: a number written into the prose would fail these.
const all = (e: Explanation) => [e.which, ...e.onExpiry, ...e.notes, ...e.fields.map((f) => f.meaning), ...e.governedBy.map((g) => g.effect)].join('\n');
const SYN_SENT = 'SYN-SENT 0 1 127.0.0.1:50196 127.0.0.1:1 timer:(on,1.999ms,1)';
const SYN_RECV = 'SYN-RECV 0 0 127.0.0.1:1 127.0.0.1:40064 timer:(on,1.016ms,1)';
const DATA = 'ESTAB 0 924 127.0.0.1:5555 127.0.0.1:40064 timer:(on,3.200ms,4)';

describe('SYN-SENT: when connect() gives up depends on the kernel', () => {
  it('127 s after 6 retransmissions on 5.10, 131 s after 10 on 6.12 (tcp_syn_linear_timeouts, 6.5)', () => {
    const old = explain(SYN_SENT, explainModel({ kernel: '5.10.223' }));
    const now = explain(SYN_SENT, explainModel({ kernel: '6.12.17' }));
    expect(old.onExpiry[1]).toMatch(/On 5\.10\.223: after 6 retransmissions, 127 s after the first SYN \(on 6\.5: 10 retransmissions, 131 s\)/);
    expect(now.onExpiry[1]).toMatch(/On 6\.12\.17: after 10 retransmissions, 131 s after the first SYN \(on 6\.4: 6 retransmissions, 127 s\)/);
    expect(old.onExpiry[0]).toMatch(/at 1, 3, 7, 15, 31, 63 s after the first SYN/);
    expect(now.onExpiry[0]).toMatch(/at 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s after the first SYN \(tcp_syn_linear_timeouts=4\)/);
    expect(old.model).toEqual({ kernel: '5.10.223', sysctls: 'kernel defaults' });
  });

  it('the figures are the schedule the model predicts, on every kernel it knows a difference for', () => {
    // 4.19.80: the rto_base regression (synSentRtoBaseRegression) ends connect() at 31 s.
    for (const kernel of ['4.19.80', '5.10.0', '6.1.0', '6.5.0', '6.18.44']) {
      const s = synSentSchedule({ tcp_syn_retries: 6 }, kernel);
      const f = figuresFor(explainModel({ kernel }));
      expect(f.synSent.death_s).toBe(eventById(s, 'abort').at_s);
      expect(f.synSent.resends_s).toEqual(eventsOf(s, 'syn-retrans').map((e) => e.at_s));
    }
    expect(figuresFor(explainModel({ kernel: '4.19.80' })).synSent).toMatchObject({ retransmits: 4, death_s: 31 });
    expect(all(explain(SYN_SENT, explainModel({ kernel: '4.19.80' })))).toMatch(/after 4 retransmissions, 31 s after the first SYN/);
  });

  it('follows tcp_syn_retries and tcp_syn_linear_timeouts', () => {
    const e = explain(SYN_SENT, explainModel({ kernel: '6.12.0', sysctls: { tcp_syn_retries: 2, tcp_syn_linear_timeouts: 1 } }));
    const s = synSentSchedule({ tcp_syn_retries: 2, tcp_syn_linear_timeouts: 1 }, '6.12.0');
    expect(e.onExpiry[1]).toContain(`after ${eventsOf(s, 'syn-retrans').length} retransmissions, ${eventById(s, 'abort').at_s} s after the first SYN`);
    expect(e.onExpiry[1]).toMatch(/tcp_syn_retries \(2, as given; TCP_SYNCNT per socket\)/);
    expect(e.notes.join('\n')).toMatch(/tcp_syn_linear_timeouts=1/);
  });
});

describe('SYN-RECV, data and the governors', () => {
  it('SYN-ACKs at 1, 3, 7, 15, 31 s and the drop at 63 s by default; 1, 3, 7 s and 15 s with tcp_synack_retries 3', () => {
    const d = all(explain(SYN_RECV, explainModel({ kernel: '6.1.0' })));
    expect(d).toMatch(/SYN-ACKs at 1, 3, 7, 15, 31 s/);
    expect(d).toMatch(/dropped silently at about 63 s/);
    const three = all(explain(SYN_RECV, explainModel({ kernel: '6.1.0', sysctls: { tcp_synack_retries: 3 } })));
    const s = synRecvSchedule({ tcp_synack_retries: 3 }, '6.1.0');
    expect(three).toContain(`SYN-ACKs at ${eventsOf(s, 'synack-retrans').map((e) => e.at_s).join(', ')} s.`);
    expect(three).toContain(`dropped silently at about ${eventById(s, 'drop').at_s} s`);
    expect(three).toMatch(/dropped silently \(3: about 15 s\)/);
  });

  it('the tcp_retries2 bound is tcp_model_timeout() of the value in force', () => {
    expect(all(explain(DATA, explainModel({ kernel: '6.1.0' })))).toMatch(/924\.6 s for tcp_retries2 15 with a 200 ms RTO/);
    const eight = all(explain(DATA, explainModel({ kernel: '6.1.0', sysctls: { tcp_retries2: 8 } })));
    expect(eight).toContain(`${Number(tcpModelTimeout(8).toFixed(3))} s for tcp_retries2 8 with a 200 ms RTO`);
    expect(eight).not.toMatch(/924\.6 s for/);
    // The same bound the RTO schedule gives up on.
    const s = rtoSchedule({ rto_s: 0.2, tcp_retries2: 8, user_timeout_ms: 0, tlp: false }, '6.1.0');
    expect(eventById(s, 'abort').at_s).toBeGreaterThanOrEqual(tcpModelTimeout(8));
  });

  it('the governors quote the kernel too', () => {
    const g = (k: string) => explain(SYN_SENT, explainModel({ kernel: k })).governedBy.find((x) => x.name === 'net.ipv4.tcp_syn_retries')!;
    expect(g('5.10.0').effect).toMatch(/\(6: 127 s on 5\.10\.0, 131 s on 6\.5\)/);
    expect(g('6.6.0').effect).toMatch(/\(6: 131 s on 6\.6\.0, 127 s on 6\.4\)/);
    expect(g('6.6.0').default).toBe(String(DEFAULT_EXPLAIN_SYSCTLS.tcp_syn_retries));
  });

  it('keepalive uses tcp_keepalive_time and its probes', () => {
    const e = explain('keepalive (500.00/0/0)', explainModel({ kernel: '6.1.0', sysctls: { tcp_keepalive_time: 600, tcp_keepalive_probes: 4 } }));
    expect(all(e)).toContain('With tcp_keepalive_time (600 s, as given) this timer was armed about 100 s ago');
    expect(all(e)).toContain('(tcp_keepalive_probes, 4, as given)');
  });

  it('explainLines uses one model for every line, and the text says which', () => {
    const m = explainModel({ kernel: '5.10.0' });
    const found = explainLines(`${SYN_SENT}\n${SYN_RECV}\n`, m);
    expect(found.map((e) => e.model.kernel)).toEqual(['5.10.0', '5.10.0']);
    expect(formatExplanation(found[0]!)).toMatch(/Figures: the model's for kernel 5\.10\.0; sysctls: kernel defaults\.$/);
  });
});

describe('the command\'s model', () => {
  it('--kernel takes a release and the kernel defaults; anything else is a usage error', () => {
    expect(commandModel('6.1')).toMatchObject({ kernel: '6.1', sysctls: DEFAULT_EXPLAIN_SYSCTLS, sysctlSource: 'kernel defaults' });
    expect(() => commandModel('banana')).toThrow(UsageError);
  });

  it('reads the sysctls it knows from a /proc/sys/net/ipv4 folder, skipping missing and odd ones', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tcplab-sysctls-'));
    writeFileSync(path.join(dir, 'tcp_syn_retries'), '3\n');
    writeFileSync(path.join(dir, 'tcp_retries2'), 'x\n');
    writeFileSync(path.join(dir, 'tcp_rmem'), '4096 131072 6291456\n');
    expect(readSysctls(dir)).toEqual({ tcp_syn_retries: 3 });
  });
});
