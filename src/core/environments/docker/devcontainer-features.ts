import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import tarStream from 'tar-stream';
import { describeError, UserError } from '../../user-error';
import { isInside } from './build-context';
import { followProgress } from './engine-stream';
import { LABEL_INSTANCE, managedLabels } from './labels';
import type { OwnBuild } from './offline-images';

// Dev Container features (containers.dev/implementors/features), installed the way the reference
// implementation (@devcontainers/cli) installs them: each feature's folder copied into the image,
// its options written to devcontainer-features.env (option ids as safe upper-case names, defaults
// from devcontainer-feature.json), the builtin _REMOTE_USER/_CONTAINER_USER (and their homes)
// beside it, install.sh run as root in the order installsAfter asks, each feature's containerEnv
// as ENV, and the image's own user restored at the end. A feature is a folder in .devcontainer
// ("./name", works offline) or an OCI artifact ("ghcr.io/owner/features/name:1", fetched from its
// registry online; offline the runtime is refused, naming it).

/** A feature as devcontainer.json asks for it. */
export interface FeatureRequest {
  /** The key in devcontainer.json: "./hello" or "ghcr.io/devcontainers/features/go:1". */
  key: string;
  options: Record<string, string | boolean>;
  /** The folder of a local feature; null for an OCI one. */
  localDir: string | null;
}

/** A feature ready to install: its files and what devcontainer-feature.json says. */
export interface ResolvedFeature {
  key: string;
  id: string;
  dir: string;
  env: Record<string, string>;
  containerEnv: Record<string, string>;
  installsAfter: string[];
  /** Keys of devcontainer-feature.json EnvBench does not apply, each with why. */
  notApplied: string[];
}

const FEATURE_NOT_APPLIED: Record<string, string> = {
  privileged: 'EnvBench runs containers unprivileged',
  capAdd: 'no capabilities are added',
  securityOpt: 'no security options are changed',
  init: 'every EnvBench container runs with an init process',
  entrypoint: 'EnvBench keeps the container alive with its own command',
  mounts: 'no mounts are made',
  onCreateCommand: 'lifecycle commands are not run',
  updateContentCommand: 'lifecycle commands are not run',
  postCreateCommand: 'lifecycle commands are not run',
  postStartCommand: 'lifecycle commands are not run',
  postAttachCommand: 'lifecycle commands are not run',
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FEATURE_LAYER_MEDIA_TYPE = 'application/vnd.devcontainers.layer.v1+tar';
const REGISTRY_TIMEOUT_MS = 60_000;

function realOrResolved(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** An option id as the environment variable install.sh reads (the reference CLI's getSafeId). */
export function safeOptionName(id: string): string {
  return id.replace(/[^\w_]/g, '_').replace(/^[\d_]+/g, '_').toUpperCase();
}

/** NAME='value' for a file `sh` sources: the value reaches install.sh exactly, never as shell code. */
export function shellAssignment(name: string, value: string): string {
  return `${name}='${value.replace(/'/g, `'\\''`)}'`;
}

/** Reads devcontainer.json's `features`: local folders must lie inside the workspace; options are strings or booleans. */
export function parseFeatureRequests(file: string, features: unknown, workspace: string): FeatureRequest[] {
  const what = `Cannot use ${file}`;
  if (features === undefined) return [];
  if (typeof features !== 'object' || features === null || Array.isArray(features)) throw new UserError(what, 'its features is not an object of feature ids and options', 'Write features as { "ghcr.io/devcontainers/features/go:1": {} }');
  const requests: FeatureRequest[] = [];
  for (const [key, value] of Object.entries(features as Record<string, unknown>)) {
    let options: Record<string, string | boolean> = {};
    if (typeof value === 'string' || typeof value === 'boolean') options = { version: value };
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string' && typeof v !== 'boolean') throw new UserError(what, `its feature ${key} gives option "${name}" a value that is neither a string nor a boolean`, `Quote the value of ${name}`);
        options[name] = v;
      }
    } else throw new UserError(what, `its feature ${key} has options that are not an object`, `Write it as "${key}": { "option": "value" }`);
    if (key.startsWith('./') || key.startsWith('../')) {
      const dir = path.resolve(path.dirname(file), key);
      let real: string;
      try {
        real = fs.realpathSync(dir);
      } catch {
        throw new UserError(what, `its local feature ${key} is not a folder (${dir} does not exist)`, 'Create the feature folder next to devcontainer.json, or remove it from features');
      }
      if (!isInside(realOrResolved(workspace), real)) throw new UserError(what, `its local feature ${key} lies outside the workspace (${real})`, 'Keep local features in the workspace\'s .devcontainer folder');
      requests.push({ key, options, localDir: real });
    } else if (/^https?:\/\//.test(key)) {
      throw new UserError(what, `its feature ${key} is a tarball URL, which EnvBench does not download`, 'Publish the feature to an OCI registry, or copy it into .devcontainer and name it "./folder"');
    } else if (!/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})?$/.test(key)) {
      throw new UserError(what, `its feature "${key}" is neither a local folder ("./name") nor an OCI reference (registry/path/name:tag)`, 'Use the full id, for example "ghcr.io/devcontainers/features/go:1"');
    } else requests.push({ key, options, localDir: null });
  }
  return requests;
}

/** Offline there is no registry: the runtime is refused, naming every OCI feature. */
export function refuseOfflineFeatures(file: string, requests: FeatureRequest[]): void {
  const remote = requests.filter((r) => r.localDir === null).map((r) => r.key);
  if (remote.length === 0) return;
  throw new UserError(
    `Cannot use ${file} offline`,
    `it asks for the Dev Container feature${remote.length > 1 ? 's' : ''} ${remote.join(', ')}, which come${remote.length > 1 ? '' : 's'} from an OCI registry, and --offline reaches none`,
    'Run without --offline to fetch them, or copy each feature into .devcontainer and name it "./folder" (it then works offline)',
  );
}

/** Reads a feature's folder: devcontainer-feature.json and install.sh, its options resolved against the request's. */
export function readFeature(key: string, dir: string, requested: Record<string, string | boolean>): ResolvedFeature {
  const what = `Cannot install the Dev Container feature ${key}`;
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(fs.readFileSync(path.join(dir, 'devcontainer-feature.json'), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(what, `its devcontainer-feature.json cannot be read (${describeError(error)})`, 'A feature folder holds devcontainer-feature.json and install.sh');
  }
  if (typeof meta.id !== 'string' || !meta.id) throw new UserError(what, 'its devcontainer-feature.json has no "id"', 'Give the feature an id');
  if (!fs.existsSync(path.join(dir, 'install.sh'))) throw new UserError(what, 'it has no install.sh', 'A feature folder holds devcontainer-feature.json and install.sh');
  if (meta.dependsOn !== undefined && Object.keys(meta.dependsOn as object).length > 0) {
    throw new UserError(what, `it depends on other features (dependsOn: ${Object.keys(meta.dependsOn as object).join(', ')}), which EnvBench does not fetch for it`, 'Name those features in devcontainer.json yourself');
  }
  const env: Record<string, string> = {};
  const options = typeof meta.options === 'object' && meta.options !== null ? (meta.options as Record<string, { default?: unknown }>) : {};
  for (const [name, option] of Object.entries(options)) {
    if (option && option.default !== undefined) env[safeOptionName(name)] = String(option.default);
  }
  for (const [name, value] of Object.entries(requested)) env[safeOptionName(name)] = String(value);
  const containerEnv: Record<string, string> = {};
  if (typeof meta.containerEnv === 'object' && meta.containerEnv !== null) {
    for (const [name, value] of Object.entries(meta.containerEnv as Record<string, unknown>)) {
      if (!ENV_NAME.test(name) || typeof value !== 'string') throw new UserError(what, `its containerEnv "${name}" is not a variable name with a string value`, 'Fix devcontainer-feature.json');
      containerEnv[name] = value;
    }
  }
  const installsAfter = Array.isArray(meta.installsAfter) ? meta.installsAfter.filter((v): v is string => typeof v === 'string') : [];
  const notApplied = Object.keys(FEATURE_NOT_APPLIED)
    .filter((k) => meta[k] !== undefined)
    .map((k) => `feature ${meta.id as string} ${k}: ${FEATURE_NOT_APPLIED[k]}`);
  return { key, id: meta.id, dir, env, containerEnv, installsAfter, notApplied };
}

/** The id a reference names, without registry, tag or digest: what installsAfter lists. */
function baseId(key: string): string {
  return key.replace(/@sha256:.*$/, '').replace(/:[\w.-]+$/, '');
}

/** The install order: as devcontainer.json lists them, each after the features its installsAfter names. */
export function installOrder(features: ResolvedFeature[]): ResolvedFeature[] {
  const ordered: ResolvedFeature[] = [];
  const pending = [...features];
  while (pending.length > 0) {
    const ready = pending.findIndex((f) => !f.installsAfter.some((after) => pending.some((other) => other !== f && (baseId(other.key) === baseId(after) || other.id === after))));
    ordered.push(...pending.splice(ready < 0 ? 0 : ready, 1)); // a cycle: keep the file's order
  }
  return ordered;
}

/** An OCI reference split as the distribution API needs it; a registry named localhost is spoken to over http, as the reference CLI does. */
export function parseOciRef(key: string): { registry: string; repository: string; reference: string; base: string } {
  const at = key.indexOf('@');
  const slash = key.indexOf('/');
  const registry = key.slice(0, slash);
  let rest = key.slice(slash + 1);
  let reference = 'latest';
  if (at >= 0) {
    reference = key.slice(at + 1);
    rest = key.slice(slash + 1, at);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  const local = /^localhost(:\d+)?$/.test(registry);
  return { registry, repository: rest, reference, base: `${local ? 'http' : 'https'}://${registry}/v2/${rest}` };
}

async function registryGet(url: string, accept: string, token: { value: string | null }, key: string): Promise<Response> {
  const get = (): Promise<Response> => fetch(url, { headers: { Accept: accept, ...(token.value ? { Authorization: `Bearer ${token.value}` } : {}) }, signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS) });
  let response = await get();
  const challenge = response.headers.get('www-authenticate');
  if (response.status === 401 && challenge?.startsWith('Bearer ')) {
    // Anonymous pull: the registry's token service, as the reference CLI asks it.
    const params = Object.fromEntries([...challenge.slice(7).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const tokenUrl = new URL(params.realm ?? '');
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    if (params.scope) tokenUrl.searchParams.set('scope', params.scope);
    const answer = await fetch(tokenUrl, { signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS) });
    if (answer.ok) {
      const body = (await answer.json()) as { token?: string; access_token?: string };
      token.value = body.token ?? body.access_token ?? null;
      response = await get();
    }
  }
  if (!response.ok) {
    const why = response.status === 401 || response.status === 403 ? 'the registry asks for credentials, which EnvBench does not pass' : `the registry answered ${response.status} ${response.statusText}`;
    throw new UserError(`Cannot fetch the Dev Container feature ${key}`, `${why} (${url})`, 'Check the feature id, or copy the feature into .devcontainer and name it "./folder"');
  }
  return response;
}

/** Fetches an OCI feature (its manifest, then its layer, checked against its digest) and unpacks it into `into`. */
export async function fetchOciFeature(key: string, into: string): Promise<void> {
  const ref = parseOciRef(key);
  const token = { value: null as string | null };
  try {
    const manifest = (await (await registryGet(`${ref.base}/manifests/${ref.reference}`, 'application/vnd.oci.image.manifest.v1+json', token, key)).json()) as { layers?: { mediaType?: string; digest?: string }[] };
    const layer = manifest.layers?.find((l) => l.mediaType === FEATURE_LAYER_MEDIA_TYPE) ?? manifest.layers?.[0];
    if (!layer?.digest?.startsWith('sha256:')) throw new UserError(`Cannot fetch the Dev Container feature ${key}`, 'its manifest names no feature layer', 'Check that the reference is a Dev Container feature');
    const blob = Buffer.from(await (await registryGet(`${ref.base}/blobs/${layer.digest}`, '*/*', token, key)).arrayBuffer());
    const digest = `sha256:${crypto.createHash('sha256').update(blob).digest('hex')}`;
    if (digest !== layer.digest) throw new UserError(`Cannot fetch the Dev Container feature ${key}`, `its layer's digest is ${digest}, not the ${layer.digest} its manifest names`, 'Try again; if it persists, the registry serves a damaged feature');
    await unpackFeature(blob, into, key);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`Cannot fetch the Dev Container feature ${key}`, `its registry ${ref.registry} could not be reached (${describeError(error)})`, 'Check the network, or run with --offline and copy the feature into .devcontainer as "./folder"');
  }
}

/** Unpacks a feature's tar: regular files and folders only, never a path out of `into`. */
async function unpackFeature(tar: Buffer, into: string, key: string): Promise<void> {
  fs.mkdirSync(into, { recursive: true });
  const extract = tarStream.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const target = path.resolve(into, header.name);
      const chunks: Buffer[] = [];
      stream.on('data', (c) => chunks.push(c as Buffer));
      stream.on('end', () => {
        if (!isInside(into, target)) return reject(new UserError(`Cannot fetch the Dev Container feature ${key}`, `its layer holds a path outside the feature (${header.name})`, 'Do not use this feature'));
        if (header.type === 'directory') fs.mkdirSync(target, { recursive: true });
        else if (header.type === 'file') {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, Buffer.concat(chunks), { mode: (header.mode ?? 0o644) & 0o755 });
        }
        next();
      });
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    extract.end(tar);
  });
}

/** The users install.sh is told about, as the reference CLI decides them. */
export interface FeatureUsers {
  /** The image's own user (Config.User, else root): restored after the features. */
  imageUser: string;
  containerUser: string;
  remoteUser: string;
}

/** The Dockerfile that installs `features` (in order) on `base`: fixed text, every value read from files. */
export function featuresDockerfile(base: string, features: ResolvedFeature[], imageUser: string): string {
  const lines = [`FROM ${base}`, 'USER root', 'COPY . /tmp/dev-container-features/'];
  // Homes are looked up in the image, as the reference CLI does; the user names come from the builtin env file.
  lines.push(
    `RUN ["/bin/sh", "-c", ". /tmp/dev-container-features/devcontainer-features.builtin.env && home() { (command -v getent >/dev/null 2>&1 && getent passwd \\"$1\\" || grep -E \\"^$1:\\" /etc/passwd || true) | cut -d: -f6; } && echo \\"_CONTAINER_USER_HOME=$(home \\"$_CONTAINER_USER\\")\\" >> /tmp/dev-container-features/devcontainer-features.builtin.env && echo \\"_REMOTE_USER_HOME=$(home \\"$_REMOTE_USER\\")\\" >> /tmp/dev-container-features/devcontainer-features.builtin.env"]`,
  );
  features.forEach((feature, index) => {
    for (const [name, value] of Object.entries(feature.containerEnv)) lines.push(`ENV ${name}=${JSON.stringify(value)}`);
    lines.push(`RUN ["/bin/sh", "-c", "cd /tmp/dev-container-features/${index} && sh ./devcontainer-features-install.sh"]`);
  });
  lines.push(`USER ${imageUser}`, '');
  return lines.join('\n');
}

const INSTALL_WRAPPER = ['set -e', 'set -a', '. ../devcontainer-features.builtin.env', '. ./devcontainer-features.env', 'set +a', 'chmod +x ./install.sh', './install.sh', ''].join('\n');

/** Adds a feature's folder to the build context: its files and folders (links left out), its env file and the install wrapper. */
function packFeature(pack: tarStream.Pack, feature: ResolvedFeature, index: number): void {
  const walk = (dir: string, rel: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const name = `${index}/${rel}${entry.name}`;
      if (entry.isDirectory()) {
        pack.entry({ name, type: 'directory', mode: 0o755 });
        walk(full, `${rel}${entry.name}/`);
      } else if (entry.isFile()) pack.entry({ name, mode: fs.statSync(full).mode & 0o755 }, fs.readFileSync(full));
    }
  };
  pack.entry({ name: `${index}`, type: 'directory', mode: 0o755 });
  walk(feature.dir, '');
  pack.entry({ name: `${index}/devcontainer-features.env` }, Object.entries(feature.env).map(([k, v]) => `${shellAssignment(k, v)}\n`).join(''));
  pack.entry({ name: `${index}/devcontainer-features-install.sh`, mode: 0o755 }, INSTALL_WRAPPER);
}

/**
 * Builds `tag` from `base` with the features installed; labelled as EnvBench's. Offline the build
 * has no network (a feature's install.sh that downloads fails, and says so in the build log).
 */
export async function buildFeatureImage(docker: Docker, base: string, tag: string, features: ResolvedFeature[], users: FeatureUsers, offline: boolean, build: OwnBuild, log: (line: string) => void): Promise<void> {
  const pack = tarStream.pack();
  pack.entry({ name: 'Dockerfile' }, featuresDockerfile(base, features, users.imageUser));
  pack.entry({ name: 'devcontainer-features.builtin.env' }, `${shellAssignment('_CONTAINER_USER', users.containerUser)}\n${shellAssignment('_REMOTE_USER', users.remoteUser)}\n`);
  features.forEach((feature, index) => packFeature(pack, feature, index));
  pack.finalize();
  log(`docker: installing the Dev Container feature${features.length > 1 ? 's' : ''} ${features.map((f) => f.key).join(', ')}`);
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, {
    t: tag,
    labels: managedLabels('dev-image', { [LABEL_INSTANCE]: build.instance }),
    forcerm: true,
    nocache: Boolean(build.noCache),
    ...(offline ? { networkmode: 'none' } : {}),
  });
  await followProgress(docker, stream, log);
}
