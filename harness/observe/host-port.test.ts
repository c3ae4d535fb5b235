import { describe, expect, it } from 'vitest';
import { parseHostPort } from './host-port.ts';
import { TimerTextError } from './timer-text-error.ts';

describe('parseHostPort', () => {
  it.each([
    // every form below was printed by ss 6.1 or netstat on this project's machines,
    // except '*:*' (older ss, in the seed notes) and the %dev forms (ss source).
    ['127.0.0.1:5555', { addr: '127.0.0.1', port: 5555 }],
    ['0.0.0.0:*', { addr: '0.0.0.0', port: 0 }],
    ['*:*', { addr: '*', port: 0 }],
    ['[::1]:80', { addr: '::1', port: 80 }],
    ['[::]:*', { addr: '::', port: 0 }],
    ['::1:80', { addr: '::1', port: 80 }],
    [':::*', { addr: '::', port: 0 }],
    ['[::ffff:127.0.0.1]:443', { addr: '::ffff:127.0.0.1', port: 443 }],
    ['127.0.0.1%lo:22', { addr: '127.0.0.1', port: 22, dev: 'lo' }],
    ['[fe80::1]%eth0:22', { addr: 'fe80::1', port: 22, dev: 'eth0' }],
  ])('%s', (text, want) => {
    expect(parseHostPort(text)).toEqual(want);
  });

  it.each(['127.0.0.1', '127.0.0.1:ssh', ':80', '[::1]:99999', '[]:80'])('rejects %s', (text) => {
    expect(() => parseHostPort(text)).toThrow(TimerTextError);
  });

  it('says to use -n when a port is a service name', () => {
    expect(() => parseHostPort('10.0.0.1:ssh')).toThrow(/-n/);
  });
});
