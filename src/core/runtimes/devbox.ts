import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { ParseError } from 'jsonc-parser';
import type { FactValue, RuntimeHealth, WorkspaceInfo } from '../../shared/run';
import { configLines } from '../config-lines';
import { capDefinitionText, definitionFacts } from './definition-facts';
import { devboxRunProblem } from './devbox-health';
import { defaultCacheDir, runtimeCacheDir, workspaceDataDir } from '../data-paths';
import { connectLoopback, delveArgv, launchDebugServer } from '../debug/debug-server';
import { hostGoToolchain } from '../docker/offline-images';
import { sharedToolsDir } from '../machine/shared-tools';
import { directorySize } from '../machine/disk-usage';
import type { ToolResult } from '../machine/run-tool';
import { runTool } from '../machine/run-tool';
import { parseVersion, probe } from '../machine/tool-version';
import { isMeasureHelperBuilt, measureHelperArgs, measureHelperPath } from '../measure/measure-helper';
import { runMeasured } from '../measure/measured-process';
import { compareVersions, emptyRegistry, nixCommonArgs, nixError, nixVersion } from '../nix/nix-cli';
import { nixBuildProblem } from '../nix/nix-health';
import { nixSystem } from '../nix/offline-flake';
import { UserError } from '../user-error';
import { excessiveNesting, MAX_JSON_NESTING } from '../workspace/json-nesting';
import { goEnvironment } from './go-environment';
import { NETWORK_NAMESPACE_ISOLATION, namespaceFailure, withoutNetwork } from './no-network';
import { ENTER_DIRECTORY_ENV, startDirectory, terminalShellArgv } from './start-directory';
import { readyThenFirstRun } from './startup-phases';
import type {
  CommandSpec,
  DebugServer,
  ExecOptions,
  ExecOutcome,
  Footprint,
  FootprintItem,
  IsolatedOutcome,
  PrepareContext,
  Runtime,
  RuntimeSession,
  ShellCommand,
  ShellOptions,
  StartupOptions,
  StartupOutcome,
  StartupTemperature,
} from './runtime';
import { addedEnvironment, commandLine, terminalPrepareContext } from './runtime';

/**
 * The Devbox binary is `devbox` from PATH, unless the environment variable ENVBENCH_DEVBOX names
 * another file (a build kept off PATH, such as `$(go env GOPATH)/bin/devbox`).
 */
export const DEVBOX_BINARY_ENV = 'ENVBENCH_DEVBOX';
/** Devbox refuses older Nix. */
export const MIN_DEVBOX_NIX_VERSION = '2.18';
export const DEVBOX_SCHEMA_URL = 'https://raw.githubusercontent.com/jetify-com/devbox/main/.schema/devbox.schema.json';
/** Where Devbox looks for Nix when it is not on PATH (the multi-user installer's profile). */
const DEFAULT_PROFILE_NIX = '/nix/var/nix/profiles/default/bin/nix';
/** `devbox version` of the official launcher may first download the real binary. */
const VERSION_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// devbox.json: checking the workspace's own, generating one
// ---------------------------------------------------------------------------------------------

const PARSE_ERROR_TEXT: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected a colon',
  CommaExpected: 'expected a comma',
  CloseBraceExpected: 'expected a closing brace "}"',
  CloseBracketExpected: 'expected a closing bracket "]"',
  EndOfFileExpected: 'expected the end of the file',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

const FIX_OR_REMOVE = 'Fix the file, or remove it to let EnvBench generate one';

/**
 * What is wrong with a devbox.json, or null. Devbox reads it as HuJSON (JSON with comments and
 * trailing commas), so both are accepted; `packages` must be a list of strings ("go@1.22") or an
 * object whose values are versions or package objects, as Devbox itself accepts.
 */
export function devboxJsonProblem(text: string, name = 'devbox.json'): string | null {
  const tooDeep = excessiveNesting(text);
  if (tooDeep !== null) {
    const { line, column } = lineAndColumn(text, tooDeep);
    return `${name} nests arrays and objects more than ${MAX_JSON_NESTING} deep: line ${line}, column ${column}. ${FIX_OR_REMOVE}`;
  }
  const errors: ParseError[] = [];
  const json: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    const { line, column } = lineAndColumn(text, first.offset);
    const code = printParseErrorCode(first.error);
    return `${name} is not valid JSON: line ${line}, column ${column}: ${PARSE_ERROR_TEXT[code] ?? code}. ${FIX_OR_REMOVE}`;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return `${name} must hold one JSON object ({ "packages": [...] }). ${FIX_OR_REMOVE}`;
  }
  const packages = (json as { packages?: unknown }).packages;
  if (packages === undefined || packages === null) return null;
  const expected = `"packages" must be a list of strings such as "go@1.22", or an object mapping names to versions`;
  if (Array.isArray(packages)) {
    const bad = packages.findIndex((p) => typeof p !== 'string');
    return bad < 0 ? null : `${name}: ${expected}, but packages[${bad}] is ${describeJsonType(packages[bad])}. ${FIX_OR_REMOVE}`;
  }
  if (typeof packages === 'object') {
    for (const [key, value] of Object.entries(packages as Record<string, unknown>)) {
      if (typeof value === 'string') continue;
      const version = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { version?: unknown }).version : 0;
      if (version === undefined || typeof version === 'string') continue;
      return `${name}: ${expected}, but packages["${key}"] is ${describeJsonType(value)}. ${FIX_OR_REMOVE}`;
    }
    return null;
  }
  return `${name}: ${expected}, but it is ${describeJsonType(packages)}. ${FIX_OR_REMOVE}`;
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object without a string "version"';
  return `a ${typeof value} (${JSON.stringify(value)})`;
}

/** The packages of a valid devbox.json as Devbox names them in devbox.lock ("go@1.22", "path:...#go"). */
export function devboxPackages(text: string): string[] {
  const json = parseJsonc(text, [], { allowTrailingComma: true }) as { packages?: unknown } | undefined;
  const packages = json?.packages;
  if (Array.isArray(packages)) return packages.filter((p): p is string => typeof p === 'string');
  if (typeof packages !== 'object' || packages === null) return [];
  return Object.entries(packages as Record<string, unknown>).map(([name, value]) => {
    const version = typeof value === 'string' ? value : (value as { version?: unknown } | null)?.version;
    return typeof version === 'string' && version ? `${name}@${version}` : name;
  });
}

/** go.mod's `go` line as a Devbox package: "1.22" -> "go@1.22", "1.22.3" -> "go@1.22.3". */
export function goPackage(goVersion: string | null): string {
  const version = goVersion?.trim().replace(/^go/, '');
  return version ? `go@${version}` : 'go@latest';
}

/**
 * A `path:` flake reference Devbox accepts as a package. Characters a URL cannot hold are
 * percent-encoded (Nix and Devbox decode them), so any directory name round-trips.
 */
export function localFlakeRef(dir: string, attribute: string): string {
  return `${localFlakeUrl(dir)}#${attribute}`;
}

export function localFlakeUrl(dir: string): string {
  const encoded = Array.from(Buffer.from(dir, 'utf8'))
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9/._~+-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return `path:${encoded}`;
}

export interface DevboxConfigOptions {
  /** go.mod's `go` version ("1.22", "1.22.3"); null when go.mod has none. */
  goVersion: string | null;
  /** Offline: the local flake (offlinePackagesFlake) the packages come from; null online. */
  offlineFlakeDir: string | null;
  /** Offline: which of gopls and dlv that flake provides (only those this machine has). */
  offlineTools?: readonly string[];
}

/**
 * The devbox.json EnvBench generates when the workspace has none. Online the packages come from
 * nixpkgs through Devbox's search service; offline from a local flake with this machine's Go.
 */
export function generateDevboxConfig(options: DevboxConfigOptions): string {
  const packages = options.offlineFlakeDir
    ? ['go', ...(options.offlineTools ?? []).filter((t) => t === 'gopls' || t === 'dlv')].map((attr) => localFlakeRef(options.offlineFlakeDir!, attr))
    : [goPackage(options.goVersion), 'gopls@latest', 'delve@latest'];
  const config = {
    $schema: DEVBOX_SCHEMA_URL,
    packages,
    shell: {
      // Runs before every `devbox run`: kept silent and cheap so it adds nothing to the figures.
      init_hook: ["echo 'EnvBench Go environment' > /dev/null"],
      scripts: { build: 'go build ./...', test: 'go test ./...' },
    },
  };
  const origin = options.offlineFlakeDir ? 'offline: packages from a local flake with this machine\'s Go toolchain' : 'packages from nixpkgs through Devbox\'s search service';
  return `// Generated by EnvBench (${origin}). Devbox reads JSON with comments.\n${JSON.stringify(config, null, 2)}\n`;
}

function nixString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, '\\${');
}

/**
 * The local flake Devbox takes its packages from offline: `packages.<system>.go` (and gopls, dlv
 * when this machine has them) are plain derivations built by the host's bash that link to the
 * toolchain copied into the store as `path:` inputs. No nixpkgs and nothing fetched. Building them
 * needs Nix's sandbox off (Debian's nix-bin sets `sandbox = false`): a sandbox hides /bin/bash.
 */
export function offlinePackagesFlake(options: {
  goroot: string;
  toolsDir: string | null;
  tools: readonly string[];
  system: string;
  goVersion: string;
  /** The Go tree (and tools folder) already added to the store once (storedSource): the inputs point there, so Nix does not hash the tree again on every call. */
  goSource?: string;
  toolsSource?: string | null;
}): string {
  const tools = options.toolsDir !== null ? options.tools.filter((t) => t === 'gopls' || t === 'dlv') : [];
  const storeName = (name: string): string => name.replace(/[^A-Za-z0-9+._?=-]/g, '-');
  const lines = [
    '# Generated by EnvBench for Devbox offline: no nixpkgs, nothing fetched.',
    `# Go ${options.goVersion} from ${options.goroot}${tools.length > 0 ? `; ${tools.join(' and ')} from ${options.toolsDir}` : ''}.`,
    '{',
    '  description = "EnvBench offline Go packages for Devbox";',
    ...(options.goSource ? [`# Both added to the Nix store once by EnvBench (\`nix store add-path\`): the inputs are those store paths.`] : []),
    `  inputs.go = { url = ${nixString(localFlakeUrl(options.goSource ?? options.goroot))}; flake = false; };`,
    ...(tools.length > 0 ? [`  inputs.tools = { url = ${nixString(localFlakeUrl(options.toolsSource ?? options.toolsDir!))}; flake = false; };`] : []),
    `  outputs = { self, go${tools.length > 0 ? ', tools' : ''} }:`,
    '    let',
    '      # A package whose bin/ links to files of an input (Go finds its GOROOT through the link).',
    '      linked = name: targets: derivation {',
    '        inherit name;',
    `        system = ${nixString(options.system)};`,
    '        builder = "/bin/bash";',
    // `&& :` keeps bash from exec-ing ln as its last command: with the sandbox off, Nix kills a
    // builder whose exec'd last command closed stdout and stderr (NixOS/nix#2176).
    '        args = [ "-c" "mkdir -p $out/bin && ln -s ${targets} $out/bin/ && :" ];',
    '        outputs = [ "out" ];',
    '        PATH = "/usr/bin:/bin";',
    '      };',
    '    in {',
    `      packages.${options.system} = {`,
    `        go = linked ${nixString(storeName(`envbench-go-${options.goVersion.replace(/^go/, '')}`))} "\${go}/bin/*";`,
    ...tools.map((tool) => `        ${tool} = linked ${nixString(`envbench-${tool}`)} "\${tools}/${tool}";`),
    '      };',
    '    };',
    '}',
    '',
  ];
  return lines.join('\n');
}

/** The flake reference Devbox's generated shell takes nixpkgs (for mkShell) from, unless devbox.json sets nixpkgs.commit. */
export const DEVBOX_STDENV_KEY = 'github:NixOS/nixpkgs/nixpkgs-unstable';

/**
 * Offline, the flake that stands in for nixpkgs in the shell Devbox generates: Devbox only calls
 * `legacyPackages.<system>.mkShell`, so that is all it provides (a plain derivation with a bash
 * builder whose PATH holds the packages' bin/). devbox.lock resolves DEVBOX_STDENV_KEY to it.
 */
export function nixpkgsStandinFlake(system: string): string {
  return `# Generated by EnvBench for Devbox offline: stands in for nixpkgs, whose only use in Devbox's
# generated shell is mkShell. devbox.lock resolves ${DEVBOX_STDENV_KEY} to this directory.
{
  description = "EnvBench offline stand-in for nixpkgs (mkShell only)";
  outputs = { self }: {
    legacyPackages.${nixString(system)}.mkShell = { buildInputs ? [ ], ... }@args:
      derivation ({
        name = "envbench-devbox-shell";
        system = ${nixString(system)};
        builder = "/bin/bash";
        outputs = [ "out" ];
        # \`&& :\`: bash must not exec the last command (NixOS/nix#2176).
        args = [ "-c" "echo > $out && :" ];
        PATH = builtins.concatStringsSep ":" ((map (p: "\${p}/bin") buildInputs) ++ [ "/usr/bin" "/bin" ]);
      } // builtins.removeAttrs args [ "buildInputs" ]);
  };
}
`;
}

/**
 * devbox.lock with DEVBOX_STDENV_KEY resolved to the stand-in flake (`path:` of `standinDir`).
 * The other entries of `existing` are kept (Devbox writes them for the packages it installed),
 * unless it is null or not a lock, when the lock holds that entry alone.
 */
export function offlineDevboxLock(existing: string | null, standinDir: string): string {
  let lock: DevboxLock = {};
  if (existing !== null) {
    try {
      const parsed = JSON.parse(existing) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) lock = parsed as DevboxLock;
    } catch {
      lock = {};
    }
  }
  const packages = typeof lock.packages === 'object' && lock.packages !== null && !Array.isArray(lock.packages) ? lock.packages : {};
  const entry = { ...(packages[DEVBOX_STDENV_KEY] ?? {}), resolved: localFlakeUrl(standinDir) };
  const result = { ...lock, lockfile_version: lock.lockfile_version ?? '1', packages: { ...packages, [DEVBOX_STDENV_KEY]: entry } };
  return `${JSON.stringify(result, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// devbox.lock and Nix's path-info
// ---------------------------------------------------------------------------------------------

interface DevboxLock {
  lockfile_version?: string;
  packages?: Record<string, { resolved?: string } | null>;
}

/**
 * Whether devbox.lock pins every package of devbox.json: an entry whose `resolved` flake reference
 * names a commit (40 hex digits) or a narHash. A `path:` package (a local flake, which Devbox
 * takes as it is and does not lock) counts as pinned when `flakeLockPins` says that flake's own
 * flake.lock pins it. Packages without a pin are listed.
 */
export function lockPins(
  lockText: string,
  packages: readonly string[],
  flakeLockPins: (pathPackage: string) => boolean = () => false,
): { pinsEveryPackage: boolean; unpinned: string[] } {
  let lock: DevboxLock = {};
  try {
    lock = JSON.parse(lockText) as DevboxLock;
  } catch {
    lock = {};
  }
  const unpinned = packages.filter((name) => {
    if (name.startsWith('path:')) return !flakeLockPins(name);
    const resolved = lock.packages?.[name]?.resolved ?? '';
    return !/(\/|rev=)[0-9a-f]{40}\b|narHash=/.test(resolved);
  });
  return { pinsEveryPackage: unpinned.length === 0, unpinned };
}

interface LockedSystem {
  outputs?: { path?: string }[] | null;
  store_path?: string;
}

/**
 * Offline, what of a workspace's own devbox.json Devbox cannot get without the network, before
 * Devbox tries: the nixpkgs its shell takes mkShell from (DEVBOX_STDENV_KEY, or the commit of
 * `nixpkgs.commit`) when devbox.lock does not resolve it, and each package that devbox.lock does
 * not resolve (Devbox would ask search.devbox.sh) or whose store paths for `system` are not in the
 * local store (`isValid`). `path:` packages are local flakes and need nothing. The stand-in's
 * availability (a `github:` nixpkgs) is checked by `flakeAvailable`.
 */
export async function offlineWorkspaceProblems(options: {
  configText: string;
  lockText: string | null;
  system: string;
  isValid: (storePath: string) => Promise<boolean>;
  flakeAvailable: (ref: string) => Promise<boolean>;
}): Promise<string[]> {
  const config = parseJsonc(options.configText, [], { allowTrailingComma: true }) as { nixpkgs?: { commit?: unknown } } | undefined;
  let lock: { packages?: Record<string, { resolved?: string; systems?: Record<string, LockedSystem> } | null> } = {};
  try {
    lock = options.lockText !== null ? (JSON.parse(options.lockText) as typeof lock) : {};
  } catch {
    lock = {};
  }
  const problems: string[] = [];
  const commit = typeof config?.nixpkgs?.commit === 'string' && config.nixpkgs.commit ? config.nixpkgs.commit : null;
  const stdenv = commit ? `github:NixOS/nixpkgs/${commit}` : DEVBOX_STDENV_KEY;
  const resolvedStdenv = lock.packages?.[stdenv]?.resolved;
  if (!resolvedStdenv) problems.push(`nixpkgs (${stdenv}, for the shell's mkShell): devbox.lock does not resolve it, so Devbox would ask GitHub`);
  else if (!(await options.flakeAvailable(resolvedStdenv))) problems.push(`nixpkgs (${resolvedStdenv}, for the shell's mkShell): not in Nix's local cache, so Nix would download it`);
  for (const name of devboxPackages(options.configText)) {
    if (name.startsWith('path:')) continue;
    const entry = lock.packages?.[name];
    if (!entry?.resolved) {
      problems.push(`${name}: not in devbox.lock, so Devbox would look it up on search.devbox.sh`);
      continue;
    }
    const locked = entry.systems?.[options.system];
    const paths = [...(locked?.outputs ?? []).map((o) => o.path), locked?.store_path].filter((p): p is string => typeof p === 'string' && p.length > 0);
    if (paths.length === 0) {
      problems.push(`${name}: devbox.lock names no store path for ${options.system}, so Nix would build or download ${entry.resolved}`);
      continue;
    }
    const missing: string[] = [];
    for (const p of [...new Set(paths)]) if (!(await options.isValid(p))) missing.push(p);
    if (missing.length > 0) problems.push(`${name}: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in the local Nix store, so Nix would download ${missing.length > 1 ? 'them' : 'it'} (cache.nixos.org)`);
  }
  return problems;
}

/** The folder of a `path:` flake reference ("path:/a%20b#go" -> "/a b"). */
export function pathFlakeDir(ref: string): string {
  return decodeURIComponent(ref.replace(/^path:/, '').replace(/[?#].*$/, ''));
}

/** Whether a flake.lock pins every input it has: each node but the root locked by narHash or commit. */
export function flakeLockPinsEveryInput(text: string): boolean {
  let lock: { root?: string; nodes?: Record<string, { locked?: { narHash?: string; rev?: string } }> };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch {
    return false;
  }
  if (typeof lock.nodes !== 'object' || lock.nodes === null) return false;
  const root = lock.root ?? 'root';
  return Object.entries(lock.nodes).every(([name, node]) => name === root || Boolean(node?.locked?.narHash || node?.locked?.rev));
}

/** The store paths devbox.lock names for `system` (each package's outputs, or its legacy store_path). */
export function lockStorePaths(lockText: string, system: string): string[] {
  let lock: { packages?: Record<string, { systems?: Record<string, LockedSystem> } | null> };
  try {
    lock = JSON.parse(lockText) as typeof lock;
  } catch {
    return [];
  }
  const paths: string[] = [];
  for (const entry of Object.values(lock.packages ?? {})) {
    const locked = entry?.systems?.[system];
    for (const p of [...(locked?.outputs ?? []).map((o) => o.path), locked?.store_path]) if (typeof p === 'string' && p.startsWith('/nix/store/')) paths.push(p);
  }
  return [...new Set(paths)];
}

/** The union of the closures `nix path-info -S -r --json` lists (both JSON shapes): its paths and their NAR sizes added up. */
export function pathInfoUnion(json: string): { narBytes: number; storePaths: string[] } {
  const parsed = JSON.parse(json) as unknown;
  const entries: [string, { narSize?: number } | null][] = Array.isArray(parsed)
    ? (parsed as { path?: string; narSize?: number }[]).filter((e) => typeof e.path === 'string').map((e) => [e.path!, e])
    : Object.entries(parsed as Record<string, { narSize?: number } | null>);
  return { narBytes: entries.reduce((sum, [, e]) => sum + (e?.narSize ?? 0), 0), storePaths: entries.map(([p]) => p) };
}

// ---------------------------------------------------------------------------------------------
// Devbox's own messages
// ---------------------------------------------------------------------------------------------

// Colours and cursor moves Devbox prints on a terminal (ESC [ ... letter).
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
const NETWORK_FAILURE = /search\.devbox\.sh|cache\.nixos\.org|dial tcp|no such host|could not resolve|Temporary failure in name resolution|network is unreachable|unable to download/i;
const SANDBOX_HIDES_BASH = /\/bin\/bash.*(No such file|not found)|executing '\/bin\/bash'/i;

/** Devbox's own first lines of stderr, without its progress lines. */
export function devboxError(stderr: string, lines = 3): string {
  const all = stderr
    .replace(ANSI, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^(Info:|warning:|✓|[\u2800-\u28ff]|Ensuring packages are installed|Starting a devbox shell|Finished installing packages)/i.test(l));
  const errorAt = all.findIndex((l) => /^Error:/i.test(l));
  const picked = (errorAt >= 0 ? all.slice(errorAt) : all).slice(0, lines).join(' | ');
  return picked || 'nothing on stderr';
}

/** Devbox's message plus what it means for EnvBench (the network, the sandbox), as one sentence. */
export function devboxFailure(stderr: string, offline: boolean): string {
  const says = `Devbox says: ${devboxError(stderr)}`;
  if (NETWORK_FAILURE.test(stderr)) {
    return offline
      ? `${says}. Offline, Devbox still reached for the network: something in the definition (a package, or the nixpkgs its shell takes mkShell from) is neither in devbox.lock with a store path this machine has nor a local flake`
      : `${says}. Devbox needs the network to resolve packages (search.devbox.sh) and download them (cache.nixos.org); \`envbench run --offline\` makes EnvBench give Devbox a local flake with this machine's Go toolchain instead`;
  }
  if (SANDBOX_HIDES_BASH.test(stderr)) {
    return `${says}. The offline flake's packages are built by the host's /bin/bash, which Nix's sandbox hides: set \`sandbox = false\` in nix.conf (Debian's nix-bin does)`;
  }
  return says;
}

// ---------------------------------------------------------------------------------------------
// Finding Devbox and the Nix it would use
// ---------------------------------------------------------------------------------------------

/** The Devbox binary to run, and why it cannot be used when ENVBENCH_DEVBOX names a bad file. */
export function devboxBinary(env: NodeJS.ProcessEnv = process.env): { program: string; fromEnv: boolean; problem: string | null } {
  const configured = env[DEVBOX_BINARY_ENV]?.trim();
  if (!configured) return { program: 'devbox', fromEnv: false, problem: null };
  const program = path.resolve(configured);
  const fix = `point ${DEVBOX_BINARY_ENV} at the devbox binary, or unset it to use devbox from PATH`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(program);
  } catch {
    return { program, fromEnv: true, problem: `${DEVBOX_BINARY_ENV} is set to ${program}, which does not exist: ${fix}` };
  }
  try {
    if (!stat.isFile()) throw new Error('not a file');
    fs.accessSync(program, fs.constants.X_OK);
  } catch {
    return { program, fromEnv: true, problem: `${DEVBOX_BINARY_ENV} is set to ${program}, which is not an executable file: ${fix}` };
  }
  return { program, fromEnv: true, problem: null };
}

const DEVBOX_MISSING =
  `Devbox is not installed (no \`devbox\` on PATH; ${DEVBOX_BINARY_ENV} can name the binary instead): ` +
  'install it with `go install go.jetify.com/devbox/cmd/devbox@<version>` (`go list -m -versions go.jetify.com/devbox` lists them), ' +
  'or with the official installer from https://www.jetify.com/devbox, which needs the network';

/** The Nix Devbox would run: on PATH, else the installer's default profile, as Devbox looks. */
async function devboxNix(): Promise<{ program: string; version: string | null; failure: string | null }> {
  const onPath = await nixVersion();
  if (onPath.failure !== 'ENOENT' || !fs.existsSync(DEFAULT_PROFILE_NIX)) return { program: 'nix', ...onPath };
  const probed = await probe(DEFAULT_PROFILE_NIX, ['--version']);
  if (!probed.ok) return { program: DEFAULT_PROFILE_NIX, version: null, failure: probed.failure };
  return { program: DEFAULT_PROFILE_NIX, version: /(\d+\.\d+(?:\.\d+)?)/.exec(probed.stdout)?.[1] ?? null, failure: null };
}

function nixProblem(nix: { version: string | null; failure: string | null }): string | null {
  if (nix.failure === 'ENOENT') {
    return `Nix is not installed, and Devbox runs everything through it: install Nix ${MIN_DEVBOX_NIX_VERSION} or newer (Debian trixie's nix-bin is 2.26, or the installer at https://nixos.org/download)`;
  }
  if (nix.failure) return `\`nix --version\` failed (${nix.failure}): check your Nix installation`;
  if (!nix.version) return '`nix --version` printed no version: check your Nix installation';
  if (compareVersions(nix.version, MIN_DEVBOX_NIX_VERSION) < 0) {
    return `Nix ${nix.version} is older than the ${MIN_DEVBOX_NIX_VERSION} Devbox needs: install a newer Nix (Debian trixie ships 2.26)`;
  }
  return null;
}

/**
 * `devbox run -- CMD ARGS` does not exec an argument vector: Devbox joins the words with spaces
 * into DEVBOX_RUN_CMD and its script runs `eval $DEVBOX_RUN_CMD` (later versions first quote
 * each argument after the first with Go's strconv.Quote, which a shell does not undo either).
 * It also always runs in the directory of devbox.json, not the caller's. So no user string goes
 * into that command: the working directory and every argument travel in environment variables,
 * and the one word Devbox evaluates is this fixed text, which field splitting and both Devbox
 * behaviours leave intact (single spaces, no glob characters, no argument after it to quote).
 */
export function runInDirectoryScript(argumentCount: number): string {
  const words = Array.from({ length: argumentCount }, (_, i) => `"$ENVBENCH_ARGV_${i}"`);
  return `cd -- "$${ENTER_DIRECTORY_ENV}" && exec ${words.join(' ')}`;
}

/**
 * Characters of a project directory that Devbox's own `sh -c "\"<dir>/.devbox/gen/scripts/...\""`
 * would interpret inside double quotes, or null. Devbox, not EnvBench, builds that string.
 */
export function shellUnsafeCharacters(dir: string): string | null {
  const found = [...new Set(dir.match(/[$`"\\\n]/g) ?? [])];
  return found.length > 0 ? found.map((c) => (c === '\n' ? 'a newline' : c)).join(' ') : null;
}

/**
 * The shell `devbox shell` starts for EnvBench's terminals: Devbox runs the program SHELL names
 * (an EnvBench file named `bash`, so Devbox hands it `--rcfile <Devbox's rc file>`), with the
 * environment Devbox computed. It enters the folder ENTER_DIRECTORY_ENV names, the only place the
 * workspace appears, and execs the real bash with Devbox's arguments; Devbox's rc file then
 * records `$(pwd)` at run time, runs the init hook in the project directory and comes back.
 * Constant text.
 */
export const DEVBOX_TERMINAL_SHELL = `#!/bin/sh
# Written by EnvBench for terminals in \`devbox shell\` (see devbox.ts): SHELL names this file.
# Enters the folder $${ENTER_DIRECTORY_ENV} names, then runs the real bash with Devbox's arguments.
cd -- "$${ENTER_DIRECTORY_ENV}" || exit 126
SHELL=$(command -v bash) || exit 127
export SHELL
exec "$SHELL" "$@"
`;

/**
 * Why `devbox shell` cannot open this terminal safely, or null. Devbox 0.18's rc file
 * (internal/devbox/shellrc.tmpl) holds the project directory in double quotes (`cd "DIR"`,
 * HISTFILE, the hooks file: the characters shellUnsafeCharacters names, refused for every Devbox
 * entry) and in single quotes (the `refresh` alias: `'eval "$(devbox shellenv ... -c "DIR")"'`),
 * where a `'` ends the quote and the rest runs as commands. It comes back to the terminal's
 * folder with `working_dir="$(pwd)"`, which drops a trailing newline, and exits when that fails.
 */
export function devboxShellProblem(configDir: string, workspace: string): string | null {
  if (configDir.includes("'")) return `its rc file would hold the project directory ${configDir} inside single quotes, where its ' ends the quote`;
  if (workspace.endsWith('\n')) return 'its rc file comes back to the folder through $(pwd), which drops the newline the folder name ends with';
  return null;
}

/**
 * A terminal's entry: `devbox shell --config DIR` with SHELL naming DEVBOX_TERMINAL_SHELL (written
 * into `rcDir`), which enters `workspace` (ENTER_DIRECTORY_ENV) before bash reads Devbox's rc
 * file. Where devboxShellProblem says that is unsafe, `devbox run --config DIR -- <fixed script>`
 * whose script enters the workspace and execs an interactive bash (terminalShellArgv), as before.
 * Either way the workspace and every argument travel in the environment, never in a command.
 */
export function devboxTerminalEntry(
  program: string,
  configDir: string,
  workspace: string,
  rcDir: string,
): { argv: string[]; env: Record<string, string>; entry: 'devbox shell' | 'devbox run'; why: string | null } {
  const why = devboxShellProblem(configDir, workspace);
  if (why) {
    const shell = terminalShellArgv(rcDir);
    return { argv: [program, 'run', '--config', configDir, '--', runInDirectoryScript(shell.length)], env: runInDirectoryEnv(workspace, shell), entry: 'devbox run', why };
  }
  const shellFile = path.join(rcDir, 'devbox-shell', 'bash');
  fs.mkdirSync(path.dirname(shellFile), { recursive: true });
  if (!fs.existsSync(shellFile) || fs.readFileSync(shellFile, 'utf8') !== DEVBOX_TERMINAL_SHELL) fs.writeFileSync(shellFile, DEVBOX_TERMINAL_SHELL);
  fs.chmodSync(shellFile, 0o755);
  return {
    argv: [program, 'shell', '--config', configDir],
    // DEVBOX_SHELL_ENABLED empty: EnvBench started from a devbox shell must not make Devbox refuse a nested one.
    env: { [ENTER_DIRECTORY_ENV]: workspace, SHELL: shellFile, DEVBOX_SHELL_ENABLED: '' },
    entry: 'devbox shell',
    why: null,
  };
}

export function runInDirectoryEnv(cwd: string, argv: readonly string[]): Record<string, string> {
  const env: Record<string, string> = { [ENTER_DIRECTORY_ENV]: cwd };
  argv.forEach((arg, i) => (env[`ENVBENCH_ARGV_${i}`] = arg));
  return env;
}

/**
 * NIX_CONFIG for every Nix call Devbox makes offline, after the user's own: no binary cache and an
 * empty flake registry. The flake features come first: before them Nix ignores `flake-registry`
 * (and prints "Ignoring setting 'flake-registry'" on every call).
 */
export function offlineNixConfig(registryFile: string, inherited: string | undefined): string {
  const extra = `extra-experimental-features = nix-command flakes\nsubstituters =\nflake-registry = ${registryFile}`;
  return inherited ? `${inherited}\n${extra}` : extra;
}

// ---------------------------------------------------------------------------------------------
// The runtime
// ---------------------------------------------------------------------------------------------

/** Devbox: `devbox run` on the workspace's devbox.json, or on one EnvBench generates. */
export class DevboxRuntime implements Runtime {
  readonly id = 'devbox' as const;
  readonly displayName = 'Devbox';

  constructor(private readonly resourcesDir: string) {}

  async detect(): Promise<RuntimeHealth> {
    const binary = devboxBinary();
    const nix = await devboxNix();
    // Devbox builds through Nix (offline, EnvBench's flake with /bin/bash builders): Nix must be able to build, not just answer.
    const nixIssue =
      nixProblem(nix) ?? (await nixBuildProblem({ program: nix.program, version: nix.version!, stateDir: runtimeCacheDir(defaultCacheDir(), 'nix') }));
    const unavailable = (version: string | null, reason: string): RuntimeHealth => ({ id: this.id, available: false, version, reason });
    const andNix = (reason: string): string => (nixIssue ? `${reason}; and ${nixIssue}` : reason);
    if (binary.problem) return unavailable(null, andNix(binary.problem));
    const probed = await probe(binary.program, ['version'], VERSION_TIMEOUT_MS);
    if (!probed.ok) {
      let reason: string;
      if (probed.failure === 'ENOENT') reason = binary.fromEnv ? `${binary.program} (from ${DEVBOX_BINARY_ENV}) cannot be run` : DEVBOX_MISSING;
      else if (probed.failure === 'timeout') {
        reason = `\`${binary.program} version\` did not answer within ${VERSION_TIMEOUT_MS / 1000} s (the Devbox launcher downloads its binary on first use, which needs the network): run \`devbox version\` once by hand`;
      } else reason = `\`${binary.program} version\` failed (${probed.failure}): ${devboxError(probed.stderr, 1)}`;
      return unavailable(null, andNix(reason));
    }
    const version = parseVersion(probed.stdout + probed.stderr) ?? probed.stdout.trim().split('\n')[0] ?? null;
    if (nixIssue) return unavailable(version, `Devbox${version ? ` ${version}` : ''} is installed, but ${nixIssue}`);
    if (!isMeasureHelperBuilt(this.resourcesDir)) return unavailable(version, 'the measure helper is not built: run `npm run setup`');
    // Devbox must do the work, not just answer: `devbox run` in a fresh project of EnvBench's own (devbox-health.ts).
    const runProblem = await devboxRunProblem({
      program: binary.program,
      version: version ?? '',
      nixProgram: nix.program,
      nixVersion: nix.version!,
      stateDir: runtimeCacheDir(defaultCacheDir(), this.id),
    });
    if (runProblem) return unavailable(version, runProblem);
    return { id: this.id, available: true, version: `${version} (Nix ${nix.version})`, reason: null };
  }

  /** A devbox.json of the workspace's own that Devbox could not read; null when fine or absent. */
  checkWorkspace(workspace: WorkspaceInfo): string | null {
    if (!workspace.definitions.includes('devbox.json')) return null;
    const file = path.join(workspace.path, 'devbox.json');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      return `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): check its permissions`;
    }
    return devboxJsonProblem(text, file);
  }

  prepare(context: PrepareContext): Promise<RuntimeSession> {
    return this.session(context);
  }

  /**
   * `devbox shell --config DIR` on the devbox.json the measurements use (installed first, as for
   * a run), with the runtime's environment, opened in the workspace folder (devboxTerminalEntry);
   * `devbox run` of an interactive bash where Devbox's rc file could not hold the folder safely.
   * Devbox starts in EnvBench's start directory either way.
   */
  async shellCommand(workspace: WorkspaceInfo, options: ShellOptions): Promise<ShellCommand> {
    const session = await this.session(terminalPrepareContext(workspace, options, this.resourcesDir));
    const { argv, env, cwd, entry, why } = session.interactiveShell();
    if (why) options.log?.(`devbox: the terminal uses \`devbox run\` of bash, not \`devbox shell\`: ${why}`);
    const title = entry === 'devbox shell' ? 'Devbox: devbox shell' : 'Devbox: devbox run bash (devbox shell cannot hold this folder safely)';
    return { file: argv[0]!, args: argv.slice(1), cwd, env, title, display: commandLine(argv) };
  }

  private async session(context: PrepareContext): Promise<DevboxSession> {
    const log = context.log ?? (() => {});
    const binary = devboxBinary();
    if (binary.problem) throw new UserError('Cannot run Devbox', binary.problem, '`envbench doctor` checks it');
    const own = runtimeCacheDir(context.cacheDir, this.id);
    // XDG_CACHE_HOME stays the user's: Devbox's official launcher keeps the real binary there, so
    // another cache directory would make it download Devbox again (or fail offline). The
    // consistency table shows (and flags) that its tool caches are not EnvBench's own.
    const { XDG_CACHE_HOME: _userKeepsTheirs, ...goEnv } = goEnvironment(context.cacheDir, this.id, context.offline);
    fs.mkdirSync(goEnv.GOCACHE!, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...goEnv,
      // Devbox sends telemetry unless told not to (https://consoledonottrack.com/).
      DO_NOT_TRACK: '1',
    };
    if (context.offline) {
      // As nix.ts does with flags: no binary cache and an empty flake registry, so no Nix call
      // Devbox makes waits seconds on a network that is not there.
      env.NIX_CONFIG = offlineNixConfig(emptyRegistry(own), process.env.NIX_CONFIG);
    }

    const nixArgs = nixCommonArgs(emptyRegistry(own), context.offline);
    const definition = await this.definition(context, log, nixArgs, env);
    const unsafe = shellUnsafeCharacters(definition.configDir);
    if (unsafe) {
      throw new UserError(
        `Cannot run Devbox in ${definition.configDir}`,
        `Devbox runs its scripts through sh with this directory inside double quotes, where ${unsafe} would be interpreted, not read as part of the path`,
        definition.source === 'workspace' ? 'Move the workspace to a path without those characters' : 'Point ENVBENCH_DATA_DIR at a path without those characters',
      );
    }
    if (context.offline && definition.source === 'workspace') {
      const lockFile = path.join(definition.configDir, 'devbox.lock');
      const problems = await offlineWorkspaceProblems({
        configText: fs.readFileSync(definition.configFile, 'utf8'),
        lockText: fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : null,
        system: nixSystem(),
        isValid: async (p) => (await runTool('nix-store', ['--check-validity', p], { env })).code === 0,
        flakeAvailable: async (ref) => (await runTool('nix', [...nixArgs, 'flake', 'metadata', '--json', ref], { env })).code === 0,
      });
      if (problems.length > 0) {
        throw new UserError(
          `Devbox cannot use ${definition.configFile} offline`,
          `it needs what this machine does not have: ${problems.join('; ')}`,
          'Run `devbox install` once online in the workspace (Nix then keeps the packages and devbox.lock records them), or run without --offline',
        );
      }
    }
    // Install once here, so that a definition Devbox cannot use fails before any measurement,
    // with Devbox's own message.
    const startDir = startDirectory(own);
    const install = await runTool(binary.program, ['install', '--config', definition.configDir], { env, cwd: startDir, signal: context.signal });
    if (install.code !== 0) {
      throw new UserError(`Devbox cannot install the packages of ${definition.configFile}`, devboxFailure(install.stderr, context.offline), `\`devbox install --config ${definition.configDir}\` shows the same error`);
    }
    const version = await probe(binary.program, ['version'], VERSION_TIMEOUT_MS);
    return new DevboxSession({
      ...definition,
      program: binary.program,
      workspacePath: context.workspace.path,
      offline: context.offline,
      env,
      helper: measureHelperPath(this.resourcesDir),
      devboxVersion: version.ok ? parseVersion(version.stdout) : null,
      nixVersion: (await devboxNix()).version,
      nixArgs,
      goCache: goEnv.GOCACHE!,
      startDir,
    });
  }

  /** The workspace's devbox.json, or one generated in EnvBench's data directory (never in the workspace). */
  private async definition(context: PrepareContext, log: (line: string) => void, nixArgs: string[], env: NodeJS.ProcessEnv): Promise<DevboxDefinition> {
    const workspace = context.workspace;
    if (workspace.definitions.includes('devbox.json')) {
      const problem = this.checkWorkspace(workspace);
      if (problem) throw new UserError(`Cannot use the workspace's devbox.json`, problem.replace(/\. Fix the file.*$/, ''), FIX_OR_REMOVE);
      log(`devbox: using the workspace's own devbox.json`);
      return { configDir: workspace.path, configFile: path.join(workspace.path, 'devbox.json'), source: 'workspace', offlineFlakeDir: null, standinDir: null, storeSources: [] };
    }
    const { configDir, offlineFlakeDir, standinDir } = devboxDataPaths(context.dataDir, workspace.path);
    fs.mkdirSync(configDir, { recursive: true });
    const configFile = path.join(configDir, 'devbox.json');
    const lockFile = path.join(configDir, 'devbox.lock');
    if (!context.offline) {
      const text = generateDevboxConfig({ goVersion: workspace.goVersion, offlineFlakeDir: null });
      // A changed definition makes the old lock wrong: Devbox resolves afresh.
      if (writeIfChanged(configFile, text)) fs.rmSync(lockFile, { force: true });
      log(`devbox: generated ${configFile} (packages from nixpkgs)`);
      return { configDir, configFile, source: 'generated', offlineFlakeDir: null, standinDir: null, storeSources: [] };
    }
    const toolchain = await hostGoToolchain();
    const toolsDir = sharedToolsDir(context.cacheDir, toolchain.tools);
    const tools = toolchain.tools.map((t) => t.name);
    // The Go tree (~270 MB) and the tools go into the store once; a `path:` input of the folder
    // itself would be read and hashed again by every Nix call Devbox makes.
    const record = path.join(offlineFlakeDir, 'store-sources.json');
    const goSource = await storedSource(toolchain.goroot, record, nixArgs, env, log);
    const toolsSource = toolsDir !== null ? await storedSource(toolsDir, record, nixArgs, env, log) : null;
    const flake = offlinePackagesFlake({ goroot: toolchain.goroot, toolsDir, tools, system: nixSystem(), goVersion: toolchain.version, goSource, toolsSource });
    if (writeIfChanged(path.join(offlineFlakeDir, 'flake.nix'), flake)) fs.rmSync(path.join(offlineFlakeDir, 'flake.lock'), { force: true });
    writeIfChanged(path.join(standinDir, 'flake.nix'), nixpkgsStandinFlake(nixSystem()));
    const text = generateDevboxConfig({ goVersion: workspace.goVersion, offlineFlakeDir, offlineTools: tools });
    // A changed definition makes the packages' entries wrong, not the stand-in's: the lock is
    // rewritten with that entry alone, which Devbox keeps while it adds the packages.
    const changed = writeIfChanged(configFile, text);
    const existing = !changed && fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : null;
    writeIfChanged(lockFile, offlineDevboxLock(existing, standinDir));
    log(`devbox: generated ${configFile} (offline: packages from ${offlineFlakeDir}; nixpkgs resolved by ${lockFile} to the stand-in ${standinDir})`);
    return { configDir, configFile, source: 'generated-offline', offlineFlakeDir, standinDir, storeSources: [goSource, ...(toolsSource ? [toolsSource] : [])] };
  }
}

/** Writes `text` unless the file already holds it; whether it wrote. */
function writeIfChanged(file: string, text: string): boolean {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return true;
}

/** Where EnvBench keeps a workspace's generated Devbox files (in its data directory, never in the workspace). */
export function devboxDataPaths(dataDir: string, workspacePath: string): { configDir: string; offlineFlakeDir: string; standinDir: string } {
  const dir = workspaceDataDir(dataDir, workspacePath);
  return { configDir: path.join(dir, 'devbox'), offlineFlakeDir: path.join(dir, 'devbox-flake'), standinDir: path.join(dir, 'devbox-nixpkgs-standin') };
}

/** What identifies a folder's content cheaply: its top-level entries with their sizes and modification times. */
export function folderStamp(dir: string): string {
  const stat = fs.statSync(dir);
  const entries = fs.readdirSync(dir, { withFileTypes: true }).map((entry) => {
    const s = fs.lstatSync(path.join(dir, entry.name));
    return `${entry.name}:${s.size}:${Math.round(s.mtimeMs)}`;
  });
  return `${Math.round(stat.mtimeMs)}|${entries.sort().join('|')}`;
}

/**
 * `dir` as a store path named "source", added once with `nix store add-path` and recorded in
 * `record` (with folderStamp, so a changed folder is added again). Nix takes a `path:` input that
 * is a valid store path named "source" as it is, without reading the tree. A GC root next to the
 * record keeps it. A failure to add is the user's to see, with Nix's words.
 */
async function storedSource(dir: string, record: string, nixArgs: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  let known: Record<string, { stamp: string; storePath: string }> = {};
  try {
    known = JSON.parse(fs.readFileSync(record, 'utf8')) as typeof known;
  } catch {
    known = {};
  }
  const stamp = folderStamp(dir);
  const cached = known[dir];
  if (cached && cached.stamp === stamp && (await runTool('nix-store', ['--check-validity', cached.storePath], { env })).code === 0) return cached.storePath;
  const started = performance.now();
  const added = await runTool('nix', [...nixArgs, 'store', 'add-path', '--name', 'source', dir], { env });
  const storePath = added.stdout.trim();
  if (added.code !== 0 || !storePath.startsWith('/nix/store/')) {
    throw new UserError(`Cannot add ${dir} to the Nix store`, `\`nix store add-path\` says: ${nixError(added.stderr) || 'nothing'}`, 'Check that the Nix store is writable (`nix store add-path` works by hand)');
  }
  const rootName = `gcroot-${crypto.createHash('sha256').update(dir).digest('hex').slice(0, 12)}`;
  await runTool('nix-store', ['--add-root', path.join(path.dirname(record), rootName), '--realise', storePath], { env });
  known[dir] = { stamp, storePath };
  fs.mkdirSync(path.dirname(record), { recursive: true });
  fs.writeFileSync(record, `${JSON.stringify(known, null, 2)}\n`);
  log(`devbox: added ${dir} to the Nix store once as ${storePath} (${Math.round(performance.now() - started)} ms)`);
  return storePath;
}

interface DevboxDefinition {
  /** The directory passed as `--config`: Devbox keeps its state in `<configDir>/.devbox/`. */
  configDir: string;
  configFile: string;
  source: 'workspace' | 'generated' | 'generated-offline';
  offlineFlakeDir: string | null;
  /** Offline: the flake devbox.lock resolves nixpkgs to (nixpkgsStandinFlake). */
  standinDir: string | null;
  /** Offline: the store paths the Go tree and tools were added as (storedSource). */
  storeSources: string[];
}

interface DevboxSessionConfig extends DevboxDefinition {
  program: string;
  workspacePath: string;
  offline: boolean;
  env: NodeJS.ProcessEnv;
  helper: string;
  devboxVersion: string | null;
  nixVersion: string | null;
  /** Arguments for EnvBench's own Nix queries (path-info, eval), offline-safe. */
  nixArgs: string[];
  goCache: string;
  /** Where Devbox and Nix are started: never the workspace (start-directory.ts). */
  startDir: string;
}

const SOURCE_TEXT: Record<DevboxDefinition['source'], string> = {
  workspace: 'workspace devbox.json',
  generated: 'generated devbox.json (packages from nixpkgs through Devbox search)',
  'generated-offline': "generated devbox.json (offline: local flake with this machine's Go toolchain)",
};

class DevboxSession implements RuntimeSession {
  readonly runtime = 'devbox' as const;
  readonly workspaceDir: string;
  private readonly stateDir: string;
  private readonly profileLink: string;

  constructor(private readonly config: DevboxSessionConfig) {
    this.workspaceDir = config.workspacePath;
    this.stateDir = path.join(config.configDir, '.devbox');
    // The project's Nix profile: Devbox's GC root for the packages it installed.
    this.profileLink = path.join(this.stateDir, 'nix', 'profile', 'default');
  }

  private devbox(args: string[], signal?: AbortSignal): Promise<ToolResult> {
    return runTool(this.config.program, args, { env: this.config.env, cwd: this.config.startDir, signal });
  }

  private nix(args: string[], program = 'nix'): Promise<ToolResult> {
    return runTool(program, program === 'nix' ? [...this.config.nixArgs, ...args] : args, { env: this.config.env, cwd: this.config.startDir });
  }

  /**
   * `devbox run --config DIR -- <fixed script>`: the script changes to the command's directory and
   * execs the measure helper, which runs the command. wallMs includes Devbox computing the
   * environment and running the init hook; innerWallMs is the command alone.
   */
  exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    const { args, env } = this.entry(command, options);
    return this.run(this.config.program, args, env, command, options);
  }

  /** dlv from the Devbox shell's PATH (its `delve` package), entered like every command; host network. Not yet run against a real Devbox. */
  startDebugServer(mainPackage: string, cwd: string, options: ExecOptions): Promise<DebugServer> {
    return launchDebugServer((opts) => this.exec({ argv: delveArgv('dlv', mainPackage), cwd }, opts), connectLoopback, options);
  }

  /** The same entry inside a private network namespace: what the user gets on a plane. */
  async execWithoutNetwork(command: CommandSpec, options: ExecOptions): Promise<IsolatedOutcome> {
    const { args, env } = this.entry(command, options);
    const isolated = withoutNetwork(this.config.program, args);
    return { ...(await this.run(isolated.program, isolated.args, env, command, options)), isolation: NETWORK_NAMESPACE_ISOLATION };
  }

  private entry(command: CommandSpec, options: ExecOptions): { args: string[]; env: Record<string, string> } {
    const argv = [this.config.helper, ...measureHelperArgs(command.argv, options.timeoutMs)];
    return {
      args: ['run', '--config', this.config.configDir, '--', runInDirectoryScript(argv.length)],
      env: runInDirectoryEnv(command.cwd, argv),
    };
  }

  private async run(program: string, args: string[], entryEnv: Record<string, string>, command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    const outcome = await runMeasured({
      program,
      args,
      cwd: this.config.startDir,
      env: { ...this.config.env, ...command.env, ...entryEnv },
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onOutput: options.onOutput,
    });
    if (!outcome.report && !outcome.timedOut && !outcome.cancelled && !namespaceFailure(outcome.stderr)) {
      // Devbox failed before the command started: say why in Devbox's words.
      outcome.stderr = `${outcome.stderr}\n${devboxFailure(outcome.stderr, this.config.offline)}`;
    }
    return { ...outcome, wallMs: outcome.outerWallMs, innerWallMs: outcome.report ? outcome.report.wallNs / 1e6 : outcome.outerWallMs };
  }

  /**
   * Cold start phases. Devbox resolves what devbox.lock does not pin (search.devbox.sh) and
   * realises the packages in one command, `devbox install`; nothing outside Devbox can tell the
   * two apart, so they are one phase, `install`, rather than a made-up `resolve`. With a lock that
   * pins every package, resolving is reading the lock. Then `shell-ready` (the first `go version`
   * through `devbox run`, which computes the environment and runs the init hook) and `first-run`.
   */
  async startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome> {
    if (temperature === 'cold') await this.evictCaches();
    const phases: { name: string; ms: number }[] = [];
    const started = performance.now();
    const install = await this.devbox(['install', '--config', this.config.configDir], options.signal);
    if (install.code !== 0) throw new Error(`devbox install failed: ${devboxFailure(install.stderr, this.config.offline)}`);
    phases.push({ name: 'install', ms: performance.now() - started });
    return readyThenFirstRun(phases, 'shell-ready', (argv) => this.exec({ argv, cwd: this.workspaceDir }, options), options.firstRun);
  }


  /**
   * The terminal's entry (devboxTerminalEntry: `devbox shell`, or `devbox run` of bash where that
   * is unsafe), started in the start directory, with what EnvBench adds to its own environment
   * for every entry.
   */
  interactiveShell(): { argv: string[]; env: Record<string, string>; cwd: string; entry: 'devbox shell' | 'devbox run'; why: string | null } {
    // EnvBench's files for it go into this runtime's own cache folder (GOCACHE's parent).
    const entry = devboxTerminalEntry(this.config.program, this.config.configDir, this.workspaceDir, path.dirname(this.config.goCache));
    return { argv: entry.argv, env: { ...addedEnvironment(this.config.env), ...entry.env }, cwd: this.config.startDir, entry: entry.entry, why: entry.why };
  }

  private profileTarget(): string | null {
    try {
      const target = fs.realpathSync(this.profileLink);
      return target.startsWith('/nix/store/') ? target : null;
    } catch {
      return null;
    }
  }

  /**
   * Store paths EnvBench's Devbox environment created, and only those: the project profile Devbox
   * built, and offline the local flake's package derivations. The packages themselves (Go from
   * cache.nixos.org, or the toolchain copy other EnvBench environments share) are kept, as a
   * pulled base layer would be.
   */
  async storePaths(): Promise<string[]> {
    const paths: string[] = [];
    const profile = this.profileTarget();
    if (profile) paths.push(profile);
    if (this.config.offlineFlakeDir) {
      const flake = localFlakeUrl(this.config.offlineFlakeDir);
      for (const attribute of ['go', 'gopls', 'dlv']) {
        const out = await this.nix(['eval', '--raw', `${flake}#packages.${nixSystem()}.${attribute}.outPath`]);
        if (out.code === 0 && out.stdout.startsWith('/nix/store/')) paths.push(out.stdout.trim());
      }
    }
    return [...new Set(paths)];
  }

  private async presentPaths(paths: readonly string[]): Promise<string[]> {
    const present: string[] = [];
    for (const p of paths) if ((await this.nix(['--check-validity', p], 'nix-store')).code === 0) present.push(p);
    return present;
  }

  /**
   * Cold: drop Devbox's state in `.devbox/` (its profile, the GC root of the packages, goes with
   * it), delete the store paths above with `nix-store --delete`, which never deletes a path
   * something else keeps alive (such a path fails the cold sample, named with its root), and empty
   * the Go build cache. For a workspace's own devbox.json, `.devbox/virtenv` (plugin data such as
   * databases) is kept. Devbox's and Nix's caches under the user's XDG_CACHE_HOME are the user's
   * and are left alone.
   */
  async evictCaches(): Promise<void> {
    const paths = await this.storePaths();
    const keep = this.config.source === 'workspace' ? new Set(['virtenv']) : new Set<string>();
    if (fs.existsSync(this.stateDir)) {
      for (const entry of fs.readdirSync(this.stateDir)) {
        if (!keep.has(entry)) fs.rmSync(path.join(this.stateDir, entry), { recursive: true, force: true });
      }
    }
    const present = await this.presentPaths(paths);
    const kept: string[] = [];
    if (present.length > 0) {
      const closure = await this.nix(['--query', '--referrers-closure', ...present], 'nix-store');
      const doomed = [...new Set([...closure.stdout.trim().split('\n').filter(Boolean), ...present])];
      const deleted = await this.nix(['--delete', ...doomed], 'nix-store');
      const reason = nixError(deleted.stderr, 1);
      for (const storePath of await this.presentPaths(present)) {
        const roots = (await this.nix(['--query', '--roots', storePath], 'nix-store')).stdout.trim().split('\n').filter((l) => l.includes(' -> '));
        kept.push(roots.length > 0 ? `${storePath} (kept alive by the GC root ${roots[0]})` : `${storePath} (not deleted: ${reason || 'Nix refused'})`);
      }
    }
    if (kept.length > 0) throw new Error(`cannot make the Devbox environment cold: ${kept.join('; ')}; EnvBench does not force it`);
    fs.rmSync(this.config.goCache, { recursive: true, force: true });
    fs.mkdirSync(this.config.goCache, { recursive: true });
  }

  /**
   * The store paths the environment consists of: Devbox's profile when it made one; else (Devbox
   * 0.18 makes none for flake packages) the offline flake's package outputs and the outputs
   * devbox.lock names for this system, those present in the store.
   */
  private async environmentRoots(): Promise<string[]> {
    const profile = this.profileTarget();
    if (profile) return [profile];
    const paths = await this.storePaths();
    const lockFile = path.join(this.config.configDir, 'devbox.lock');
    if (fs.existsSync(lockFile)) paths.push(...lockStorePaths(fs.readFileSync(lockFile, 'utf8'), nixSystem()));
    return this.presentPaths([...new Set(paths)]);
  }

  private async profileClosure(): Promise<{ path: string; bytes: number | null; paths: number | null; storePaths: string[] } | null> {
    const roots = await this.environmentRoots();
    if (roots.length === 0) return null;
    const label = roots.join(', ');
    const info = await this.nix(['path-info', '-S', '-r', '--json', ...roots]);
    if (info.code !== 0) return { path: label, bytes: null, paths: null, storePaths: [] };
    try {
      const { narBytes, storePaths } = pathInfoUnion(info.stdout);
      return { path: label, bytes: narBytes, paths: storePaths.length, storePaths };
    } catch {
      return { path: label, bytes: null, paths: null, storePaths: [] };
    }
  }

  async footprint(): Promise<Footprint> {
    const items: FootprintItem[] = [{ label: 'Devbox state (.devbox/)', path: this.stateDir, bytes: await directorySize(this.stateDir) }];
    const closure = await this.profileClosure();
    if (closure?.bytes != null) items.push({ label: 'Devbox environment closure (Nix store)', path: closure.path, bytes: closure.bytes });
    items.push({ label: 'Go build cache (EnvBench-owned)', path: this.config.goCache, bytes: await directorySize(this.config.goCache) });
    return { totalBytes: items.reduce((sum, item) => sum + item.bytes, 0), items };
  }

  async facts(): Promise<Record<string, FactValue>> {
    const text = fs.readFileSync(this.config.configFile, 'utf8');
    const lockFile = path.join(this.config.configDir, 'devbox.lock');
    let pins: { pinsEveryPackage: boolean; unpinned: string[] } | null = null;
    const flakeLockPins = (ref: string): boolean => {
      const file = path.join(pathFlakeDir(ref), 'flake.lock');
      return fs.existsSync(file) && flakeLockPinsEveryInput(fs.readFileSync(file, 'utf8'));
    };
    if (fs.existsSync(lockFile)) pins = lockPins(fs.readFileSync(lockFile, 'utf8'), devboxPackages(text), flakeLockPins);
    const closure = await this.profileClosure();
    // On disk, each path of the profile's closure (the Go tree included) counted once.
    let profileDiskBytes: number | null = null;
    if (closure && closure.storePaths.length > 0) {
      profileDiskBytes = 0;
      for (const storePath of closure.storePaths) profileDiskBytes += await directorySize(storePath);
    }
    return {
      entryMode: 'devbox run --config (one devbox run per command)',
      definitionFile: this.config.configFile,
      definitionSource: SOURCE_TEXT[this.config.source],
      offlineFlake: this.config.offlineFlakeDir ? path.join(this.config.offlineFlakeDir, 'flake.nix') : null,
      devboxVersion: this.config.devboxVersion,
      nixVersion: this.config.nixVersion,
      lockfile: pins ? lockFile : null,
      lockPinsEveryPackage: pins?.pinsEveryPackage ?? null,
      // What the ranking reads: devbox.lock (with the local flakes' flake.lock) pins every input.
      lockPinsEveryInput: pins?.pinsEveryPackage ?? null,
      lockUnpinnedPackages: pins && pins.unpinned.length > 0 ? pins.unpinned.join(', ') : null,
      closureBytes: closure?.bytes ?? null,
      closureStorePaths: closure?.paths ?? null,
      profileDiskBytes,
      nixStoreSources: this.config.storeSources.length > 0 ? this.config.storeSources.join(', ') : null,
      configLines: configLines(text),
      privileges: 'none',
      ...definitionFacts(this.config.configFile, SOURCE_TEXT[this.config.source], text),
      ...this.offlineDefinitionFacts(lockFile),
    };
  }

  /** Offline, the files besides devbox.json the run used: the packages' flake, the nixpkgs stand-in and devbox.lock (definition.*.file/text). */
  private offlineDefinitionFacts(lockFile: string): Record<string, FactValue> {
    if (this.config.source !== 'generated-offline') return {};
    const facts: Record<string, FactValue> = {};
    const files: [string, string | null][] = [
      ['packagesFlake', this.config.offlineFlakeDir && path.join(this.config.offlineFlakeDir, 'flake.nix')],
      ['nixpkgsStandin', this.config.standinDir && path.join(this.config.standinDir, 'flake.nix')],
      ['devboxLock', lockFile],
    ];
    for (const [name, file] of files) {
      if (!file || !fs.existsSync(file)) continue;
      facts[`definition.${name}.file`] = file;
      facts[`definition.${name}.text`] = capDefinitionText(fs.readFileSync(file, 'utf8'));
    }
    return facts;
  }

  async dispose(): Promise<void> {
    // Devbox's profile stays, so the next run starts warm; `startup-cold` removes it on purpose.
  }
}
