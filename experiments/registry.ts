// The catalogue: every experiment by its public id (docs/notes.md).
import { closest, distance } from 'fastest-levenshtein';
import type { ExperimentDef } from '../harness/experiment/define.ts';
import { UsageError } from '../harness/errors.ts';
import testIdle from './test-idle.ts';
import testSynSent from './test-syn-sent.ts';
import testSynRecv from './test-syn-recv.ts';
import testSynAck from './test-syn-ack.ts';
import testAcceptDefer from './test-accept-defer.ts';
import testDead from './test-dead.ts';
import testDead2 from './test-dead2.ts';
import rtoRetries2 from './rto-retries2.ts';
import testZero from './test-zero.ts';
import testPacing from './test-pacing.ts';
import testPacing2 from './test-pacing2.ts';
import testPacing3 from './test-pacing3.ts';
import testReadNoack from './test-read-noack.ts';
import testRst from './test-rst.ts';
import testRst2 from './test-rst2.ts';
import socketSemantics from './socket-semantics.ts';
import netstatKeepalive from './netstat-keepalive.ts';
import netstatKeepaliveSend from './netstat-keepalive-send.ts';
import conntrackHalfOpen from './conntrack-half-open.ts';
import closeWaitTrap from './close-wait-trap.ts';

export const catalogue: readonly ExperimentDef[] = [testIdle, testSynSent, testSynRecv, testSynAck, testAcceptDefer, testDead, testDead2, rtoRetries2, testZero, testPacing, testPacing2, testPacing3, testReadNoack, testRst, testRst2, socketSemantics, netstatKeepalive, netstatKeepaliveSend, conntrackHalfOpen, closeWaitTrap];

export interface ExperimentRef {
  def: ExperimentDef;
  /** Named variant, or undefined for the experiment's default form. */
  variant: string | undefined;
}

/** Resolve `id` or `id:variant`, suggesting close names when it does not exist. */
export function lookup(ref: string): ExperimentRef {
  const [id = '', variant, ...extra] = ref.split(':');
  const def = catalogue.find((e) => e.id === id);
  if (!def || extra.length > 0) {
    throw new UsageError(`unknown experiment '${ref}'`, suggest(id, catalogue.map((e) => e.id)) + 'list them with: npm run exp -- --list');
  }
  if (variant !== undefined && !def.variants?.[variant]) {
    const names = Object.keys(def.variants ?? {});
    const known = names.length ? `its variants are: ${names.join(', ')}; ` : `${id} has no variants; `;
    throw new UsageError(`${id} has no variant '${variant}'`, suggest(variant, names.map((n) => n)) + known + `see --describe ${id}`);
  }
  return { def, variant };
}

function suggest(name: string, names: readonly string[]): string {
  if (names.length === 0 || name === '') return '';
  const best = closest(name, [...names]);
  return distance(name, best) <= Math.max(3, Math.floor(best.length / 3)) ? `did you mean '${best}'? ` : '';
}
