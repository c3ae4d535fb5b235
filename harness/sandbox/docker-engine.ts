// The Docker engine tcplab talks to (dockerode): the client for DOCKER_HOST or
// the local socket, whether it answers (and if not, what to do), and the text
// of an engine error.
import Docker from 'dockerode';

/** How long an engine may take to answer before it counts as absent. */
const ENGINE_TIMEOUT_MS = 3000;

let client: Docker | undefined;

/** The engine of DOCKER_HOST, or the local socket. */
export function dockerClient(): Docker {
  client ??= new Docker();
  return client;
}

function where(): string {
  return process.env.DOCKER_HOST ?? '/var/run/docker.sock';
}

/** The engine's own message in an API error, else the error's. */
export function apiMessage(err: unknown): string {
  const e = err as { json?: { message?: string } | string; reason?: string; message?: string };
  const json = typeof e.json === 'object' ? e.json?.message : typeof e.json === 'string' ? e.json : undefined;
  return String(json ?? e.message ?? err).trim();
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export type EngineStatus = { ok: true; version: string; apiVersion: string } | { ok: false; reason: string };

/** Does a Docker engine answer? If not, why, and what to do. */
export async function engineStatus(docker = dockerClient()): Promise<EngineStatus> {
  try {
    const v = await withTimeout(docker.version(), ENGINE_TIMEOUT_MS, `the Docker engine at ${where()}`);
    return { ok: true, version: v.Version, apiVersion: v.ApiVersion };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED') {
      return { ok: false, reason: `no Docker engine answers at ${where()}: start one (systemctl start docker, or dockerd &; on Debian: apt-get install -y docker.io)` };
    }
    if (code === 'EACCES') {
      return { ok: false, reason: `permission denied on ${where()}: add your user to the docker group (usermod -aG docker $USER, then log in again) or run as root` };
    }
    return { ok: false, reason: `the Docker engine at ${where()} does not answer (${apiMessage(err)})` };
  }
}
