// netem on the sandbox's own loopback: an added delay, for the experiments about
// what a longer RTT changes. Kernels without sch_netem (this project's host) refuse
// it; the scenario then skips with tc's own message.
import { execa } from 'execa';
import { assertInsideSandbox } from './firewall.ts';

export type NetemResult = { ok: true } | { ok: false; reason: string };

/** `tc qdisc add dev lo root netem delay <ms>`: every packet on lo waits this long (RTT = 2 x delay). */
export async function addLoopbackDelay(delay_ms: number): Promise<NetemResult> {
  assertInsideSandbox(); // never the host's lo
  const r = await execa('tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', `${delay_ms}ms`], { reject: false });
  if (r.exitCode === 0) return { ok: true };
  const reason = `${r.stderr || r.stdout}`.trim() || `tc exited with ${r.exitCode}`;
  return { ok: false, reason };
}
