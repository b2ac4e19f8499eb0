import fs from 'node:fs';
import path from 'node:path';

/**
 * The Devbox binary is `devbox` from PATH, unless the environment variable ENVBENCH_DEVBOX names
 * another file (a build kept off PATH, such as `$(go env GOPATH)/bin/devbox`).
 */
export const DEVBOX_BINARY_ENV = 'ENVBENCH_DEVBOX';
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
