import type { FactValue } from '../../shared/run';
import { sampleFailure } from '../measure/command-failure';
import type { ExecOutcome } from '../environments/runtime';
import type { CheckContext, CheckOutcome } from './check';
import { INPUT_KEYS, readEnvironmentInputs } from './environment-inputs';

/** The `go env` settings that decide what a build produces or where it reaches. */
export const GO_ENV_KEYS = ['GOVERSION', 'GOOS', 'GOARCH', 'GOAMD64', 'GOROOT', 'GOFLAGS', 'GOPROXY', 'GOTOOLCHAIN', 'CGO_ENABLED', 'GOMODCACHE', 'CC'] as const;

/** The first line of a tool's version output, or why there is none ("not installed"). */
function versionLine(outcome: ExecOutcome, pick: (lines: string[]) => string | undefined = (l) => l[0]): string {
  if (outcome.report?.execError) return 'not installed';
  const lines = (outcome.stdout + '\n' + outcome.stderr).split('\n').map((l) => l.trim()).filter(Boolean);
  if (outcome.exitCode !== 0) return `fails: ${lines[0] ?? `exit ${outcome.exitCode}`}`;
  return pick(lines) ?? 'no output';
}

/**
 * What each environment really has: Go's version and the settings that shape builds, the C
 * compiler cgo would use, gopls and Delve, and what commands get besides (user id, HOME,
 * XDG_CACHE_HOME, TMPDIR, cache warmth: environment-inputs.ts). Stored as facts (`consistency.<key>`); the run report
 * lays them side by side and explains each difference from native.
 */
export async function consistency({ session, cwd, execOptions, timeoutMs }: CheckContext): Promise<CheckOutcome> {
  const exec = (argv: string[]): Promise<ExecOutcome> => session.exec({ argv, cwd }, execOptions);
  const goEnvArgv = ['go', 'env', '-json', ...GO_ENV_KEYS];
  const goEnv = await exec(goEnvArgv);
  const failed = sampleFailure(goEnvArgv, goEnv, timeoutMs);
  if (failed) return { failure: failed };
  let env: Record<string, string>;
  try {
    env = JSON.parse(goEnv.stdout) as Record<string, string>;
  } catch {
    return { failure: `\`go env -json\` printed something that is not JSON: ${goEnv.stdout.slice(0, 200)}` };
  }
  const facts: Record<string, FactValue> = {};
  for (const key of GO_ENV_KEYS) facts[`env.${key}`] = env[key] ?? '';
  const cc = env.CC?.trim();
  facts.cc = env.CGO_ENABLED === '1' && cc ? versionLine(await exec([cc, '--version'])) : 'cgo disabled';
  facts.gopls = versionLine(await exec(['gopls', 'version']));
  facts.dlv = versionLine(await exec(['dlv', 'version']), (lines) => lines.find((l) => l.startsWith('Version:')) ?? lines[0]);
  // What else commands get: the user, HOME, the cache and temporary directories, cache warmth.
  const inputs = await readEnvironmentInputs(session, cwd, execOptions);
  for (const key of INPUT_KEYS) facts[`input.${key}`] = inputs ? inputs[key] : 'could not be read';
  return { facts };
}
