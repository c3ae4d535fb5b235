// How to apply a recommendation in the languages people write servers in. Text only:
// tcplab never changes the host's sysctls, it prints the lines.
import type { TuneSettings } from './recommend.ts';

export interface Snippet {
  lang: 'node' | 'go' | 'python' | 'java' | 'sysctl';
  /** What the language's own API cannot do, and why. */
  note: string;
  code: string;
}

export function snippets(s: TuneSettings, tcp_retries2: number | null): Snippet[] {
  const k = s.keepalive;
  const ut = s.user_timeout_ms;
  return [node(k, ut), go(k, ut), python(k, ut), java(k, ut), sysctl(k, tcp_retries2)];
}

type Keepalive = TuneSettings['keepalive'];

function node(k: Keepalive, ut: number | null): Snippet {
  const lines = [
    "// Node has no setsockopt: call libc's through an FFI (koffi, as harness/runner/sockopt.ts does) or a native addon.",
    "import koffi from 'koffi';",
    "const setsockopt = koffi.load('libc.so.6').func('int setsockopt(int, int, int, const void *, uint32_t)');",
    'const set = (fd, level, name, v) => { if (setsockopt(fd, level, name, Buffer.from(new Int32Array([v]).buffer), 4) !== 0) throw new Error(`setsockopt ${name}`); };',
    '// fd: socket._handle.fd once connected (Linux; not a public API).',
  ];
  if (k) {
    lines.push(
      'set(fd, 1 /* SOL_SOCKET */, 9 /* SO_KEEPALIVE */, 1);',
      `set(fd, 6 /* IPPROTO_TCP */, 4 /* TCP_KEEPIDLE */, ${k.idle_s});`,
      `set(fd, 6, 5 /* TCP_KEEPINTVL */, ${k.intvl_s});`,
      `set(fd, 6, 6 /* TCP_KEEPCNT */, ${k.cnt});`,
    );
  }
  if (ut) lines.push(`set(fd, 6, 18 /* TCP_USER_TIMEOUT */, ${ut});`);
  return {
    lang: 'node',
    note:
      'socket.setKeepAlive(true, ms) is not enough: libuv\'s uv__tcp_keepalive() (Node 20: libuv 1.46) sets SO_KEEPALIVE and TCP_KEEPIDLE = ms/1000 truncated ' +
      '(so under 1 s is no delay), and always overwrites TCP_KEEPINTVL = 1 and TCP_KEEPCNT = 10; Node has no TCP_USER_TIMEOUT at all. Call setKeepAlive() first if you use it, then these.',
    code: lines.join('\n'),
  };
}

function go(k: Keepalive, ut: number | null): Snippet {
  const lines = ['d := net.Dialer{'];
  if (k) {
    lines.push(
      `\tKeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: ${k.idle_s} * time.Second, Interval: ${k.intvl_s} * time.Second, Count: ${k.cnt}}, // Go 1.23+`,
    );
  }
  if (ut) {
    lines.push(
      '\tControl: func(network, address string, c syscall.RawConn) error {',
      '\t\tvar serr error',
      `\t\terr := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, ${ut}) })`,
      '\t\tif err != nil { return err }',
      '\t\treturn serr',
      '\t},',
    );
  }
  lines.push('}');
  return {
    lang: 'go',
    note: 'Before Go 1.23 KeepAlive sets idle and interval to the same value and leaves the count at the sysctl; TCP_USER_TIMEOUT (18) is golang.org/x/sys/unix.TCP_USER_TIMEOUT.',
    code: lines.join('\n'),
  };
}

function python(k: Keepalive, ut: number | null): Snippet {
  const lines: string[] = [];
  if (k) {
    lines.push(
      'sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)',
      `sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, ${k.idle_s})`,
      `sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, ${k.intvl_s})`,
      `sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, ${k.cnt})`,
    );
  }
  if (ut) lines.push(`sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, ${ut})  # Python 3.6+ on Linux`);
  return { lang: 'python', note: 'The socket module has every option on Linux.', code: lines.join('\n') };
}

function java(k: Keepalive, ut: number | null): Snippet {
  const lines: string[] = [];
  if (k) {
    lines.push(
      'socket.setOption(StandardSocketOptions.SO_KEEPALIVE, true);',
      `socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, ${k.idle_s});      // jdk.net, JDK 11+`,
      `socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, ${k.intvl_s});`,
      `socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, ${k.cnt});`,
    );
  }
  return {
    lang: 'java',
    note: ut
      ? `The JDK has no TCP_USER_TIMEOUT: the sending case (${ut} ms) needs JNI/JNA, Netty's epoll transport (EpollChannelOption.TCP_USER_TIMEOUT), or tcp_retries2 host-wide.`
      : 'ExtendedSocketOptions (jdk.net) sets the keepalive knobs per socket.',
    code: lines.join('\n'),
  };
}

function sysctl(k: Keepalive, tcp_retries2: number | null): Snippet {
  const lines: string[] = [];
  if (k) {
    lines.push(`net.ipv4.tcp_keepalive_time = ${k.idle_s}`, `net.ipv4.tcp_keepalive_intvl = ${k.intvl_s}`, `net.ipv4.tcp_keepalive_probes = ${k.cnt}`);
  }
  if (tcp_retries2 !== null) lines.push(`net.ipv4.tcp_retries2 = ${tcp_retries2}`);
  return {
    lang: 'sysctl',
    note:
      'Host-wide defaults (per network namespace), for sockets that set nothing themselves; keepalive still needs SO_KEEPALIVE on each socket. There is no sysctl for TCP_USER_TIMEOUT: ' +
      'tcp_retries2 is the host-wide bound on retransmissions. tcplab prints these and never applies them.',
    code: lines.join('\n'),
  };
}
