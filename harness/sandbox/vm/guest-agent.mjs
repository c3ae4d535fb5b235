// The tcplab guest agent: the one process the VM backend talks to. It runs in
// the guest right after switch_root (initramfs-init.sh) and speaks JSON lines
// over the virtio-serial port named "tcplab" (protocol.ts has the message
// shapes). It only starts commands and reports what they print and how they end;
// everything tcplab does in a guest (namespaces, sysctls, the runner) is such a
// command.
//
// Plain JavaScript on purpose: a guest under TCG runs 10-16x slower, and this
// file must answer within the boot budget without tsx compiling anything.
//
// Should the host's end of the port close while qemu lives on, reads return 0:
// the agent exits and the guest powers off. (qemu itself dies with the tcplab
// process that started it: guest.ts starts it under setpriv --pdeathsig.)
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const STDERR_KEEP = 64 * 1024;

function findPort() {
  const base = '/sys/class/virtio-ports';
  for (const dev of fs.readdirSync(base)) {
    const name = fs.readFileSync(`${base}/${dev}/name`, 'utf8').trim();
    if (name === 'tcplab') return `/dev/${dev}`;
  }
  throw new Error('no virtio-serial port named tcplab');
}

const fd = fs.openSync(findPort(), 'r+');
const children = new Map();

function send(message) {
  const data = Buffer.from(`${JSON.stringify(message)}\n`);
  // A virtio port takes at most 32 KiB per write (drivers/char/virtio_console.c
  // port_fops_write): write the rest until the whole line is out.
  for (let off = 0; off < data.length; ) {
    try {
      off += fs.writeSync(fd, data, off);
    } catch {
      // The host is not connected yet: it asks for hello again.
      return;
    }
  }
}

function hello() {
  let sysctls = [];
  try {
    sysctls = fs.readdirSync('/proc/sys/net/ipv4').map((n) => `net.ipv4.${n}`);
  } catch {
    // reported as none
  }
  send({ t: 'hello', release: fs.readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(), uptime_s: Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]), sysctls });
}

function exec(m) {
  let stderr = '';
  let pending = '';
  const child = spawn(m.argv[0], m.argv.slice(1), {
    cwd: m.cwd,
    env: { ...process.env, ...m.env },
    // stdin stays an open pipe: the runner stops when it ends (runner/main.ts).
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  children.set(m.id, child);
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  child.kill = (signal = 'SIGTERM') => kill(signal);
  child.stdout.on('data', (chunk) => {
    pending += chunk.toString();
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      send({ t: 'line', id: m.id, line: pending.slice(0, nl) });
      pending = pending.slice(nl + 1);
    }
  });
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP);
  });
  child.on('error', (err) => {
    stderr += String(err.message);
  });
  child.on('close', (code, signal) => {
    if (pending) send({ t: 'line', id: m.id, line: pending });
    children.delete(m.id);
    // Limits are the host's (guest.ts keeps them on its own clock and sends kill).
    send({ t: 'exit', id: m.id, code, signal, stderr, timedOut: false });
  });
}

function handle(m) {
  if (m.op === 'hello') hello();
  else if (m.op === 'exec') exec(m);
  else if (m.op === 'kill') children.get(m.id)?.kill(m.signal ?? 'SIGTERM');
}

// Reads run on libuv's thread pool: the port is a character device, not a pipe.
let heard = false;
let buffered = '';
const chunk = Buffer.alloc(64 * 1024);
function readLoop() {
  fs.read(fd, chunk, 0, chunk.length, null, (err, n) => {
    if (err || n === 0) {
      // 0 before the host ever spoke: not connected yet. After: the host is gone.
      if (heard || err) return shutdown();
      return setTimeout(readLoop, 50);
    }
    heard = true;
    buffered += chunk.toString('utf8', 0, n);
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim()) handle(JSON.parse(line));
    }
    readLoop();
  });
}

function shutdown() {
  for (const child of children.values()) child.kill('SIGKILL');
  // initramfs-init.sh powers the guest off once this process is gone.
  setTimeout(() => process.exit(0), 200);
}

hello();
readLoop();
