// "address:port" as ss and netstat print a socket's end.
//
// Forms seen (ss = iproute2 6.1, netstat = net-tools 2.10):
//   127.0.0.1:5555   ss and netstat, IPv4
//   [::1]:80         ss, IPv6 in brackets
//   ::1:80  :::*     netstat, IPv6 without brackets (the port is after the last ':')
//   0.0.0.0:*  [::]:*  *:*   a listener's peer; older ss printed '*' for the address too
//   127.0.0.1%lo:22  [fe80::1]%eth0:22   ss, socket bound to a device (SO_BINDTODEVICE)

import { TimerTextError } from './timer-text-error.ts';

export interface HostPort {
  addr: string;
  /** 0 stands for the wildcard port '*', as it does in the sockets API. */
  port: number;
  /** The device after '%', when the socket is bound to one. */
  dev?: string;
}

export function parseHostPort(text: string): HostPort {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) throw new TimerTextError(text, 'not an address:port pair');
  const portText = text.slice(colon + 1);
  let host = text.slice(0, colon);

  let port: number;
  if (portText === '*') port = 0;
  else if (/^\d+$/.test(portText) && Number(portText) <= 65535) port = Number(portText);
  else throw new TimerTextError(text, `port '${portText}' is not a number`, 'run ss / netstat with -n');

  let dev: string | undefined;
  const pct = host.lastIndexOf('%');
  if (pct > 0 && !host.slice(pct).includes(']')) {
    dev = host.slice(pct + 1);
    host = host.slice(0, pct);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '') throw new TimerTextError(text, 'empty address');

  return dev === undefined ? { addr: host, port } : { addr: host, port, dev };
}
