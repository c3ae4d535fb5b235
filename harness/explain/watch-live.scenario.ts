// The live test of `explain --watch` (watch.test.ts) runs this inside a throwaway
// network namespace: `unshare -n node --import tsx watch-live.scenario.ts`.
// It never touches the host's network: the namespace, its loopback and its
// iptables rule vanish when this process exits.
//
//   0 s     client connects to 127.0.0.1:5555, keepalive 1 s / 1 s / 5, user timeout 2.5 s;
//           the watch starts once those are set
//   ~0.1 s  iptables drops everything on lo
//   ~1 s    keepalive probe 1 (unanswered)
//   1.5 s   the client writes 1 byte: the retransmission timer takes over
//   ~4-5 s  the user timeout ends it: ETIMEDOUT, the socket is gone
// Prints one JSON line: { lines, clientError, netns } (netns: this namespace's inode link).
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import net from 'node:net';
import { fdOf, setIntOption } from '../runner/sockopt.ts';
import { watch } from './watch.ts';

const PORT = 5555;
const lines: string[] = [];
const stop = new AbortController();
let clientError: string | null = null;

execFileSync('ip', ['link', 'set', 'lo', 'up']);
const accepted: net.Socket[] = [];
const server = net.createServer((s) => {
  accepted.push(s);
  s.on('error', () => {});
});
await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));

const client = net.connect({ host: '127.0.0.1', port: PORT });
await new Promise<void>((resolve) => client.once('connect', () => resolve()));
const fd = fdOf(client);
setIntOption(fd, 'SO_KEEPALIVE', 1);
setIntOption(fd, 'TCP_KEEPIDLE', 1);
setIntOption(fd, 'TCP_KEEPINTVL', 1);
setIntOption(fd, 'TCP_KEEPCNT', 5);
setIntOption(fd, 'TCP_USER_TIMEOUT', 2500);
// Watch only now that keepalive is armed (setsockopt is synchronous): the first
// sample that shows the connection then always shows its keepalive timer. Watching
// from before connect() let a sample fall between connect and SO_KEEPALIVE, so the
// connection first appeared as "ESTAB, no timer".
const watching = watch(`127.0.0.1:${PORT}`, { onLine: (l) => lines.push(l), interval_ms: 50, signal: stop.signal });
const died = new Promise<void>((resolve) => {
  client.on('error', (e: NodeJS.ErrnoException) => {
    clientError = e.code ?? e.message;
    resolve();
  });
  client.on('close', () => resolve());
});

await sleep(100);
execFileSync('iptables', ['-A', 'INPUT', '-i', 'lo', '-j', 'DROP']);
await sleep(1400);
client.write('x');
await Promise.race([died, sleep(15_000)]);
await sleep(400); // let the watcher see the socket gone
stop.abort();
await watching;
for (const s of accepted) s.destroy();
server.close();
process.stdout.write(JSON.stringify({ lines, clientError, netns: readlinkSync('/proc/self/ns/net') }) + '\n');
process.exit(0);

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
