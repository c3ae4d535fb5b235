// One runner stdout line → a few words for the live status line.
import { parseSsLine } from '../observe/ss-timer.ts';

export function liveText(line: string): string | undefined {
  let e: { kind?: string; [k: string]: unknown };
  try {
    e = JSON.parse(line);
  } catch {
    return undefined;
  }
  const t = typeof e.t === 'number' ? `${e.t.toFixed(1)}s ` : '';
  switch (e.kind) {
    case 'ss': {
      const timers = (e.lines as string[])
        .map((l) => parseSsLine(l))
        .filter((s) => s && s.state !== 'LISTEN' && s.timer)
        .map((s) => `${s!.state} ${s!.timer!.name} ${s!.timer!.remaining_s.toFixed(1)}s #${s!.timer!.count}`);
      return timers.length ? `${t}${timers.join(' | ')}` : undefined;
    }
    case 'syscall':
      return `${t}${e.side} ${e.call} → ${e.error ?? e.result}`;
    case 'firewall':
      return `${t}firewall ${e.action}: ${e.rule}`;
    case 'mark':
      return `${t}${e.name}`;
    default:
      return undefined;
  }
}
