import { spawnSync } from 'node:child_process';

/**
 * Whether a tool this test needs is on the machine. Outside CI a missing tool skips the test;
 * with CI=true it is a failure, because CI must provision every runtime (.ci/run).
 */
export function hasTool(program: string, args: string[] = ['--version']): boolean {
  const result = spawnSync(program, args, { stdio: 'ignore', timeout: 20_000 });
  const present = result.status === 0 && !result.error;
  if (!present && process.env.CI === 'true') {
    throw new Error(`CI=true but \`${program}\` is missing: .ci/run must install it (tests may not skip in CI).`);
  }
  return present;
}
