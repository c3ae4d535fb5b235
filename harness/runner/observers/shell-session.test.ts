import { describe, expect, it } from 'vitest';
import { ShellSession } from './shell-session.ts';

describe('ShellSession', () => {
  it("returns each command's whole stdout, in call order, from one shell", async () => {
    const shell = ShellSession.start();
    const [a, b, c] = await Promise.all([
      shell.run({ file: 'printf', args: ['one\\ntwo\\n'] }),
      shell.run({ file: 'printf', args: ['no newline at the end'] }),
      shell.run({ file: 'sh', args: ['-c', 'echo $PPID'] }),
    ]);
    expect(a).toBe('one\ntwo\n');
    expect(b).toBe('no newline at the end');
    const [d] = await Promise.all([shell.run({ file: 'sh', args: ['-c', 'echo $PPID'] })]);
    expect(d).toBe(c); // the same shell ran both: nothing was forked from this process
    expect(Number(c.trim())).not.toBe(process.pid);
    await shell.close();
  });

  it('passes arguments verbatim (no shell expansion) and runs at a lower priority', async () => {
    const shell = ShellSession.start();
    expect(await shell.run({ file: 'printf', args: ['%s|', "it's $HOME *"] })).toBe("it's $HOME *|");
    expect(Number((await shell.run({ file: 'nice', args: [] })).trim())).toBe(10);
    await shell.close();
  });

  it("answers '' once the shell has gone instead of hanging", async () => {
    const shell = ShellSession.start();
    expect(await shell.run({ file: 'sh', args: ['-c', 'kill -9 $PPID'] })).toBe('');
    expect(await shell.run({ file: 'echo', args: ['late'] })).toBe('');
    await shell.close();
  });
});
