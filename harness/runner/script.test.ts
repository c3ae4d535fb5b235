import { describe, expect, it } from 'vitest';
import type { ScriptStep } from '../model/script-schedule.ts';
import type { HeldFd } from './connection.ts';
import { performScript } from './script.ts';

function fakeEnd(side: string, log: string[], state = 'ESTABLISHED'): HeldFd {
  const ok = { result: 0 };
  return {
    read: () => (log.push(`${side} read`), ok),
    write: (d: string) => (log.push(`${side} write ${d}`), ok),
    writeAfterClose: (d: string) => (log.push(`${side} write-after-close ${d}`), ok),
    shutdown: (how: string) => (log.push(`${side} shutdown ${how}`), ok),
    close: () => (log.push(`${side} close`), ok),
    tcpState: () => state,
    waitForState: async (s: string) => (log.push(`${side} wait ${s}`), true),
  } as unknown as HeldFd;
}

function fakeCtx(log: string[]) {
  let t = 0;
  return {
    now: () => t,
    sleep: async (s: number) => void (log.push(`sleep ${s}`), (t += s)),
    at: async (when: number) => void (log.push(`at ${when}`), (t = Math.max(t, when))),
    predictedEnd_s: 10,
    firewall: { dropAll: async () => void log.push('drop all') },
  } as never;
}

describe('performScript', () => {
  it('counts the first step from `from`, then sleeps between steps, and calls the held fds', async () => {
    const log: string[] = [];
    const steps: ScriptStep[] = [
      { after_s: 1, side: 'server', call: 'shutdown', how: 'SHUT_WR' },
      { after_s: 1, side: 'client', call: 'write', bytes: 11 },
      { after_s: 0, side: 'client', call: 'close' },
      { after_s: 0, side: 'client', call: 'write', bytes: 3 },
      { after_s: 0.5, side: 'client', call: 'read' },
    ];
    await performScript(steps, { client: fakeEnd('client', log), server: fakeEnd('server', log) }, fakeCtx(log), 0.25);
    expect(log).toEqual([
      'at 1.25',
      'server shutdown SHUT_WR',
      'sleep 1',
      'client write hello world',
      'client close',
      // after close(2) the fd number is gone: plain write(2), not send()
      'client write-after-close xxx',
      'sleep 0.5',
      'client read',
    ]);
  });

  it('drops everything for a silent network and waits for the kernel to give up', async () => {
    const log: string[] = [];
    const steps: ScriptStep[] = [
      { after_s: 0, network: 'silent' },
      { after_s: 0, side: 'client', timeout: 'keepalive' },
      { after_s: 0, side: 'client', call: 'read' },
    ];
    await performScript(steps, { client: fakeEnd('client', log), server: fakeEnd('server', log) }, fakeCtx(log), 0);
    expect(log).toEqual(['at 0', 'drop all', 'client wait CLOSE', 'client read']);
  });
});
