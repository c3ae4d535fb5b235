// The runner as one JavaScript file, built with esbuild from harness/runner/main.ts.
//
// Every backend starts the runner from this bundle instead of through tsx: tsx
// compiles the runner's ~100 modules on every start, which costs about a second
// of CPU on the host and 30-45 s in a TCG guest (measured on the fast catalogue
// in a 6.1 guest, 4 runs at once). Named by its content's hash under
// node_modules/.cache (inside the project, so 'koffi' resolves from it, and so
// docker's read-only bind mount and a vm's 9p root see it at the same path).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/** Native modules stay outside the bundle, loaded from node_modules as usual. */
const EXTERNAL = ['koffi'];

const built = new Map<string, Promise<string>>();

/** Built once per process (about 150 ms), then reused by every run. */
export function runnerBundle(projectDir: string): Promise<string> {
  return bundle(projectDir, 'harness/runner/main.ts', 'runner');
}

/**
 * Any entry point as one file, node_modules/.cache/tcplab/<name>-<hash>.mjs, built
 * once per process. `packagesOutside`: leave every npm package out (loaded from
 * node_modules at run time), for code whose dependencies carry native addons
 * (dockerode → ssh2), which esbuild cannot bundle.
 */
export function bundle(projectDir: string, entry: string, name: string, packagesOutside = false): Promise<string> {
  const key = `${projectDir}\0${entry}`;
  let file = built.get(key);
  if (!file) {
    file = buildBundle(projectDir, entry, name, packagesOutside);
    built.set(key, file);
  }
  return file;
}

async function buildBundle(projectDir: string, entry: string, name: string, packagesOutside: boolean): Promise<string> {
  const r = await build({
    entryPoints: [path.join(projectDir, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    ...(packagesOutside ? { packages: 'external' as const } : {}),
    write: false,
    logLevel: 'silent',
    // Bundled CommonJS dependencies call require(); ESM has none of its own.
    banner: { js: "import { createRequire as tcplabCreateRequire } from 'node:module'; const require = tcplabCreateRequire(import.meta.url);" },
  });
  const code = r.outputFiles[0]!.contents;
  const hash = crypto.createHash('sha256').update(code).digest('hex').slice(0, 12);
  const file = path.join(projectDir, 'node_modules/.cache/tcplab', `${name}-${hash}.mjs`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Several tcplab processes may build at once: write aside, then rename.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, file);
  }
  return file;
}
