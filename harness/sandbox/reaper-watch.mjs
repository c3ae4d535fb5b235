// The reaper's watcher, like testcontainers' Ryuk: a detached process that holds
// the read end of a pipe whose write end only the tcplab process owns. However
// that process ends (exit, Ctrl-C, a crash, kill -9), the pipe closes, and the
// watcher runs `tcplab exp --cleanup`, which removes every tcplab namespace,
// container and guest whose owner is gone. Plain JS: it must start in
// milliseconds and be idle (no CPU) while the run goes on.
//
//   node reaper-watch.mjs <project dir>
import { spawn } from 'node:child_process';
import path from 'node:path';

const [projectDir] = process.argv.slice(2);
let fired = false;
const reap = () => {
  if (fired) return;
  fired = true;
  const tsx = path.join(projectDir, 'node_modules', '.bin', 'tsx');
  const cleanup = spawn(tsx, [path.join(projectDir, 'harness', 'cli.ts'), 'exp', '--cleanup'], { cwd: projectDir, stdio: 'ignore' });
  cleanup.on('exit', () => process.exit(0));
  cleanup.on('error', () => process.exit(1));
};
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
process.stdin.resume();
