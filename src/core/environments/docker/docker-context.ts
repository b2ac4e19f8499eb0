import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The Docker Engine EnvBench talks to, and how a person would name it. */
export interface DockerEndpoint {
  /** What to tell a person: the socket or URL, and the docker context it came from. */
  description: string;
  /** A unix socket; null for a TCP endpoint (`url`) or one EnvBench cannot use (`problem`). */
  socketPath: string | null;
  /** `tcp://host:port` (plain HTTP, as the docker CLI without TLS). */
  url?: string;
  /** The docker context it came from (`docker context use NAME`, DOCKER_CONTEXT); absent: DOCKER_HOST or the default socket. */
  context?: string;
  /** Why this endpoint cannot be used (a context that does not exist, an ssh or TLS endpoint): the engine's reason in doctor. */
  problem?: string;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';

function fromHost(host: string, context: string | undefined): DockerEndpoint {
  const named = context ? `${host} (docker context ${context})` : host;
  const base = { description: named, ...(context ? { context } : {}) };
  if (host.startsWith('unix://')) return { ...base, socketPath: host.slice('unix://'.length) };
  if (/^tcp:\/\/[^/]+$/.test(host)) return { ...base, socketPath: null, url: host };
  return {
    ...base,
    socketPath: null,
    problem: `EnvBench reaches Docker over a unix socket or plain tcp://, not ${host.split('://')[0]}://`,
  };
}

/** `~/.docker/config.json`'s currentContext (DOCKER_CONFIG moves the folder), as the docker CLI reads it. */
function currentContext(configDir: string): string | undefined {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(configDir, 'config.json'), 'utf8')) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' && config.currentContext !== '' ? config.currentContext : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the docker CLI would go, resolved as it resolves it: DOCKER_HOST; else the context named
 * by DOCKER_CONTEXT, else `currentContext` in the CLI's config.json (rootless Docker, Docker
 * Desktop for Linux, Colima and Podman all install one); else the default socket. A context's
 * endpoint is in `contexts/meta/<sha256 of its name>/meta.json` under the config folder.
 */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  if (env.DOCKER_HOST) return fromHost(env.DOCKER_HOST, undefined);
  const configDir = env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  const name = env.DOCKER_CONTEXT || currentContext(configDir);
  if (!name || name === 'default') return { description: DEFAULT_SOCKET, socketPath: DEFAULT_SOCKET };
  const hash = crypto.createHash('sha256').update(name).digest('hex');
  const metaFile = path.join(configDir, 'contexts', 'meta', hash, 'meta.json');
  let host: unknown;
  try {
    host = (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { Endpoints?: { docker?: { Host?: unknown } } }).Endpoints?.docker?.Host;
  } catch {
    const from = env.DOCKER_CONTEXT ? 'DOCKER_CONTEXT' : `currentContext in ${path.join(configDir, 'config.json')}`;
    return { description: `docker context ${name}`, socketPath: null, context: name, problem: `the docker context "${name}" (${from}) does not exist: \`docker context ls\` lists them` };
  }
  if (typeof host !== 'string' || host === '') {
    return { description: `docker context ${name}`, socketPath: null, context: name, problem: `the docker context "${name}" has no Docker endpoint (${metaFile})` };
  }
  if (fs.existsSync(path.join(configDir, 'contexts', 'tls', hash, 'docker'))) {
    return { description: `${host} (docker context ${name})`, socketPath: null, context: name, problem: `the docker context "${name}" uses TLS, which EnvBench does not support yet: set DOCKER_HOST to a unix socket` };
  }
  return fromHost(host, name);
}
