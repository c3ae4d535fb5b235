// The fields every soak document (soak.json, kill-soak.json, observer-effect.json)
// begins with: which tool and kind, when it started, how long it ran, where.
export interface SoakDocHeader<K extends string> {
  tool: 'tcplab';
  kind: K;
  started_at: string;
  wall_s: number;
  backend: string;
}

/** The header of a document whose run began at `started` (ms since the epoch) and ends now. */
export function soakDocHeader<K extends string>(kind: K, started: number, backend: string): SoakDocHeader<K> {
  return { tool: 'tcplab', kind, started_at: new Date(started).toISOString(), wall_s: Math.round((Date.now() - started) / 100) / 10, backend };
}
