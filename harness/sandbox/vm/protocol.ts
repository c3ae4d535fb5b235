// What the host and the guest agent (guest-agent.mjs) say to each other over
// the virtio-serial port: one JSON object per line.

/** Host → guest. */
export type HostMessage =
  | { op: 'hello' }
  // No time limit: the host keeps limits on its own clock and sends kill (guest.ts).
  | { op: 'exec'; id: number; argv: readonly string[]; cwd: string; env?: Record<string, string> }
  | { op: 'kill'; id: number; signal?: string };

/** Guest → host. */
export type GuestMessage =
  | { t: 'hello'; release: string; uptime_s: number; sysctls: string[] }
  | { t: 'line'; id: number; line: string }
  | { t: 'exit'; id: number; code: number | null; signal: string | null; stderr: string; timedOut: boolean };

/** Splits a byte stream into lines and parses each as a GuestMessage. */
export function lineDecoder(onMessage: (m: GuestMessage) => void, onJunk: (line: string) => void): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (!line) continue;
      let m: GuestMessage;
      try {
        m = JSON.parse(line) as GuestMessage;
      } catch {
        onJunk(line);
        continue;
      }
      onMessage(m);
    }
  };
}
