// timeline.svg: drawn layer by layer in harness/report/timeline/ (index.ts composes them).
export { renderTimeline, writeTimeline } from './timeline/index.ts';
