// `npm run explain -- "<timer text>"` and `--watch ADDR:PORT`.
export { explain, explainLines } from './explain.ts';
export { formatExplanation } from './format.ts';
export { commandModel, explainModel, type ExplainModel, type ExplainSysctls } from './figures.ts';
export { ExplainError, ACCEPTED_FORMS } from './explain-error.ts';
export type { Explanation, ExplainedField, Governor, TimerKind } from './explanation.ts';
export { watch, parseTarget, ssSampler, netstatSampler, fromSs, fromNetstat, type WatchOptions, type Sampler } from './watch.ts';
export { Narrator, type WatchedSocket } from './narrate.ts';
