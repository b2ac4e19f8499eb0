import fs from 'node:fs';
import http from 'node:http';
import { dockerEndpoint } from './docker-context';
import { LABEL_MANAGED, LABEL_OWNER } from './labels';

// The question every EnvBench command asks at start (registry.ts reapEngineOrphans): are there
// containers or volumes with an owner label, which may belong to an EnvBench process that died?
// Most starts find none, and this says so straight from the engine's socket, loading neither
// dockerode nor the rest of the Docker environment (docker-cleanup.ts does the reaping).

/** How long a list of the engine's objects may take, here and in docker-cleanup.ts. */
export const LIST_TIMEOUT_MS = 3_000;

/** Whether the engine may hold objects of an EnvBench process that died; an engine not reached by a socket is asked by dockerode. */
export async function engineMayHoldOrphans(): Promise<boolean> {
  const endpoint = dockerEndpoint();
  return endpoint.socketPath ? hasOwnedObjects(endpoint.socketPath) : true;
}

/**
 * Whether the engine holds a container or volume with an owner label (what reapOrphanContainers
 * looks at). An engine that is not there, or does not answer in time, holds nothing to reap now,
 * as reapOrphanContainers would find too.
 */
async function hasOwnedObjects(socketPath: string): Promise<boolean> {
  if (!fs.existsSync(socketPath)) return false;
  const filters = encodeURIComponent(JSON.stringify({ label: [`${LABEL_MANAGED}=true`, LABEL_OWNER] }));
  const list = (urlPath: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      // servername '' (passed on to the agent, not in Node's types): no TLS name to work out for a
      // socket; Node would test the host name against its IPv6 pattern, ~3.5 ms of every start.
      const options: http.RequestOptions & { servername: string } = { socketPath, path: urlPath, timeout: LIST_TIMEOUT_MS, servername: '' };
      const request = http.get(options, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          try {
            resolve(response.statusCode === 200 ? JSON.parse(body) : null);
          } catch (error) {
            reject(error);
          }
        });
      });
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', reject);
    });
  try {
    const [containers, volumes] = (await Promise.all([list(`/containers/json?all=1&filters=${filters}`), list(`/volumes?filters=${filters}`)])) as [unknown, { Volumes?: unknown[] | null } | null];
    // An answer other than a list (an error status): let dockerode look, and say what it finds.
    if (!Array.isArray(containers) || volumes === null) return true;
    return containers.length > 0 || (volumes.Volumes ?? []).length > 0;
  } catch {
    return false;
  }
}
