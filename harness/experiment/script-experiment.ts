// A scripted experiment (test-rst, test-rst2): what read(), write(), shutdown() and
// close() return at scripted moments on a connection nobody times out. The script is
// the whole experiment: the model plays it (model/script-schedule.ts), the runner
// performs it on a held pair of sockets (runner/script.ts), and the expectations are
// read off the model's play (verdict/script-expectations.ts), so the file that
// defines one gives only its setup, its parameters and its script.
import type { ScriptStep } from '../model/script-schedule.ts';
import { scriptPrediction } from '../model/script-schedule.ts';
import { NOTES_PAYLOAD, performScriptOnPair } from '../runner/script.ts';
import { packet } from '../verdict/match.ts';
import { scriptExpectations } from '../verdict/script-expectations.ts';
import { type ExperimentDef, defineExperiment } from './define.ts';
import { param, type ParamSpecs, type ParamValues } from './params.ts';

/** The notes' write: `c.send(b"hello world")`, 11 bytes. */
export const HELLO = NOTES_PAYLOAD.length;

/** The time between two scripted moments, the parameter every script has. */
export const stepParam = param.ms(1000, 'time between two scripted moments (each waits after the previous one returned)', { min: 50, max: 60_000 });

/** The server's shutdown, as the notes vary it (its close is each experiment's own parameter). */
export const serverShutdownParams = {
  shut_rd: param.flag(false, 'the server calls shutdown with SHUT_RD (with shut_wr: one SHUT_RDWR call)'),
  shut_wr: param.flag(true, 'the server calls shutdown with SHUT_WR (sends its FIN)'),
};

/** The server's shutdown (SHUT_RD, SHUT_WR or one SHUT_RDWR call) and then its close, each `gap_s` after the previous step; either may be left out. */
export function serverShutdownAndClose(p: { shut_rd: number; shut_wr: number; close: number }, gap_s: number): ScriptStep[] {
  const how = p.shut_rd && p.shut_wr ? 'SHUT_RDWR' : p.shut_rd ? 'SHUT_RD' : 'SHUT_WR';
  return [
    ...(p.shut_rd || p.shut_wr ? [{ after_s: gap_s, side: 'server', call: 'shutdown', how } as const] : []),
    ...(p.close ? [{ after_s: gap_s, side: 'server', call: 'close' } as const] : []),
  ];
}

export type ScriptExperimentDef<P extends ParamSpecs> = Omit<ExperimentDef<P>, 'predict' | 'scenario' | 'anchor' | 'expect'> & {
  /** The notes' moments, for the model and the run alike. */
  script: (p: ParamValues<P>) => ScriptStep[];
};

/**
 * An experiment whose prediction, scenario and expectations all come from its script.
 * Anchor: the client's handshake ACK (connect() returns right after it).
 */
export function defineScriptExperiment<P extends ParamSpecs>(def: ScriptExperimentDef<P>): ExperimentDef {
  const { script, ...rest } = def;
  return defineExperiment<P>({
    ...rest,
    predict: (p) => scriptPrediction(script(p)).schedule,
    scenario: (ctx) => performScriptOnPair(script(ctx.p), ctx),
    anchor: packet({ dir: 'c2s', class: 'ack' }),
    expect: (_model, p) => scriptExpectations(scriptPrediction(script(p))),
  });
}
