import path from 'node:path';
import type { FactValue } from '../../shared/run';
import { sampleFailure } from '../measure/command-failure';
import type { ExecOutcome } from '../environments/runtime';
import type { CheckContext, CheckOutcome } from './check';

/** The build settings (`go version -m`) that explain why two binaries differ. */
const TELLING_SETTINGS = /^build\s+(-trimpath|-ldflags|-tags|-gcflags|-asmflags|-buildmode|-compiler|CGO_ENABLED|CGO_CFLAGS|GOARCH|GOAMD64|GOOS|GOEXPERIMENT|vcs\.revision|vcs\.modified)=/;

/** A main package as a file name: "./cmd/loganalyzer" -> "cmd-loganalyzer", "." -> "root". */
function binaryName(pkg: string): string {
  return pkg.replace(/^\.\/?/, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'root';
}

/**
 * Builds every main package with `-trimpath` twice in the environment (the second time from an
 * empty build cache), in a directory of its own
 * under /tmp (the environment's /tmp: the container's, or the host's for native and Nix), and
 * hashes the binaries there with sha256sum. Reproducible when both builds of every package give
 * the same bytes; the hashes and build settings are kept so the report can compare environments.
 */
export async function reproducibleBuild({ session, workspace, cwd, runId, execOptions, timeoutMs }: CheckContext): Promise<CheckOutcome> {
  if (workspace.mainPackages.length === 0) return { failure: 'the workspace has no main package to build a binary from' };
  const dir = `/tmp/envbench-repro-${runId}-${session.runtime}`;
  const step = async (argv: string[], env?: Record<string, string>): Promise<{ outcome: ExecOutcome; failure: string | null }> => {
    const outcome = await session.exec({ argv, cwd, env }, execOptions);
    return { outcome, failure: sampleFailure(argv, outcome, timeoutMs) };
  };
  const facts: Record<string, FactValue> = {};
  const differing: string[] = [];
  try {
    const made = await step(['mkdir', '-p', dir]);
    if (made.failure) return { failure: made.failure };
    for (const pkg of workspace.mainPackages) {
      const name = binaryName(pkg);
      const outputs = [1, 2].map((i) => path.posix.join(dir, `${name}-${i}`));
      // The second build starts from an empty build cache, so nothing of the first is reused.
      for (const [i, output] of outputs.entries()) {
        const built = await step(['go', 'build', '-trimpath', '-o', output, pkg], i === 1 ? { GOCACHE: path.posix.join(dir, 'empty-gocache') } : undefined);
        if (built.failure) return { failure: built.failure };
      }
      const hashed = await step(['sha256sum', ...outputs]);
      if (hashed.failure) return { failure: hashed.failure };
      const hashes = hashed.outcome.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0] ?? '');
      if (hashes.length !== 2 || hashes.some((h) => !/^[0-9a-f]{64}$/.test(h))) return { failure: `sha256sum printed no hashes: ${hashed.outcome.stdout.slice(0, 200)}` };
      facts[`sha256.${pkg}`] = hashes[0]!;
      if (hashes[0] !== hashes[1]) differing.push(`${pkg} (${hashes[0]!.slice(0, 12)} then ${hashes[1]!.slice(0, 12)})`);
      const info = await step(['go', 'version', '-m', outputs[0]!]);
      if (!info.failure) {
        facts[`settings.${pkg}`] = info.outcome.stdout
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => TELLING_SETTINGS.test(l))
          .map((l) => l.replace(/^build\s+/, ''))
          .join(' ');
      }
    }
  } finally {
    await session.exec({ argv: ['rm', '-rf', dir], cwd }, { ...execOptions, signal: undefined }).catch(() => {});
  }
  return {
    facts,
    verdict: {
      value: differing.length === 0 ? 'reproducible' : 'not-reproducible',
      detail: differing.length === 0 ? null : `two builds differ: ${differing.join('; ')}`,
      method: 'go build -trimpath twice per main package in the environment (the second from an empty build cache), compared by SHA-256',
    },
  };
}
