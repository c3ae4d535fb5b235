// The docker backend's image: docker/Dockerfile's `sandbox` stage, tagged
// tcplab:<first 12 hex of the Dockerfile's sha256>, so that an edited Dockerfile
// gives a new tag and the outdated image is rebuilt by itself on the next run.
// Built through dockerode with its progress on stderr. When the base image
// (debian:bookworm-slim) is absent and cannot be pulled (hosts without a
// registry), docker/bootstrap-base.sh builds it with debootstrap first.
// The command that builds it by hand and in CI is docker-image-cli.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { execa } from 'execa';
import { PrerequisiteError } from '../errors.ts';

const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DOCKER_DIR = path.join(PROJECT_DIR, 'docker');
export const DOCKERFILE = path.join(DOCKER_DIR, 'Dockerfile');
export const BOOTSTRAP_SCRIPT = path.join(DOCKER_DIR, 'bootstrap-base.sh');
/** The Dockerfile stage the backend runs (the `cli` stage is docker-compose.yml's). */
export const SANDBOX_TARGET = 'sandbox';
export const IMAGE_REPO = 'tcplab';

export type Log = (line: string) => void;
const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);

/** tcplab:<hash>: the hash of the Dockerfile's bytes, so any edit means a new image. */
export function imageTag(dockerfile = DOCKERFILE): string {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(dockerfile)).digest('hex');
  return `${IMAGE_REPO}:${hash.slice(0, 12)}`;
}

/** The image of the first FROM line (the base every stage builds on). */
export function baseImage(dockerfile = DOCKERFILE): string {
  const from = /^\s*FROM\s+(?:--\S+\s+)*(\S+)/im.exec(fs.readFileSync(dockerfile, 'utf8'));
  if (!from?.[1]) throw new Error(`${dockerfile} has no FROM line`);
  return from[1];
}

export async function imagePresent(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/** Read a docker JSON-lines progress stream; resolve with the error message it reported, if any. */
function follow(stream: NodeJS.ReadableStream, onObject: (o: ProgressObject) => void): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let error: string | undefined;
    const handle = (line: string) => {
      if (!line.trim()) return;
      let o: ProgressObject;
      try {
        o = JSON.parse(line) as ProgressObject;
      } catch {
        o = { stream: line };
      }
      if (o.error) error = o.errorDetail?.message ?? o.error;
      onObject(o);
    };
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        handle(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    stream.on('end', () => {
      handle(pending);
      resolve(error);
    });
    stream.on('error', reject);
  });
}

interface ProgressObject {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** Try `docker pull`; false (with the reason logged) when no registry answers. */
async function tryPull(docker: Docker, image: string, log: Log): Promise<boolean> {
  log(`tcplab: pulling ${image}…`);
  try {
    const stream = await docker.pull(image);
    const seen = new Set<string>();
    const error = await follow(stream, (o) => {
      // One line per layer and state, not every progress tick.
      const key = `${o.id ?? ''} ${o.status ?? ''}`;
      if (o.status && !seen.has(key)) {
        seen.add(key);
        log(`  ${o.id ? `${o.id}: ` : ''}${o.status}`);
      }
    });
    if (error) throw new Error(error);
    return true;
  } catch (err) {
    log(`tcplab: cannot pull ${image}: ${(err as Error).message.trim().split('\n')[0]}`);
    return false;
  }
}

/**
 * Make sure the base image exists: present, else pulled, else built locally by
 * docker/bootstrap-base.sh (debootstrap + docker import; needs root).
 */
export async function ensureBaseImage(docker: Docker, log: Log = stderrLog): Promise<void> {
  const base = baseImage();
  if (await imagePresent(docker, base)) return;
  if (await tryPull(docker, base, log)) return;
  log(`tcplab: building ${base} locally instead: ${path.relative(process.cwd(), BOOTSTRAP_SCRIPT) || BOOTSTRAP_SCRIPT} (debootstrap from Debian's archive, then docker import; about a minute)`);
  const r = await execa('bash', [BOOTSTRAP_SCRIPT, base], { reject: false, stdin: 'ignore', stdout: 'inherit', stderr: 'inherit' });
  if (r.exitCode !== 0 || !(await imagePresent(docker, base))) {
    throw new PrerequisiteError(
      `the base image ${base} is missing: it could not be pulled, and ${path.basename(BOOTSTRAP_SCRIPT)} failed (exit ${r.exitCode})`,
      `as root, run bash ${BOOTSTRAP_SCRIPT} (needs debootstrap and Debian's apt mirror), or docker pull ${base} where a registry is reachable`,
    );
  }
}

/**
 * The build context: what the sandbox stage needs, laid out as in the project
 * (docker/Dockerfile, docker/ca/), in a temporary folder. The builder stages
 * fetch from the npm registry; behind a TLS-intercepting proxy the host trusts
 * its CA through NODE_EXTRA_CA_CERTS, so that file joins docker/ca/ (a CA
 * certificate is public; only builder stages see it).
 */
function buildContext(log: Log): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-build-'));
  fs.mkdirSync(path.join(dir, 'docker/ca'), { recursive: true });
  fs.copyFileSync(DOCKERFILE, path.join(dir, 'docker/Dockerfile'));
  const caDir = path.join(DOCKER_DIR, 'ca');
  for (const f of fs.existsSync(caDir) ? fs.readdirSync(caDir) : []) {
    if (/\.(crt|pem)$/.test(f)) fs.copyFileSync(path.join(caDir, f), path.join(dir, 'docker/ca', f));
  }
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra && fs.existsSync(extra) && fs.readFileSync(extra, 'utf8').includes('-----BEGIN CERTIFICATE-----')) {
    fs.copyFileSync(extra, path.join(dir, 'docker/ca/host-node-extra-ca-certs.pem'));
    log(`tcplab: the build's npm also trusts ${extra} (NODE_EXTRA_CA_CERTS)`);
  }
  return dir;
}

/** Build docker/Dockerfile's sandbox stage as `tag`, progress on `log`. */
export async function buildImage(docker: Docker, options: { log?: Log; tag?: string } = {}): Promise<string> {
  const log = options.log ?? stderrLog;
  const tag = options.tag ?? imageTag();
  await ensureBaseImage(docker, log);
  log(`tcplab: building image ${tag} from ${path.relative(process.cwd(), DOCKERFILE) || DOCKERFILE} (target ${SANDBOX_TARGET}; once per Dockerfile change)`);
  const started = Date.now();
  const tail: string[] = [];
  let error: string | undefined;
  try {
    const context = buildContext(log);
    try {
      const stream = await docker.buildImage(
        { context, src: ['docker'] },
        { t: tag, dockerfile: 'docker/Dockerfile', target: SANDBOX_TARGET, rm: true, forcerm: true, labels: { 'tcplab.dockerfile-tag': tag } },
      );
      error = await follow(stream, (o) => {
        for (const line of (o.stream ?? '').split('\n')) {
          if (!line.trim()) continue;
          tail.push(line);
          if (tail.length > 15) tail.shift();
          log(/^Step \d+\/\d+ :/.test(line) ? line : `  │ ${line}`);
        }
      });
    } finally {
      fs.rmSync(context, { recursive: true, force: true });
    }
  } catch (err) {
    error = (err as Error).message;
  }
  if (error || !(await imagePresent(docker, tag))) {
    throw new PrerequisiteError(
      `building the docker image ${tag} failed: ${(error ?? 'the engine reported no image').trim()}`,
      `fix docker/Dockerfile or the engine's network (the build runs apt-get inside), then retry; to build by hand: npx tsx harness/sandbox/docker-image-cli.ts --rebuild; or use --backend netns (as root)${tail.length ? `\n    last build output:\n      ${tail.join('\n      ')}` : ''}`,
    );
  }
  log(`tcplab: built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await removeOutdated(docker, tag, log);
  return tag;
}

/** Drop tcplab:<old hash> images that no container uses any more (best effort). */
async function removeOutdated(docker: Docker, keep: string, log: Log): Promise<void> {
  const images = await docker.listImages({ filters: { reference: [`${IMAGE_REPO}:*`] } }).catch(() => []);
  for (const image of images) {
    for (const tag of image.RepoTags ?? []) {
      if (tag === keep || !/^tcplab:[0-9a-f]{12}$/.test(tag)) continue;
      try {
        await docker.getImage(tag).remove();
        log(`tcplab: removed the outdated image ${tag}`);
      } catch {
        // still used by a container, or already gone
      }
    }
  }
}

const inFlight = new Map<string, Promise<string>>();

/** The image tag, built first if this Dockerfile's image is not there yet (once per process). */
export function ensureImage(docker: Docker, options: { log?: Log } = {}): Promise<string> {
  const tag = imageTag();
  let p = inFlight.get(tag);
  if (!p) {
    p = (async () => ((await imagePresent(docker, tag)) ? tag : buildImage(docker, { ...options, tag })))();
    p.catch(() => inFlight.delete(tag));
    inFlight.set(tag, p);
  }
  return p;
}
