import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../events.ts';
import { syntheticDeadRun, syntheticIdleRun } from './synthetic-runs.ts';
import { timeAxis } from './timeline/axis.ts';
import { renderTimeline } from './timeline-svg.ts';

/** Tags must nest and close; text may hold no raw '<' or stray '&'. */
function wellFormed(svg: string): void {
  const body = svg.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const between = body.slice(last, m.index);
    expect(between, `text before ${m[0]}`).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos|#\d+);)/);
    last = m.index + m[0].length;
    const [, close, name, , self] = m;
    if (self) continue;
    if (close) expect(stack.pop(), `closing ${name}`).toBe(name);
    else stack.push(name!);
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

const titles = (svg: string) => [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]!);

describe('timeAxis', () => {
  it('stays linear for a 14 s keepalive run', () => {
    const a = timeAxis(15, 200, 1300, [0, 5, 8, 11, 14]);
    expect(a.kind).toBe('linear');
    expect(a.x(0)).toBe(200);
    expect(a.x(15)).toBe(1300);
    expect(a.ticks.map((t) => t.label)).toContain('14 s');
  });

  const rto = [0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 324.8, 444.8, 564.8, 684.8, 804.8, 924.8, 1044.8];

  it('breaks for 1000 s of retransmits, keeping the early ones and the late ones apart', () => {
    const a = timeAxis(1100, 200, 1300, rto);
    expect(a.kind).toBe('broken');
    const xs = rto.map((t) => a.x(t));
    const gaps = xs.slice(1).map((x, i) => x - xs[i]!);
    expect(Math.min(...gaps)).toBeGreaterThan(20); // every retransmit gets its own place (marks are 14 px)
    expect(xs[1]! - xs[0]!).toBeGreaterThan(20); // 0.2 → 0.4 s is readable
    expect(gaps.at(-1)!).toBeLessThan(120); // and 120 s gaps do not eat the picture
    expect(Math.max(...xs)).toBeLessThanOrEqual(1300);
    // Monotonic, and linear inside a stretch.
    for (let t = 0; t < 1100; t += 0.37) expect(a.x(t + 0.37)).toBeGreaterThanOrEqual(a.x(t));
    expect(a.x(864.8) - a.x(804.8)).toBeCloseTo(a.x(924.8) - a.x(864.8), 6);
    const labels = a.ticks.map((t) => t.label);
    expect(labels).toEqual(expect.arrayContaining(['0', '2 s', '10 s', '1 min', '15 min']));
    const tx = a.ticks.map((t) => a.x(t.t));
    expect(Math.min(...tx.slice(1).map((x, i) => x - tx[i]!))).toBeGreaterThanOrEqual(60);
  });

  it('breaks for 2 h of keepalive idleness followed by probes 75 s apart', () => {
    const probes = Array.from({ length: 10 }, (_, i) => 7200 + 75 * i);
    const a = timeAxis(7950, 200, 1300, probes);
    expect(a.kind).toBe('broken');
    const xs = probes.map((t) => a.x(t));
    expect(Math.min(...xs.slice(1).map((x, i) => x - xs[i]!))).toBeGreaterThan(60);
    expect(a.ticks.map((t) => t.label)).toContain('2 h');
  });
});

describe('renderTimeline: a synthetic 1000 s test-dead', () => {
  const r = syntheticDeadRun();
  const svg = renderTimeline(r);
  if (process.env.TCPLAB_TIMELINE_OUT) fs.writeFileSync(path.join(process.env.TCPLAB_TIMELINE_OUT, 'synthetic-test-dead.svg'), svg);

  it('is one well-formed, standalone SVG document', () => {
    wellFormed(svg);
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toMatch(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1400" height="\d+" viewBox="0 0 1400 \d+"/);
    expect(svg.replace('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:|<script|<image|href=|@import|url\(/);
  });

  it('uses the broken axis and says so', () => {
    expect(svg).toContain('broken time axis');
    expect(svg).toContain('>15 min</text>');
  });

  it('marks every packet, labelling each retransmit like the model', () => {
    const packets = r.events.filter((e) => e.kind === 'packet');
    const packetTitles = titles(svg).filter((t) => /^\d+\.\d{6} s {2}(c2s|s2c) \[/.test(t));
    expect(packetTitles.join('\n').split('\n')).toHaveLength(packets.length);
    const retransmits = r.events.filter((e) => e.kind === 'packet' && e.class === 'data-retrans').length;
    expect(retransmits).toBe(r.prediction.events.length - 1); // the loss probe and every RTO
    expect(svg).toMatch(/font-weight="bold">TLP<\/text>/);
    for (let n = 1; n < retransmits; n++) expect(svg).toMatch(new RegExp(`text-anchor="middle" font-weight="bold">RTO ${n}</text>`));
  });

  it('draws the model as ghosts: each predicted event, with its window', () => {
    const ghosts = titles(svg).filter((t) => t.startsWith('model: '));
    expect(ghosts).toHaveLength(r.prediction.events.length);
    expect(ghosts.some((t) => t.startsWith('model: ETIMEDOUT'))).toBe(true);
  });

  it('shows the ss countdown with the retransmit counter', () => {
    expect(svg).toContain('ss: client timer');
    expect(svg).not.toContain('ss: server timer'); // only 'off' there
    const last = r.prediction.events.filter((e) => e.id.startsWith('rto-')).length;
    for (const n of [0, 1, 5, 10, last]) expect(svg).toContain(`>#${n}</text>`);
  });

  it('colours each expectation, with its error, and shows ETIMEDOUT', () => {
    expect(svg).toContain('FAIL 18/19');
    expect(svg).toContain('read → ETIMEDOUT');
    expect(svg).toMatch(/fill="#cf222e" font-weight="bold">✘<\/text>/);
    expect(svg.match(/>✔<\/text>/g)).toHaveLength(18);
    expect(svg).toContain('RTO retransmission 3');
    expect(svg).toMatch(/40\.0 ms late/);
  });
});

describe('renderTimeline: a synthetic 14 s test-idle', () => {
  const r = syntheticIdleRun();
  const svg = renderTimeline(r);
  if (process.env.TCPLAB_TIMELINE_OUT) fs.writeFileSync(path.join(process.env.TCPLAB_TIMELINE_OUT, 'synthetic-test-idle.svg'), svg);

  it('is well-formed, linear, and passes', () => {
    wellFormed(svg);
    expect(svg).toContain('linear time axis');
    expect(svg).toContain('PASS 4/4');
  });

  it('labels the probes and the RST, with +70 ms errors in green', () => {
    for (const l of ['probe 1', 'probe 2', 'probe 3', 'RST']) expect(svg).toContain(`>${l}</text>`);
    expect(svg.match(/fill="#1a7f37" text-anchor="middle" font-weight="bold">\+70\.0 ms<\/text>/g)).toHaveLength(4);
    expect(svg).toContain('dropping: INPUT -i lo -p tcp -j DROP');
  });

  it('escapes text', () => {
    const odd = syntheticIdleRun();
    odd.events.push({ t: 1, kind: 'firewall', action: 'add', rule: 'OUTPUT -m comment --comment "a<b & c>d" -j DROP' });
    const out = renderTimeline(odd);
    wellFormed(out);
    expect(out).toContain('a&lt;b &amp; c&gt;d');
  });

  it('survives a run with no events and no expectations', () => {
    const empty = { ...syntheticIdleRun(), events: [], expectations: [], anchor_s: null, verdict: 'skip' as const, reason: 'TCP_RTO_MAX_MS needs 6.15' };
    const out = renderTimeline(empty);
    wellFormed(out);
    expect(out).toContain('SKIP 0/0');
    expect(out).toContain('TCP_RTO_MAX_MS needs 6.15');
  });
});

describe('renderTimeline: the busy parts of real runs', () => {
  it('labels a loop of calls once, and the failures first (test-dead2)', () => {
    const writes: TimelineEvent[] = Array.from({ length: 40 }, (_, i) => ({ t: 0.1 + i * 0.25, kind: 'syscall', side: 'client', call: 'write', result: 17 }));
    writes.push({ t: 10.2, kind: 'syscall', side: 'client', call: 'write', error: 'ETIMEDOUT' });
    writes.push({ t: 10.21, kind: 'syscall', side: 'client', call: 'write', error: 'EPIPE' }, { t: 10.22, kind: 'syscall', side: 'client', call: 'write', error: 'EPIPE' });
    const r = syntheticIdleRun(writes);
    const svg = renderTimeline(r);
    expect(svg).toContain('>write → 17 ×40</text>');
    expect(svg).toContain('>write → ETIMEDOUT</text>');
    expect(svg).toContain('>write → EPIPE ×2</text>');
    expect(titles(svg).filter((t) => / client write → /.test(t))).toHaveLength(43); // a mark for every call
  });

  it('draws netstat samples in their own lane, and follows one socket when ss lists several', () => {
    const r = syntheticIdleRun([
      { t: 1, kind: 'timer', side: 'server', state: 'LISTEN', timer: 'off', remaining_s: 0, count: 0 },
      { t: 1, kind: 'timer', side: 'server', state: 'SYN-RECV', timer: 'on', remaining_s: 0.9, count: 0 },
      { t: 1, kind: 'timer', side: 'server', state: 'SYN-RECV', timer: 'on', remaining_s: 2.5, count: 3 },
      { t: 1.5, kind: 'timer', side: 'server', state: 'SYN-RECV', timer: 'on', remaining_s: 0.4, count: 0 },
      { t: 2, kind: 'timer', side: 'client', state: 'ESTABLISHED', timer: 'keepalive', remaining_s: 2.1, count: 0, source: 'netstat', retrans: 0, probes: 0 },
      { t: 3, kind: 'timer', side: 'client', state: 'ESTABLISHED', timer: 'keepalive', remaining_s: 1.1, count: 0, source: 'netstat', retrans: 0, probes: 0 },
    ]);
    const svg = renderTimeline(r);
    wellFormed(svg);
    expect(svg).toContain('>ss: client timer</text>');
    expect(svg).toContain('>ss: server timer</text>');
    expect(svg).toContain('>netstat: client timer</text>');
    expect(titles(svg).some((t) => t.includes('keepalive (2.10/0/0)'))).toBe(true);
    expect(titles(svg).filter((t) => t.includes('(another socket)'))).toHaveLength(1);
    expect(svg).not.toMatch(/>LISTEN<\/text>/); // a listener has no timer to label
  });

  it('draws a burst of packets on the same pixels as one mark with a count', () => {
    const r = syntheticIdleRun(Array.from({ length: 30 }, (_, i) => ({ t: 0.05 + i * 1e-5, kind: 'packet', dir: 'c2s', flags: '.', seq: 1 + i * 576, ack: 1, win: 512, len: 576, class: 'data' })));
    const svg = renderTimeline(r);
    expect(svg).toContain('>×30</text>');
    expect(titles(svg).some((t) => t.includes('… 18 more'))).toBe(true);
  });
});

describe('renderTimeline: what each expectation matched', () => {
  it('draws a state seen by ss at the sample the judge matched (its observed time is the bracket\'s end)', () => {
    const sample: TimelineEvent = { t: 14.3, kind: 'timer', side: 'client', state: 'CLOSE', timer: 'off', remaining_s: 0, count: 0 };
    const r = syntheticIdleRun([sample]);
    const rst = r.expectations.find((e) => e.predicted === 'abort')!;
    r.expectations.push({ ...rst, name: 'client enters CLOSE (ss)', observed_s: 14.35, matched: { index: r.events.indexOf(sample), kind: 'timer', t: 14.3 } });
    const svg = renderTimeline(r);
    wellFormed(svg);
    expect(titles(svg)).toContain('seen by ss at 14.35 s');
    expect(svg).not.toContain('>model only</text>');
  });

  it('places an expectation never observed by what it looked for', () => {
    const r = syntheticIdleRun();
    const rst = r.expectations.find((e) => e.predicted === 'abort')!;
    const { matched: _, ...unseen } = rst;
    r.expectations.push({ ...unseen, name: 'server FIN', observed_s: null, ok: false, matcher: { kind: 'packet', dir: 's2c', class: 'fin' } });
    const svg = renderTimeline(r);
    expect(svg).not.toContain('>model only</text>');
    expect(svg).toContain('>never</text>');
  });

  it('says so, and draws the model in its own lane, for an older result.json without matches', () => {
    const r = syntheticIdleRun();
    for (const e of r.expectations) delete e.matched;
    const svg = renderTimeline(r);
    wellFormed(svg);
    expect(svg).toContain('an older result.json, which does not say what each expectation matched');
    expect(svg).toContain('>model only</text>');
    expect(renderTimeline(syntheticIdleRun())).not.toContain('older result.json');
  });
});
