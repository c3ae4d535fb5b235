// Sandboxes are always destroyed: on success, on failure (finally), and on
// Ctrl-C / SIGTERM / a timeout (the signal handler destroys every live one
// before the process exits).
import fs from 'node:fs';
import { procSysPath, resolveSysctls } from '../experiment/sysctls.ts';
import { startReaper } from './reaper.ts';
import type { Backend, Sandbox, SandboxSpec } from './sandbox.ts';

const live = new Set<Sandbox>();
let handlersInstalled = false;

/** Ctrl-C, SIGTERM and SIGHUP remove every live sandbox, then exit (also called before a vm boots). */
export function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // What a handler cannot clean (kill -9, a sandbox half-created) the reaper does once we are gone.
  void startReaper();
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: removing ${live.size} sandbox(es)…\n`);
      void destroyAll().finally(() => process.exit(code));
    });
  }
}

export async function destroyAll(): Promise<void> {
  await Promise.allSettled([...live].map((s) => s.destroy()));
  live.clear();
}

export async function withSandbox<T>(backend: Backend, spec: SandboxSpec, use: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  installSignalHandlers();
  // Before anything exists that a kill -9 could leave behind.
  await startReaper();
  // Optional sysctls (experiment/sysctls.ts) the kernel lacks are dropped here,
  // so backends only see plain names. netns and docker run on the host's kernel.
  const has = (name: string) => backend.hasSysctl?.(name) ?? fs.existsSync(procSysPath(name));
  const sandbox = await backend.create({ ...spec, sysctls: resolveSysctls(spec.sysctls, has).sysctls });
  live.add(sandbox);
  try {
    return await use(sandbox);
  } finally {
    live.delete(sandbox);
    await sandbox.destroy();
  }
}
