// Runs the real `tcplab` CLI in a child process, as a user would, for tests.
import path from 'node:path';
import { execa, type Options } from 'execa';
import { PROJECT_DIR } from '../run-experiment.ts';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: readonly string[], options: Options = {}): Promise<CliRun> {
  const r = await execa(process.execPath, ['--import', 'tsx', path.join(PROJECT_DIR, 'harness/cli.ts'), ...args], {
    cwd: PROJECT_DIR,
    reject: false,
    ...options,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
