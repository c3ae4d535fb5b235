import { describe, expect, it } from 'vitest';
import { deferAcceptSchedule } from './defer-accept.ts';
import { finWait2Schedule } from './fin-wait.ts';
import { keepaliveSchedule } from './keepalive.ts';
import { hzOf, modelledFacts, releaseOf } from './kernel-ref.ts';
import { persistSchedule } from './persist.ts';
import { rtoSchedule } from './rto.ts';
import { synRecvSchedule, synSentSchedule } from './syn.ts';

describe('KernelRef', () => {
  it('is a release (HZ=250 assumed) or a release with its HZ', () => {
    expect([releaseOf('6.1'), hzOf('6.1')]).toEqual(['6.1', 250]);
    expect([releaseOf({ release: '6.12.117', hz: 1000 }), hzOf({ release: '6.12.117', hz: 1000 })]).toEqual(['6.12.117', 1000]);
  });
});

describe('the non-cascading wheel gate (500462a9de65, 4.8)', () => {
  const schedules = {
    keepalive: (k: string) => keepaliveSchedule({ keepidle_s: 5, keepintvl_s: 3, keepcnt: 3, user_timeout_ms: 0 }, k),
    rto: (k: string) => rtoSchedule({ rto_s: 0.204, tcp_retries2: 5, user_timeout_ms: 0, tlp: true }, k),
    synSent: (k: string) => synSentSchedule({ tcp_syn_retries: 2 }, k),
    synRecv: (k: string) => synRecvSchedule({ tcp_synack_retries: 2 }, k),
    persist: (k: string) => persistSchedule({ rto_s: 0.208, tcp_retries2: 5, user_timeout_ms: 0 }, k),
    finWait: (k: string) => finWait2Schedule({ tcp_fin_timeout: 60 }, k),
    deferAccept: (k: string) => deferAcceptSchedule({ defer_accept_s: 3, tcp_synack_retries: 5, data_at_s: null }, k),
  };

  it('models 4.8 and later', () => {
    expect(modelledFacts('4.8.0').nonCascadingWheel).toBe(true);
    for (const s of Object.values(schedules)) expect(s('4.8.0').events.length).toBeGreaterThan(0);
  });

  it('refuses a kernel with the cascading wheel instead of judging it by the wrong windows', () => {
    expect(() => modelledFacts('4.7.10')).toThrow(/non-cascading timer wheel \(4\.8\+, 500462a9de65\)/);
    for (const s of Object.values(schedules)) expect(() => s('4.4.0')).toThrow(/apply_slack/);
  });
});
