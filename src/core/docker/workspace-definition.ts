import fs from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { ParseError } from 'jsonc-parser';
import type { WorkspaceInfo } from '../../shared/run';
import { UserError } from '../user-error';

/**
 * An environment definition the workspace already has. EnvBench uses it instead of generating
 * one, and says which. Only what a Go container needs is read: an image, or a Dockerfile to build.
 */
export type WorkspaceDefinition =
  | { kind: 'Dockerfile.dev'; file: string; dockerfile: string; context: string; text: string }
  | { kind: 'devcontainer.json'; file: string; image: string; text: string }
  | { kind: 'devcontainer.json'; file: string; dockerfile: string; context: string; text: string };

export function findWorkspaceDefinition(workspace: WorkspaceInfo): WorkspaceDefinition | null {
  const dockerfileDev = path.join(workspace.path, 'Dockerfile.dev');
  if (fs.existsSync(dockerfileDev)) {
    return { kind: 'Dockerfile.dev', file: dockerfileDev, dockerfile: 'Dockerfile.dev', context: workspace.path, text: fs.readFileSync(dockerfileDev, 'utf8') };
  }
  const devcontainer = path.join(workspace.path, '.devcontainer', 'devcontainer.json');
  if (fs.existsSync(devcontainer)) return parseDevcontainer(devcontainer, fs.readFileSync(devcontainer, 'utf8'));
  return null;
}

interface DevcontainerJson {
  image?: unknown;
  build?: { dockerfile?: unknown; context?: unknown };
  dockerFile?: unknown;
  dockerComposeFile?: unknown;
}

/** devcontainer.json is JSON with comments and trailing commas; `image` or `build.dockerfile` is what matters here. */
export function parseDevcontainer(file: string, text: string): WorkspaceDefinition {
  const errors: ParseError[] = [];
  const json = parseJsonc(text, errors, { allowTrailingComma: true }) as DevcontainerJson | undefined;
  const what = `Cannot use ${file}`;
  if (errors.length > 0 || typeof json !== 'object' || json === null) {
    const first = errors[0];
    const where = first ? ` (${printParseErrorCode(first.error)} at offset ${first.offset})` : '';
    throw new UserError(what, `it is not valid JSON with comments${where}`, 'Fix the file, or remove it to let EnvBench generate a Dockerfile');
  }
  const dir = path.dirname(file);
  const dockerfile = json.build?.dockerfile ?? json.dockerFile;
  if (typeof dockerfile === 'string') {
    const context = typeof json.build?.context === 'string' ? json.build.context : '.';
    return { kind: 'devcontainer.json', file, dockerfile: path.relative(path.resolve(dir, context), path.resolve(dir, dockerfile)), context: path.resolve(dir, context), text };
  }
  if (typeof json.image === 'string' && json.image.trim()) return { kind: 'devcontainer.json', file, image: json.image.trim(), text };
  if (json.dockerComposeFile !== undefined) {
    throw new UserError(what, 'it uses dockerComposeFile, which EnvBench does not run', 'Give it an "image" or a "build.dockerfile", or remove it to let EnvBench generate a Dockerfile');
  }
  throw new UserError(what, 'it names neither an "image" nor a "build.dockerfile"', 'Add one of them, or remove the file to let EnvBench generate a Dockerfile');
}
