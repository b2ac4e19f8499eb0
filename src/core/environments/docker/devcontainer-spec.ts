import path from 'node:path';
import { UserError } from '../../user-error';
import type { FeatureRequest } from './devcontainer-features';
import { parseFeatureRequests } from './devcontainer-features';

// What of the Dev Containers spec (containers.dev/implementors/json_reference) EnvBench applies,
// as the reference implementation (@devcontainers/cli, `devcontainer build` / `up`) applies it:
// build args and target at build time; containerEnv, containerUser and the workspace mount on the
// container; remoteEnv and remoteUser on every command and terminal in it. Everything else is named
// (notApplied), never dropped silently.

/** How the Go container is run: EnvBench's defaults, or what a devcontainer.json asks for. */
export interface ContainerSettings {
  /** Where the workspace is mounted (devcontainer.json: workspaceMount's target, by default /workspaces/<folder name>). */
  workspaceTarget: string;
  /** Where terminals open (workspaceFolder; by default the mount's target). */
  workspaceFolder: string;
  /** The container's environment (containerEnv), before EnvBench's own variables. */
  containerEnv: Record<string, string>;
  /** Every command's environment (remoteEnv): `${containerEnv:VAR}` is resolved against the container's. */
  remoteEnv: Record<string, string>;
  /** The container's user (containerUser); null: the image's. */
  containerUser: string | null;
  /** The user commands and terminals run as (remoteUser); null: the container's. */
  remoteUser: string | null;
}

/** What EnvBench's own container looks like when the workspace defines none (or only a Dockerfile.dev). */
export const DEFAULT_CONTAINER_SETTINGS: ContainerSettings = {
  workspaceTarget: '/workspace',
  workspaceFolder: '/workspace',
  containerEnv: {},
  remoteEnv: {},
  containerUser: null,
  remoteUser: null,
};

/** A devcontainer.json's build and run settings, as far as EnvBench applies them. */
export interface DevcontainerSpec {
  buildArgs: Record<string, string>;
  target: string | null;
  /** Its Dev Container features, installed on the image it names or builds (devcontainer-features.ts). */
  features: FeatureRequest[];
  settings: ContainerSettings;
  /** The keys it sets that shape the environment, each with what EnvBench made of it (for the facts). */
  applied: string[];
  /** The keys it sets that EnvBench does not apply, for the log, the facts and the report. */
  notApplied: string[];
}

/**
 * Keys that change the container but that EnvBench does not apply, and why. Lifecycle commands are
 * named elsewhere (LIFECYCLE_COMMANDS); `name` and `$schema` change nothing.
 */
const NOT_APPLIED: Record<string, string> = {
  mounts: 'host mounts from a workspace file are not made',
  runArgs: 'docker run flags from a workspace file are not passed',
  privileged: 'EnvBench runs containers unprivileged',
  capAdd: 'no capabilities are added',
  securityOpt: 'no security options are changed',
  init: 'every EnvBench container runs with an init process',
  overrideCommand: 'EnvBench always keeps the container alive with its own command',
  forwardPorts: 'no ports are forwarded',
  appPort: 'no ports are published',
  portsAttributes: 'no ports are forwarded',
  otherPortsAttributes: 'no ports are forwarded',
  updateRemoteUserUID: 'the user keeps the image\'s UID',
  userEnvProbe: 'the environment is not probed from a login shell',
  hostRequirements: 'not checked',
  shutdownAction: 'EnvBench removes its containers itself',
  waitFor: 'no lifecycle command is run',
  customizations: 'editor settings and extensions are not installed',
};

/** A user name or uid, optionally with a group: what `docker exec -u` takes, never an option or a path. */
const USER_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;
/** An environment variable's name as a POSIX shell and Docker take it. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Is this user root (or unset, meaning the image's, which EnvBench treats as root unless told)? */
export function isRootUser(user: string | null): boolean {
  return user === null || /^(root|0)(:.*)?$/.test(user);
}

/** The user commands run as. */
export function commandUser(settings: ContainerSettings): string | null {
  return settings.remoteUser ?? settings.containerUser;
}

/**
 * Replaces the spec's variables in a value: `${localWorkspaceFolder}`, `${localWorkspaceFolderBasename}`,
 * `${containerWorkspaceFolder}`, `${containerWorkspaceFolderBasename}`, `${localEnv:NAME}` and
 * `${localEnv:NAME:default}` (the host's environment, as the reference implementation reads it).
 * `${containerEnv:NAME}` is left for resolveContainerEnv: only the container knows it.
 */
export function substitute(value: string, local: { workspace: string; env: NodeJS.ProcessEnv }, containerWorkspace: string | null): string {
  return value.replace(/\$\{([^}]+)\}/g, (whole, expression: string) => {
    const [kind, name, ...rest] = expression.split(':');
    switch (kind) {
      case 'localWorkspaceFolder':
        return local.workspace;
      case 'localWorkspaceFolderBasename':
        return path.basename(local.workspace);
      case 'containerWorkspaceFolder':
        return containerWorkspace ?? whole;
      case 'containerWorkspaceFolderBasename':
        return containerWorkspace ? path.posix.basename(containerWorkspace) : whole;
      case 'localEnv':
      case 'env':
        return name ? (local.env[name] ?? rest.join(':')) : whole;
      default:
        return whole;
    }
  });
}

/** `${containerEnv:NAME}` (and `${containerEnv:NAME:default}`) in remoteEnv, from the container's environment. */
export function resolveContainerEnv(remoteEnv: Record<string, string>, containerEnv: readonly string[]): Record<string, string> {
  const env = new Map(containerEnv.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  return Object.fromEntries(
    Object.entries(remoteEnv).map(([key, value]) => [
      key,
      value.replace(/\$\{containerEnv:([^}:]+)(?::([^}]*))?\}/g, (_whole, name: string, fallback?: string) => env.get(name) ?? fallback ?? ''),
    ]),
  );
}

/**
 * Environment entries, later ones winning: Docker keeps duplicates as given, so a variable is
 * written once, with the value the last source gives it.
 */
export function mergeEnv(...sources: (readonly string[] | Record<string, string>)[]): string[] {
  const merged = new Map<string, string>();
  for (const source of sources) {
    const entries = Array.isArray(source) ? source.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as const) : Object.entries(source);
    for (const [key, value] of entries) {
      merged.delete(key);
      merged.set(key, value);
    }
  }
  return [...merged].map(([key, value]) => `${key}=${value}`);
}

interface SpecJson {
  build?: { args?: unknown; target?: unknown };
  containerEnv?: unknown;
  remoteEnv?: unknown;
  containerUser?: unknown;
  remoteUser?: unknown;
  workspaceFolder?: unknown;
  workspaceMount?: unknown;
  features?: unknown;
}

/**
 * Reads the build and run keys of a parsed devcontainer.json. `workspace` is the folder holding
 * `.devcontainer`; `env` the host's environment, for `${localEnv:...}`. Features are read here
 * and installed when the image is prepared (devcontainer-features.ts).
 */
export function readDevcontainerSpec(file: string, json: Record<string, unknown>, workspace: string, env: NodeJS.ProcessEnv = process.env): DevcontainerSpec {
  const spec = json as SpecJson;
  const what = `Cannot use ${file}`;
  const local = { workspace, env };
  const applied: string[] = [];

  const features = parseFeatureRequests(file, spec.features, workspace);

  const stringMap = (key: string, value: unknown): Record<string, string> => {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserError(what, `its ${key} is not an object of names and values`, `Write ${key} as { "NAME": "value" }`);
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === null && key === 'remoteEnv') continue; // null unsets a variable in the spec: nothing to set
      if (typeof v !== 'string') throw new UserError(what, `its ${key}.${name} is not a string`, `Quote the value of ${key}.${name}`);
      if (key !== 'build.args' && !ENV_NAME.test(name)) throw new UserError(what, `its ${key} names "${name}", which is not a variable name`, 'Use letters, digits and underscores, not starting with a digit');
      out[name] = v;
    }
    return out;
  };
  const user = (key: string, value: unknown): string | null => {
    if (value === undefined) return null;
    if (typeof value !== 'string' || !USER_PATTERN.test(value)) {
      throw new UserError(what, `its ${key} ${JSON.stringify(value)} is not a user name or uid (optionally :group)`, `Set ${key} to a user of the image, for example "vscode" or "1000"`);
    }
    return value;
  };

  // The workspace mount: the spec's default, or workspaceMount's target when it mounts the workspace itself.
  let workspaceTarget = `/workspaces/${path.basename(workspace)}`;
  if (spec.workspaceMount !== undefined) {
    const mount = typeof spec.workspaceMount === 'string' ? parseMountString(substitute(spec.workspaceMount, local, null)) : null;
    if (!mount || (mount.type ?? 'bind') !== 'bind' || !mount.target?.startsWith('/') || !mount.source || path.resolve(mount.source) !== path.resolve(workspace)) {
      throw new UserError(what, 'its workspaceMount is not a bind mount of the workspace folder itself to an absolute path', 'Write it as "source=${localWorkspaceFolder},target=/some/path,type=bind", or remove it for the default /workspaces/<folder>');
    }
    workspaceTarget = path.posix.normalize(mount.target);
    applied.push(`workspaceMount (target ${workspaceTarget})`);
  }
  let workspaceFolder = workspaceTarget;
  if (spec.workspaceFolder !== undefined) {
    const folder = typeof spec.workspaceFolder === 'string' ? substitute(spec.workspaceFolder, local, workspaceTarget) : '';
    if (!folder.startsWith('/')) throw new UserError(what, 'its workspaceFolder is not an absolute path in the container', 'Set it to an absolute path, for example "/workspaces/app"');
    workspaceFolder = path.posix.normalize(folder);
    applied.push(`workspaceFolder (${workspaceFolder})`);
  }

  const sub = (map: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(map).map(([k, v]) => [k, substitute(v, local, workspaceTarget)]));
  const buildArgs = sub(stringMap('build.args', spec.build?.args));
  if (spec.build?.target !== undefined && (typeof spec.build.target !== 'string' || !spec.build.target.trim())) {
    throw new UserError(what, 'its build.target is not a stage name', 'Set build.target to the name of a stage in the Dockerfile (FROM ... AS name)');
  }
  const target = typeof spec.build?.target === 'string' ? spec.build.target.trim() : null;
  const containerEnv = sub(stringMap('containerEnv', spec.containerEnv));
  const remoteEnv = sub(stringMap('remoteEnv', spec.remoteEnv));
  const containerUser = user('containerUser', spec.containerUser);
  const remoteUser = user('remoteUser', spec.remoteUser);

  const names = (map: Record<string, string>): string => Object.keys(map).join(', ');
  if (Object.keys(buildArgs).length > 0) applied.push(`build.args (${names(buildArgs)})`);
  if (target) applied.push(`build.target (${target})`);
  if (Object.keys(containerEnv).length > 0) applied.push(`containerEnv (${names(containerEnv)})`);
  if (Object.keys(remoteEnv).length > 0) applied.push(`remoteEnv (${names(remoteEnv)})`);
  if (containerUser) applied.push(`containerUser (${containerUser})`);
  if (remoteUser) applied.push(`remoteUser (${remoteUser})`);
  if (features.length > 0) applied.push(`features (${features.map((f) => f.key).join(', ')})`);

  const notApplied = Object.keys(NOT_APPLIED)
    .filter((key) => json[key] !== undefined)
    .map((key) => `${key}: ${NOT_APPLIED[key]}`);
  return { buildArgs, target, features, settings: { workspaceTarget, workspaceFolder, containerEnv, remoteEnv, containerUser, remoteUser }, applied, notApplied };
}

/** "type=bind,source=/a,target=/b" (the --mount syntax), keys as Docker spells them and their aliases. */
function parseMountString(text: string): { type?: string; source?: string; target?: string } | null {
  const out: { type?: string; source?: string; target?: string } = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 'type') out.type = value;
    else if (key === 'source' || key === 'src') out.source = value;
    else if (key === 'target' || key === 'dst' || key === 'destination') out.target = value;
  }
  return out.target ? out : null;
}
