// The parameters of one run: defaults ← fast form ← variant (and its own fast
// form) ← --set. An explicit --set always has the last word.
import type { ExperimentDef } from './define.ts';
import { defaults, type ParamSpecs, type ParamValues, parseSets } from './params.ts';

export function resolveParams<P extends ParamSpecs>(def: ExperimentDef<P>, variant: string | undefined, sets: readonly string[], fast: boolean): ParamValues<P> {
  const v = variant ? def.variants?.[variant] : undefined;
  return {
    ...defaults(def.params),
    ...(fast ? def.fast : {}),
    ...v?.set,
    ...(fast ? v?.fast : {}),
    ...parseSets(def.params, sets, def.id),
  } as ParamValues<P>;
}
