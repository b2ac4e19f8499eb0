import fs from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { ParseError } from 'jsonc-parser';
import type { WorkspaceInfo } from '../../../shared/run';
import { UserError } from '../../user-error';
import type { DevcontainerSpec } from './devcontainer-spec';
import { readDevcontainerSpec } from './devcontainer-spec';

/**
 * An environment definition the workspace already has. EnvBench uses it instead of generating
 * one, and says which: an image, or a Dockerfile to build, and for devcontainer.json the keys of
 * the spec that shape the container (`spec`, devcontainer-spec.ts).
 * The workspace is untrusted input: its build context must stay inside it, and devcontainer.json's
 * lifecycle commands are never run (`lifecycleCommands` names those it has, to say so).
 */
export type WorkspaceDefinition =
  | { kind: 'Dockerfile.dev'; file: string; dockerfile: string; context: string; text: string; lifecycleCommands: string[] }
  | { kind: 'devcontainer.json'; file: string; image: string; text: string; lifecycleCommands: string[]; spec: DevcontainerSpec }
  | { kind: 'devcontainer.json'; file: string; dockerfile: string; context: string; text: string; lifecycleCommands: string[]; spec: DevcontainerSpec };

/** devcontainer.json's commands a dev container tool would run on the host or in the container. */
export const LIFECYCLE_COMMANDS = ['initializeCommand', 'onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand', 'postAttachCommand'] as const;

/** Definition files are a few KiB; a larger one is not what it claims to be. */
const DEFINITION_LIMIT_BYTES = 256 * 1024;

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A definition file's text, read only when it is a regular file that resolves inside the workspace. */
function readDefinitionFile(file: string, workspaceRoot: string): string {
  const real = fs.realpathSync(file);
  const what = `Cannot use ${file}`;
  if (!isInside(workspaceRoot, real)) {
    throw new UserError(what, `it is a link to ${real}, outside the workspace, and EnvBench reads definitions only from inside the workspace`, 'Replace the link with the file itself');
  }
  const stat = fs.statSync(real);
  if (!stat.isFile()) throw new UserError(what, 'it is not a regular file', 'Make it a regular file, or remove it to let EnvBench generate a Dockerfile');
  if (stat.size > DEFINITION_LIMIT_BYTES) {
    throw new UserError(what, `it is ${stat.size} bytes, more than the ${DEFINITION_LIMIT_BYTES / 1024} KiB a definition file may be`, 'Check that it is the file you meant');
  }
  return fs.readFileSync(real, 'utf8');
}

export function findWorkspaceDefinition(workspace: WorkspaceInfo): WorkspaceDefinition | null {
  const root = fs.realpathSync(workspace.path);
  const dockerfileDev = path.join(workspace.path, 'Dockerfile.dev');
  if (fs.existsSync(dockerfileDev) || isLink(dockerfileDev)) {
    return { kind: 'Dockerfile.dev', file: dockerfileDev, dockerfile: 'Dockerfile.dev', context: root, text: readDefinitionFile(dockerfileDev, root), lifecycleCommands: [] };
  }
  const devcontainer = path.join(workspace.path, '.devcontainer', 'devcontainer.json');
  if (!fs.existsSync(devcontainer) && !isLink(devcontainer)) return null;
  const definition = parseDevcontainer(devcontainer, readDefinitionFile(devcontainer, root), workspace.path);
  if ('context' in definition) {
    // The lexical check passed; a link on the way (a context folder that is a symlink) must not lead out either.
    const real = fs.realpathSync(definition.context);
    if (!isInside(root, real)) throw outsideContext(devcontainer, real, root);
    return { ...definition, context: real };
  }
  return definition;
}

/**
 * What is wrong with the workspace's own definition (a build context outside it, broken JSON...),
 * found before anything is built; null when nothing is, or when it has none.
 */
export function workspaceDefinitionProblem(workspace: WorkspaceInfo): string | null {
  try {
    findWorkspaceDefinition(workspace);
    return null;
  } catch (error) {
    if (error instanceof UserError) return error.message;
    throw error;
  }
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function outsideContext(file: string, context: string, workspace: string): UserError {
  return new UserError(
    `Cannot use ${file}`,
    `its build.context resolves to ${context}, outside the workspace ${workspace}: everything there would be sent to Docker and could be copied into the image`,
    'Set build.context to a folder inside the workspace (for example ".." from .devcontainer, the workspace itself)',
  );
}

interface DevcontainerJson {
  image?: unknown;
  build?: { dockerfile?: unknown; context?: unknown };
  dockerFile?: unknown;
  dockerComposeFile?: unknown;
}

/**
 * devcontainer.json is JSON with comments and trailing commas; `image` or `build.dockerfile` says
 * what to run, the spec's other keys how (readDevcontainerSpec). `workspaceDir` defaults to the
 * folder holding `.devcontainer`.
 */
export function parseDevcontainer(file: string, text: string, workspaceDir = path.dirname(path.dirname(file))): WorkspaceDefinition {
  const errors: ParseError[] = [];
  const json = parseJsonc(text, errors, { allowTrailingComma: true }) as DevcontainerJson | undefined;
  const what = `Cannot use ${file}`;
  if (errors.length > 0 || typeof json !== 'object' || json === null) {
    const first = errors[0];
    const where = first ? ` (${printParseErrorCode(first.error)} at offset ${first.offset})` : '';
    throw new UserError(what, `it is not valid JSON with comments${where}`, 'Fix the file, or remove it to let EnvBench generate a Dockerfile');
  }
  const lifecycleCommands = LIFECYCLE_COMMANDS.filter((key) => (json as Record<string, unknown>)[key] !== undefined);
  const spec = readDevcontainerSpec(file, json as Record<string, unknown>, path.resolve(workspaceDir));
  const dir = path.dirname(file);
  const dockerfile = json.build?.dockerfile ?? json.dockerFile;
  if (typeof dockerfile === 'string') {
    const context = path.resolve(dir, typeof json.build?.context === 'string' ? json.build.context : '.');
    const workspace = path.resolve(workspaceDir);
    if (!isInside(workspace, context)) throw outsideContext(file, context, workspace);
    const dockerfilePath = path.resolve(dir, dockerfile);
    if (!isInside(context, dockerfilePath)) {
      throw new UserError(what, `its build.dockerfile ${dockerfilePath} is outside its build.context ${context}, so Docker could not read it`, 'Move the Dockerfile into the build context, or widen build.context (within the workspace)');
    }
    return { kind: 'devcontainer.json', file, dockerfile: path.relative(context, dockerfilePath), context, text, lifecycleCommands, spec };
  }
  if (typeof json.image === 'string' && json.image.trim()) return { kind: 'devcontainer.json', file, image: json.image.trim(), text, lifecycleCommands, spec };
  if (json.dockerComposeFile !== undefined) {
    throw new UserError(what, 'it uses dockerComposeFile, which EnvBench does not run', 'Give it an "image" or a "build.dockerfile", or remove it to let EnvBench generate a Dockerfile');
  }
  throw new UserError(what, 'it names neither an "image" nor a "build.dockerfile"', 'Add one of them, or remove the file to let EnvBench generate a Dockerfile');
}
