import { describe, expect, it } from 'vitest';
import { scriptPrediction, type ScriptStep } from './script-schedule.ts';
import { type Action, listenRecvQ, playScript } from './semantics.ts';

const results = (actions: Action[]) => playScript(actions).flatMap((o) => (o.result === undefined ? [] : [o.result]));
const segs = (actions: Action[]) => playScript(actions).flatMap((o) => o.segments.filter((s) => s.class !== 'ack').map((s) => `${s.dir} ${s.class}${s.flags ? ` ${s.flags}` : ''}`));

const write = (side: 'client' | 'server' = 'client', bytes = 11): Action => ({ side, call: 'write', bytes });
const read = (side: 'client' | 'server' = 'client'): Action => ({ side, call: 'read' });

describe('test-rst: the server shuts down / closes with nothing unread, then the client writes', () => {
  const shutWrClose: Action[] = [{ side: 'server', call: 'shutdown', how: 'SHUT_WR' }, { side: 'server', call: 'close' }];

  it('notes: the 1st write succeeds and draws an RST [R], the 2nd gets EPIPE', () => {
    expect(results([...shutWrClose, write(), write()])).toEqual([0, 0, 11, 'EPIPE']);
    expect(segs([...shutWrClose, write(), write()])).toEqual(['s2c fin', 'c2s data', 's2c rst R']);
  });

  it('notes: both sockets are gone after the RST', () => {
    const last = playScript([...shutWrClose, write()]).at(-1)!;
    expect(last.states).toEqual({ client: 'CLOSE', server: null });
  });

  it('notes: close only, and SHUT_RDWR only, behave the same', () => {
    expect(results([{ side: 'server', call: 'close' }, write(), write()])).toEqual([0, 11, 'EPIPE']);
    expect(results([{ side: 'server', call: 'shutdown', how: 'SHUT_RDWR' }, write(), write()])).toEqual([0, 11, 'EPIPE']);
  });

  it('SHUT_RDWR without close: the server socket itself was reset, its read gets ECONNRESET', () => {
    expect(results([{ side: 'server', call: 'shutdown', how: 'SHUT_RDWR' }, write(), write(), read('server')])).toEqual([0, 11, 'EPIPE', 'ECONNRESET']);
  });

  it('notes: SHUT_WR only and SHUT_RD only: every write succeeds', () => {
    expect(results([{ side: 'server', call: 'shutdown', how: 'SHUT_WR' }, write(), write()])).toEqual([0, 11, 11]);
    expect(results([{ side: 'server', call: 'shutdown', how: 'SHUT_RD' }, write(), write()])).toEqual([0, 11, 11]);
    expect(segs([{ side: 'server', call: 'shutdown', how: 'SHUT_RD' }, write()])).toEqual(['c2s data']);
  });

  it('notes: ignoring the error, the next write is EPIPE again and a read returns EOF at once', () => {
    expect(results([...shutWrClose, write(), write(), write()]).slice(-2)).toEqual(['EPIPE', 'EPIPE']);
    expect(results([...shutWrClose, write(), write(), read()]).slice(-1)).toEqual(['EOF']);
  });
});

describe('test-rst2: the client sent data first, so the server closes with unread data', () => {
  const sent: Action[] = [write(), write(), write()];

  it('notes: shutdown sends FIN, close then sends RST [R.]; the 1st write gets EPIPE', () => {
    const script: Action[] = [...sent, { side: 'server', call: 'shutdown', how: 'SHUT_WR' }, { side: 'server', call: 'close' }, write(), write()];
    expect(segs(script)).toEqual(['c2s data', 'c2s data', 'c2s data', 's2c fin', 's2c rst R.']);
    expect(results(script).slice(-2)).toEqual(['EPIPE', 'EPIPE']);
  });

  it('notes: close only sends only an RST: ECONNRESET, then EPIPE; a read gives EOF', () => {
    const script: Action[] = [...sent, { side: 'server', call: 'close' }, write(), write(), read()];
    expect(segs(script).slice(3)).toEqual(['s2c rst R.']);
    expect(results(script).slice(-3)).toEqual(['ECONNRESET', 'EPIPE', 'EOF']);
  });

  it('notes: SHUT_RDWR only behaves like test-rst (the 2nd write gets EPIPE); SHUT_WR / SHUT_RD only: no error', () => {
    expect(results([...sent, { side: 'server', call: 'shutdown', how: 'SHUT_RDWR' }, write(), write()]).slice(-2)).toEqual([11, 'EPIPE']);
    expect(results([...sent, { side: 'server', call: 'shutdown', how: 'SHUT_WR' }, write(), write()]).slice(-2)).toEqual([11, 11]);
    expect(results([...sent, { side: 'server', call: 'shutdown', how: 'SHUT_RD' }, write(), write()]).slice(-2)).toEqual([11, 11]);
  });
});

describe('the notes\' "other" list', () => {
  it('read/write after your own close → EBADF', () => {
    expect(results([{ side: 'client', call: 'close' }, read(), write()])).toEqual([0, 'EBADF', 'EBADF']);
  });

  it('write after your own SHUT_WR → EPIPE', () => {
    expect(results([{ side: 'client', call: 'shutdown', how: 'SHUT_WR' }, write()])).toEqual([0, 'EPIPE']);
  });

  it('read after SHUT_RD → EOF at once; data that still arrives is ACKed, queued and readable', () => {
    const steps = playScript([{ side: 'client', call: 'shutdown', how: 'SHUT_RD' }, read(), write('server'), read(), read()]);
    expect(steps.flatMap((o) => (o.result === undefined ? [] : [o.result]))).toEqual([0, 'EOF', 11, 11, 'EOF']);
    expect(steps[2]!.segments.map((s) => `${s.dir} ${s.class}`)).toEqual(['s2c data', 'c2s ack']);
  });

  it('abnormal death, first call: ETIMEDOUT (timeout), EPIPE (FIN then RST), ECONNRESET (RST only); then read EOF, write EPIPE', () => {
    const timeout: Action[] = [{ network: 'silent' }, { side: 'client', timeout: 'keepalive' }];
    expect(results([...timeout, read(), read(), write()])).toEqual(['ETIMEDOUT', 'EOF', 'EPIPE']);
    expect(results([...timeout, write(), read(), write()])).toEqual(['ETIMEDOUT', 'EOF', 'EPIPE']);
    const finRst: Action[] = [write(), { side: 'server', call: 'shutdown', how: 'SHUT_WR' }, { side: 'server', call: 'close' }];
    expect(results([...finRst, write(), read(), write()]).slice(-3)).toEqual(['EPIPE', 'EOF', 'EPIPE']);
    const rst: Action[] = [write(), { side: 'server', call: 'close' }];
    expect(results([...rst, read(), read(), write()]).slice(-3)).toEqual(['ECONNRESET', 'EOF', 'EPIPE']);
    expect(results([...rst, write(), read(), write()]).slice(-3)).toEqual(['ECONNRESET', 'EOF', 'EPIPE']);
  });

  it('but after FIN then RST a READ first gets EOF, not EPIPE: SOCK_DONE is tested before sk_err', () => {
    const finRst: Action[] = [write(), { side: 'server', call: 'shutdown', how: 'SHUT_WR' }, { side: 'server', call: 'close' }];
    const steps = playScript([...finRst, read(), write(), read()]);
    expect(steps.slice(-3).map((o) => [o.result, o.tag])).toEqual([
      ['EOF', 'SOCK_DONE'],
      ['EPIPE', 'sk_err'],
      ['EOF', 'SOCK_DONE'],
    ]);
  });

  it('LISTEN Recv-Q counts the accept queue, not the SYN queue', () => {
    expect(listenRecvQ({ established: 1, synRecv: 1 })).toBe(1);
    expect(listenRecvQ({ established: 0, synRecv: 3 })).toBe(0);
  });
});

describe('scriptPrediction', () => {
  const steps: ScriptStep[] = [
    { after_s: 2, side: 'server', call: 'shutdown', how: 'SHUT_WR' },
    { after_s: 1, side: 'server', call: 'close' },
    { after_s: 1, side: 'client', call: 'write', bytes: 11 },
    { after_s: 1, side: 'client', call: 'write', bytes: 11 },
  ];

  it('lays the notes\' test-rst packets on the script\'s time line, chained to each other', () => {
    const p = scriptPrediction(steps);
    expect(p.schedule.events.map((e) => [e.id, e.at_s, e.after, e.delay_s])).toEqual([
      ['s2c-fin-0', 2, null, 2],
      ['c2s-data-0', 4, 's2c-fin-0', 2],
      ['s2c-rst-0', 4, 'c2s-data-0', 0],
    ]);
    expect(p.packets.map((x) => [x.id, x.nth, x.sleeps, x.flags])).toEqual([
      ['s2c-fin-0', 0, 1, undefined],
      ['c2s-data-0', 0, 2, undefined],
      ['s2c-rst-0', 0, 0, 'R'],
    ]);
  });

  it('counts the handshake ACK and unpredicted ACKs when it numbers an ACK', () => {
    const p = scriptPrediction(
      [
        { after_s: 1, side: 'client', call: 'shutdown', how: 'SHUT_WR' }, // the server ACKs the FIN (s2c)
        { after_s: 1, side: 'server', call: 'write', bytes: 11 }, // the client ACKs the data (c2s)
      ],
      { acksOfData: true },
    );
    expect(p.packets.find((x) => x.class === 'ack')).toMatchObject({ id: 'c2s-ack-0', dir: 'c2s', nth: 1 });
  });

  it('expects each call\'s result by its index among that side\'s calls', () => {
    expect(scriptPrediction(steps).calls.map((c) => [c.side, c.call, c.nth, c.expected])).toEqual([
      ['server', 'shutdown', 0, 0],
      ['server', 'close', 0, 0],
      ['client', 'write', 0, 11],
      ['client', 'write', 1, 'EPIPE'],
    ]);
  });

  it('names the ss state changes and the packet that causes each', () => {
    expect(scriptPrediction(steps).changes).toEqual([
      { side: 'client', state: 'ESTAB', edge: 'leave', at: 's2c-fin-0' },
      { side: 'client', state: 'CLOSE-WAIT', edge: 'enter', at: 's2c-fin-0' },
      { side: 'client', state: 'CLOSE-WAIT', edge: 'leave', at: 's2c-rst-0' },
      { side: 'server', state: 'ESTAB', edge: 'leave', at: 's2c-fin-0' },
      { side: 'server', state: 'FIN-WAIT-2', edge: 'enter', at: 's2c-fin-0' },
      { side: 'server', state: 'FIN-WAIT-2', edge: 'leave', at: 's2c-rst-0' },
    ]);
  });
});
