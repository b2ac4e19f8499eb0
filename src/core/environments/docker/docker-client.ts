import fs from 'node:fs';
import type Docker from 'dockerode';
import type { RuntimeHealth, RuntimeId } from '../../../shared/run';
import { isMeasureHelperBuilt, measureHelperPath } from '../../measure/measure-helper';
import { probeContainerStart } from './engine-probe';
import type { DockerEndpoint } from './docker-context';
import { dockerEndpoint } from './docker-context';

/** Oldest Engine API EnvBench drives (Docker 19.03). */
export const MIN_API_VERSION = '1.40';
const PING_TIMEOUT_MS = 5_000;

export type { DockerEndpoint };
export { dockerEndpoint };

/**
 * dockerode, with docker-modem, ssh2 and gRPC, takes about 160 ms to load: it loads with the
 * first client, not with every command (`envbench --version` and `history` never need it).
 */
function loadDockerode(): typeof Docker {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('dockerode') as typeof Docker;
}

/** dockerode for the endpoint the docker CLI would use (dockerEndpoint): its socket, or its tcp:// URL. */
export function createDockerClient(endpoint: DockerEndpoint = dockerEndpoint()): Docker {
  const Dockerode = loadDockerode();
  if (endpoint.socketPath) return new Dockerode({ socketPath: endpoint.socketPath });
  if (endpoint.url) {
    const url = new URL(endpoint.url.replace(/^tcp:/, 'http:'));
    return new Dockerode({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' });
  }
  // An endpoint EnvBench cannot use: checkEngine says why before anything asks this client.
  return new Dockerode({ socketPath: '/nonexistent/docker.sock' });
}

export function compareApiVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

export interface EngineStatus {
  ok: boolean;
  version: string | null;
  apiVersion: string | null;
  /** One sentence: what is wrong and how to fix it. */
  reason: string | null;
}

/** Rejects with code ETIMEDOUT when the engine does not answer within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Why the engine cannot be used, as precisely as the socket and the daemon let us tell. */
export async function checkEngine(client: Docker, endpoint: DockerEndpoint): Promise<EngineStatus> {
  const fail = (reason: string, version: string | null = null): EngineStatus => ({ ok: false, version, apiVersion: null, reason });
  if (endpoint.problem) return fail(`${endpoint.problem}; or point DOCKER_HOST at the engine`);
  if (endpoint.socketPath) {
    if (!fs.existsSync(endpoint.socketPath)) {
      return fail(`no Docker socket at ${endpoint.socketPath}: install Docker Engine and start dockerd (\`sudo systemctl start docker\`), or set DOCKER_HOST`);
    }
    try {
      fs.accessSync(endpoint.socketPath, fs.constants.R_OK | fs.constants.W_OK);
    } catch {
      return fail(`permission denied on ${endpoint.socketPath}: add your user to the docker group (\`sudo usermod -aG docker $USER\`, then log in again)`);
    }
  }
  try {
    const version = await withTimeout(client.version(), PING_TIMEOUT_MS);
    if (compareApiVersions(version.ApiVersion, MIN_API_VERSION) < 0) {
      return fail(`Docker ${version.Version} (API ${version.ApiVersion}) is too old: EnvBench needs API ${MIN_API_VERSION} or newer (Docker 19.03+); upgrade Docker Engine`, version.Version);
    }
    return { ok: true, version: version.Version, apiVersion: version.ApiVersion, reason: null };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT') {
      return fail(`dockerd is not running: ${endpoint.description} refuses connections; start it (\`sudo systemctl start docker\`)`);
    }
    if (code === 'EACCES') return fail(`permission denied on ${endpoint.description}: add your user to the docker group (\`sudo usermod -aG docker $USER\`, then log in again)`);
    if (code === 'ETIMEDOUT') return fail(`dockerd did not answer on ${endpoint.description} within ${PING_TIMEOUT_MS / 1000} s: it may be starting or hung; check \`docker info\``);
    return fail(`Docker Engine at ${endpoint.description} answered with an error (${(error as Error).message}); check \`docker info\``);
  }
}

/**
 * detect() of both container runtimes: the engine, the helper they mount into containers, then
 * whether the engine can start a container on the network the runtime uses (docker: the default
 * bridge; dind: none, its outer container has no network), probed for real and kept briefly.
 */
export async function containerRuntimeHealth(id: RuntimeId, client: Docker, endpoint: DockerEndpoint, resourcesDir: string): Promise<RuntimeHealth> {
  const engine = await checkEngine(client, endpoint);
  const where = { endpoint: endpoint.description };
  if (!engine.ok) return { id, available: false, version: engine.version, reason: engine.reason, ...where };
  if (!isMeasureHelperBuilt(resourcesDir)) {
    return { id, available: false, version: engine.version, reason: 'the measure helper is not built: run `npm run setup`', ...where };
  }
  const cannotStart = await probeContainerStart(client, endpoint.description, measureHelperPath(resourcesDir), id === 'docker' ? 'bridge' : 'none');
  if (cannotStart) return { id, available: false, version: engine.version, reason: cannotStart, ...where };
  return { id, available: true, version: engine.version, reason: null, ...where };
}
