// A horizontal lane of the picture: its title column and its bottom rule.
import { DIM, GRID } from './style.ts';
import { line, text, X0, X1 } from './svg.ts';

export interface Lane {
  id: string;
  title: string;
  subtitle?: string;
  height: number;
  draw(top: number): string[];
}

export function laneFrame(l: Lane, top: number): string[] {
  const out: string[] = [];
  out.push(text(16, top + 22, l.title, { size: 14, weight: 'bold' }));
  if (l.subtitle) {
    l.subtitle.split('\n').forEach((s, i) => out.push(text(16, top + 40 + i * 15, s, { size: 12, color: DIM })));
  }
  out.push(line(X0, top + l.height, X1, top + l.height, GRID));
  return out;
}
