// The free-form tail of an ss line: the `-i` TCP info (and `-p`/`-e` extras).
//
// ss prints it as space-separated words in a few shapes (iproute2 6.1, seen here):
//   key:value          rto:204  retrans:1/3  wscale:10,10  busy:232ms  rwnd_limited:244ms(100.0%)
//   key:(…)            bbr:(bw:0bps,mrtt:0.029)  users:(("python3",pid=5164,fd=3))
//   key value          send 37449142857bps  pacing_rate 90186894408bps  delivery_rate 7489828568bps
//   bare word          ts  sack  ecn  app_limited  and the congestion control's name (bbr, cubic)
// We keep keys and values raw — numbers where the value is a plain number — so
// that nothing ss adds in a later version is lost or misread.

/** A bare word (a flag such as `ts`, `sack`, `app_limited`) is stored as `true`. */
export type SsInfoValue = string | number | true;
export type SsInfo = Record<string, SsInfoValue>;

/**
 * Splits ss text into fields at whitespace, except inside (…) or "…", so that
 * `bbr:(bw:0bps, …)` or a process name with spaces stays one field.
 */
export function splitSsFields(text: string): string[] {
  const fields: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth = Math.max(0, depth - 1);
    if (!quoted && depth === 0 && /\s/.test(ch)) {
      if (current) fields.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) fields.push(current);
  return fields;
}

export function parseSsInfo(fields: readonly string[]): SsInfo {
  const info: SsInfo = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    const colon = field.indexOf(':');
    if (colon > 0) {
      info[field.slice(0, colon)] = rawValue(field.slice(colon + 1));
      continue;
    }
    // "send 123bps": a bare word directly followed by a number-led word is a pair.
    const next = fields[i + 1];
    if (next !== undefined && /^\d/.test(next)) {
      info[field] = rawValue(next);
      i++;
      continue;
    }
    // A flag. Do not let it overwrite a value, e.g. the cc name 'bbr' vs 'bbr:(…)'.
    if (!(field in info)) info[field] = true;
  }
  return info;
}

function rawValue(text: string): string | number {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}
