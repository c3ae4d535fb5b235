// How times, errors and the model's labels are written on the picture.

export function fmtS(s: number): string {
  if (Math.abs(s) >= 100) return `${s.toFixed(1)} s`;
  if (Math.abs(s) >= 10) return `${s.toFixed(2)} s`;
  return `${s.toFixed(3)} s`;
}

export function fmtErr(s: number): string {
  const v = s * 1000;
  const sign = v >= 0 ? '+' : '−';
  const a = Math.abs(v);
  return a >= 1000 ? `${sign}${Math.abs(s).toFixed(2)} s` : `${sign}${a < 1 ? a.toFixed(2) : a.toFixed(1)} ms`;
}

/** "keepalive probe 2" → "probe 2"; "RTO retransmission 3" → "RTO 3"; long labels cut. */
export function shortLabel(label: string): string {
  const s = label
    .replace(/^keepalive probe/, 'probe')
    .replace(/^RTO retransmission/, 'RTO')
    .replace(/^SYN-ACK retransmission/, 'SYN-ACK')
    .replace(/^SYN retransmission/, 'SYN')
    .replace(/^zero-window probe/, 'zwp')
    .replace(/^tail loss probe$/, 'TLP');
  const cut = s.split(/[:(]/)[0]!.trim();
  return cut.length > 28 ? `${cut.slice(0, 27)}…` : cut;
}
