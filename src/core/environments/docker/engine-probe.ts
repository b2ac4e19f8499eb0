import path from 'node:path';
import type Docker from 'dockerode';
import tarStream from 'tar-stream';
import { defaultCacheDir, runtimeCacheDir } from '../../data-paths';
import { readRememberedProbes, rememberProbe } from '../../machine/remembered-probes';
import { HELPER_IN_CONTAINER } from './container-exec';
import { followProgress, isNotFound } from './engine-stream';
import { bindMount } from './go-container';
import { LABEL_KIND, LABEL_MANAGED, ownedContainer } from './labels';

/**
 * An engine that answers `version` may still be unable to do the work: a full disk under its data
 * root, or a default bridge whose interface another dockerd deleted, fail only when a container is
 * created or started. The probe does exactly that, cheaply: a container of an empty image, the
 * static measure helper bind-mounted as its command, on the network the runtime's containers use,
 * created, started and removed. Results are kept briefly so a busy doctor or app stays fast: in
 * this process (successes 30 s, failures 5 s), and successes for 60 s in a file under the cache
 * directory, so that the next `envbench doctor` does not start a container again. A failure is
 * never trusted from the file: once the user has fixed it, the next doctor says so.
 */

/** An empty image (one folder, no files) EnvBench imports once per engine for the probe; `envbench clean` removes it. */
export const PROBE_IMAGE = 'envbench/probe:1';
const PROBE_TIMEOUT_MS = 15_000;
const OK_TTL_MS = 30_000;
const FAILURE_TTL_MS = 5_000;
const STORED_OK_TTL_MS = 60_000;

export type ProbeNetwork = 'bridge' | 'none';

const results = new Map<string, { at: number; ttl: number; reason: Promise<string | null> }>();

/**
 * Why this engine cannot start EnvBench's containers on `network` (one sentence with the fix), or
 * null when it can. `endpointKey` names the engine in the cache (its socket or DOCKER_HOST).
 */
export function probeContainerStart(
  docker: Docker,
  endpointKey: string,
  helperOnHost: string,
  network: ProbeNetwork,
  stateFile = path.join(runtimeCacheDir(defaultCacheDir(), 'docker'), 'engine-probe.json'),
): Promise<string | null> {
  const key = `${endpointKey}\n${network}\n${helperOnHost}`;
  const cached = results.get(key);
  if (cached && Date.now() - cached.at < cached.ttl) return cached.reason;
  const stored = readRememberedProbes<number>(stateFile)[key];
  if (stored !== undefined && Date.now() - stored < STORED_OK_TTL_MS && Date.now() >= stored) return Promise.resolve(null);
  const entry = { at: Date.now(), ttl: OK_TTL_MS, reason: runProbe(docker, helperOnHost, network) };
  entry.reason.then(
    (reason) => {
      entry.ttl = reason === null ? OK_TTL_MS : FAILURE_TTL_MS;
      rememberProbe(stateFile, key, reason === null ? Date.now() : null);
    },
    () => {},
  );
  results.set(key, entry);
  return entry.reason;
}


/** Forgets cached probe results (tests, and after the user says they fixed something). */
export function forgetProbeResults(): void {
  results.clear();
}

async function runProbe(docker: Docker, helperOnHost: string, network: ProbeNetwork): Promise<string | null> {
  let container: Docker.Container | null = null;
  try {
    await withDeadline(ensureProbeImage(docker), 'importing the probe image');
    const created = await withDeadline(
      docker.createContainer({
        ...ownedContainer('probe-container'),
        Image: PROBE_IMAGE,
        Cmd: [HELPER_IN_CONTAINER],
        HostConfig: { Mounts: [bindMount(helperOnHost, HELPER_IN_CONTAINER, 'read-only')], NetworkMode: network },
      }),
      'creating a container',
    );
    container = created;
    await withDeadline(created.start(), 'starting a container');
    return null;
  } catch (error) {
    return await explainProbeFailure(docker, error, network);
  } finally {
    await container?.remove({ force: true, v: true }).catch(() => {});
  }
}

async function ensureProbeImage(docker: Docker): Promise<void> {
  try {
    await docker.getImage(PROBE_IMAGE).inspect();
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const pack = tarStream.pack();
  pack.entry({ name: 'tmp/', type: 'directory', mode: 0o1777 });
  pack.finalize();
  const [repo, tag] = PROBE_IMAGE.split(':');
  const stream = await docker.importImage(pack as unknown as NodeJS.ReadableStream, { repo, tag, changes: [`LABEL ${LABEL_MANAGED}=true ${LABEL_KIND}=probe-image`] } as object);
  await followProgress(docker, stream);
}

function withDeadline<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s while ${what}`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } | string }).json;
  const text = (typeof json === 'object' && json?.message) || (error as Error).message || String(error);
  return text.replace(/^\(HTTP code \d+\)\s*[\w ]+-\s*/, '').replace(/\s+/g, ' ').trim();
}

/** One sentence: what failed, the engine's own words, and the fix. */
export async function explainProbeFailure(docker: Docker, error: unknown, network: ProbeNetwork): Promise<string> {
  const message = engineMessage(error);
  const full = /^(.*?(no space left on device|disk quota exceeded))/i.exec(message);
  if (full) {
    const root = await docker.info().then((info: { DockerRootDir?: string }) => info.DockerRootDir ?? null, () => null);
    return `Docker answers but cannot create a container: its disk is full (${full[1]}); free space under ${root ?? 'its data root'} (\`docker system df\` shows what uses it; \`docker image prune\` or \`docker builder prune\` free some) and try again`;
  }
  if (network === 'bridge' && /bridge|endpoint|network|veth|docker0/i.test(message)) {
    return `Docker answers but cannot start a container on its default bridge network (${message}); restart dockerd (\`sudo systemctl restart docker\`) so it recreates the bridge (a second dockerd started on this machine with --bridge=none deletes the first one's docker0)`;
  }
  return `Docker answers but cannot start a container (${message}); check that \`docker run --rm busybox true\` works and see dockerd's log (\`journalctl -u docker\`)`;
}
