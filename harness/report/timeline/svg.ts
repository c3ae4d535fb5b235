// SVG primitives shared by every layer of timeline.svg: the page's geometry, text,
// lines, markers, and rows that keep labels from overlapping.
import { INK } from './style.ts';

export const WIDTH = 1400;
export const LEFT = 200; // label column
export const RIGHT = 76; // room for the timer lanes' scale
export const X0 = LEFT;
export const X1 = WIDTH - RIGHT;
export const FONT = "font-family=\"'DejaVu Sans', 'Liberation Sans', Helvetica, Arial, sans-serif\"";
export const MONO = "font-family=\"'DejaVu Sans Mono', 'Liberation Mono', Menlo, monospace\"";

export type Shape = 'tri' | 'dot' | 'square' | 'diamond' | 'flag' | 'cross' | 'ring';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const r1 = (n: number) => Math.round(n * 10) / 10;

export function text(x: number, y: number, s: string, o: { size?: number; color?: string; anchor?: 'start' | 'middle' | 'end'; weight?: string; mono?: boolean; italic?: boolean } = {}): string {
  const attrs = [
    `x="${r1(x)}"`,
    `y="${r1(y)}"`,
    `font-size="${o.size ?? 13}"`,
    `fill="${o.color ?? INK}"`,
    o.anchor && o.anchor !== 'start' ? `text-anchor="${o.anchor}"` : '',
    o.weight ? `font-weight="${o.weight}"` : '',
    o.italic ? 'font-style="italic"' : '',
    o.mono ? MONO : '',
  ].filter(Boolean);
  return `<text ${attrs.join(' ')}>${esc(s)}</text>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, color: string, width = 1, dash?: string): string {
  return `<line x1="${r1(x1)}" y1="${r1(y1)}" x2="${r1(x2)}" y2="${r1(y2)}" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
}

/** A marker centred on (x, y). `ghost`: dashed outline only. */
export function marker(shape: Shape, x: number, y: number, color: string, ghost = false, size = 7): string {
  const paint = ghost
    ? `fill="#ffffff" fill-opacity="0.6" stroke="${color}" stroke-width="1.6" stroke-dasharray="3 2"`
    : `fill="${color}" stroke="#ffffff" stroke-width="1"`;
  const s = size;
  switch (shape) {
    case 'tri':
      return `<path d="M${r1(x - s)} ${r1(y - s)} L${r1(x + s)} ${r1(y)} L${r1(x - s)} ${r1(y + s)} Z" ${paint}/>`;
    case 'dot':
      return `<circle cx="${r1(x)}" cy="${r1(y)}" r="${r1(s * 0.55)}" ${paint}/>`;
    case 'ring':
      return `<circle cx="${r1(x)}" cy="${r1(y)}" r="${r1(s * 0.8)}" ${paint}/>`;
    case 'square':
      return `<rect x="${r1(x - s * 0.8)}" y="${r1(y - s * 0.8)}" width="${r1(s * 1.6)}" height="${r1(s * 1.6)}" ${paint}/>`;
    case 'diamond':
      return `<path d="M${r1(x)} ${r1(y - s)} L${r1(x + s)} ${r1(y)} L${r1(x)} ${r1(y + s)} L${r1(x - s)} ${r1(y)} Z" ${paint}/>`;
    case 'flag':
      return `<path d="M${r1(x - s * 0.7)} ${r1(y + s)} L${r1(x - s * 0.7)} ${r1(y - s)} L${r1(x + s)} ${r1(y - s * 0.4)} L${r1(x - s * 0.7)} ${r1(y + s * 0.2)} Z" ${paint}/>`;
    case 'cross': {
      const w = ghost ? 2 : 3.2;
      const dash = ghost ? ' stroke-dasharray="3 2"' : '';
      return `<g stroke="${color}" stroke-width="${w}" stroke-linecap="round"${dash}><line x1="${r1(x - s)}" y1="${r1(y - s)}" x2="${r1(x + s)}" y2="${r1(y + s)}"/><line x1="${r1(x - s)}" y1="${r1(y + s)}" x2="${r1(x + s)}" y2="${r1(y - s)}"/></g>`;
    }
  }
}

/** Rough width of a label in px (DejaVu Sans is about 0.6 em per character). */
export function textWidth(s: string, size: number): number {
  return s.length * size * 0.6;
}

/** Label rows: a label goes to the first row where it overlaps nothing placed before it. */
export class LabelRows {
  private readonly taken: Array<Array<[number, number]>>;
  constructor(rows: number) {
    this.taken = Array.from({ length: rows }, () => []);
  }
  place(left: number, right: number): number {
    for (let i = 0; i < this.taken.length; i++) {
      const row = this.taken[i]!;
      if (row.every(([a, b]) => right + 4 <= a || left >= b + 4)) {
        row.push([left, right]);
        return i;
      }
    }
    return -1;
  }
}
