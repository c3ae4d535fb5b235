// The vocabulary an experiment's scenario is written in: a server, a client,
// the firewall and the clock. Every call that reaches the kernel is recorded as
// a `syscall` event with its result or errno name.
import { ClientFactory } from './client.ts';
import type { Firewall } from './firewall.ts';
import { currentCpu, onOneCpu } from './one-cpu.ts';
import { ServerFactory } from './server.ts';
import type { Deps } from './socket-options.ts';

export type { Connection, HeldFd } from './connection.ts';
export type { Listener, QuietListener } from './server.ts';
export type { PendingConnection } from './client.ts';
export { ConnectError } from './client.ts';
export type { Side, SocketOptions, SocketRegistry } from './socket-options.ts';

export interface ScenarioContext<P> {
  /** The resolved parameters. */
  p: P;
  server: ServerFactory;
  client: ClientFactory;
  firewall: Firewall;
  /** Seconds since the scenario started. */
  now(): number;
  sleep(seconds: number): Promise<void>;
  /** Wait until scenario time t (a scripted moment). */
  at(t: number): Promise<void>;
  /** Note a moment in the timeline. */
  mark(name: string, data?: Record<string, unknown>): void;
  /**
   * When the model's last predicted event is due (s since the scenario start).
   * For scenarios that must outlast it to see something end (a socket vanishing).
   */
  predictedEnd_s: number;
  /**
   * Run `body` with the scenario's thread (every socket call) held on one CPU, for
   * behaviour that depends on which CPU a call runs on. Marked in the timeline.
   */
  oneCpu<T>(body: () => Promise<T>): Promise<T>;
  /** This kernel or sandbox lacks what the experiment needs: the verdict is `skip`, with the reason. */
  skip(reason: string): never;
}

/** Thrown by ctx.skip(); the runner records the reason and the verdict becomes `skip`. */
export class SkipScenario extends Error {}

export function scenarioContext<P>(p: P, predictedEnd_s: number, deps: Deps & { firewall: Firewall }): ScenarioContext<P> {
  return {
    p,
    predictedEnd_s,
    skip: (reason) => {
      throw new SkipScenario(reason);
    },
    server: new ServerFactory(deps),
    client: new ClientFactory(deps),
    firewall: deps.firewall,
    now: () => deps.clock.now(),
    sleep: (s) => deps.clock.sleep(s),
    at: (t) => deps.clock.at(t),
    mark: (name, data = {}) => deps.log.record({ kind: 'mark', name, ...data }),
    oneCpu: (body) =>
      onOneCpu(async (cpu) => {
        deps.log.record({ kind: 'mark', name: 'held on one CPU', cpu });
        try {
          return await body();
        } finally {
          deps.log.record({ kind: 'mark', name: 'released from one CPU', cpu: currentCpu() });
        }
      }),
  };
}
