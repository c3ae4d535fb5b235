// The picture's colours and how each packet class is drawn.
import type { PacketClass } from '../../events.ts';
import type { Shape } from './svg.ts';

export const GREEN = '#1a7f37';
export const RED = '#cf222e';
export const GHOST = '#6e7781';
export const GRID = '#d0d7de';
export const INK = '#1f2328';
export const DIM = '#57606a';

export interface ClassStyle {
  shape: Shape;
  color: string;
  /** Short label on the picture. */
  short: string;
  /** Legend text. */
  legend: string;
}

export const CLASS_STYLE: Record<PacketClass, ClassStyle> = {
  syn: { shape: 'tri', color: '#0969da', short: 'SYN', legend: 'SYN' },
  'syn-retrans': { shape: 'tri', color: '#e16f24', short: 'SYN rtx', legend: 'SYN retransmit' },
  synack: { shape: 'tri', color: '#1b7c83', short: 'SYN-ACK', legend: 'SYN-ACK' },
  'synack-retrans': { shape: 'tri', color: '#e16f24', short: 'SYN-ACK rtx', legend: 'SYN-ACK retransmit' },
  ack: { shape: 'dot', color: '#8c959f', short: 'ACK', legend: 'bare ACK' },
  'challenge-ack': { shape: 'dot', color: '#bf3989', short: 'chal. ACK', legend: 'challenge ACK (answers a SYN)' },
  data: { shape: 'square', color: '#2da44e', short: 'data', legend: 'data' },
  'data-retrans': { shape: 'square', color: '#e16f24', short: 'rtx', legend: 'data retransmit / loss probe' },
  'keepalive-probe': { shape: 'diamond', color: '#8250df', short: 'probe', legend: 'keepalive probe' },
  'window-probe': { shape: 'diamond', color: '#9a6700', short: 'win probe', legend: 'zero-window probe' },
  fin: { shape: 'flag', color: '#0550ae', short: 'FIN', legend: 'FIN' },
  rst: { shape: 'cross', color: RED, short: 'RST', legend: 'RST' },
};

export const TIMER_COLOR: Record<string, string> = {
  on: '#e16f24',
  keepalive: '#8250df',
  persist: '#9a6700',
  probe: '#9a6700',
  timewait: '#57606a',
  unknown: '#57606a',
};
