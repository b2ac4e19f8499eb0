import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** Devbox refuses Nix older than this (MinVersion in Devbox's internal/nix). */
const MIN_NIX = [2, 18];

export type DevboxAvailability =
  | { ok: true; program: string; version: string; nixVersion: string }
  | { ok: false; reason: string };

/**
 * Whether tests can run the real Devbox: ENVBENCH_DEVBOX (else `devbox` on PATH) answers
 * `devbox version`, and Nix >= 2.18 is on PATH. Unlike hasTool() this never fails a CI run: CI
 * cannot get Devbox from any registry (docs/devbox.md), so there, and only for Devbox, a suite
 * reports "not run: no Devbox" with this reason in its name (.ci/run prints skipped tests' names).
 */
export function devboxAvailability(): DevboxAvailability {
  const configured = process.env.ENVBENCH_DEVBOX?.trim();
  const program = configured ? path.resolve(configured) : 'devbox';
  const version = spawnSync(program, ['version'], { encoding: 'utf8', timeout: 20_000 });
  if (version.error || version.status !== 0) {
    const why = (version.error as NodeJS.ErrnoException | undefined)?.code ?? `exit ${version.status}`;
    return {
      ok: false,
      reason: configured ? `ENVBENCH_DEVBOX=${program} does not run (${why})` : `no \`devbox\` on PATH and ENVBENCH_DEVBOX is not set; CI cannot install Devbox from any registry`,
    };
  }
  const nix = spawnSync('nix', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  const nixVersion = /(\d+)\.(\d+)(?:\.\d+)?/.exec(nix.stdout ?? '');
  if (nix.error || nix.status !== 0 || !nixVersion) return { ok: false, reason: `Devbox ${version.stdout.trim()} is here, but no Nix (\`nix --version\` failed)` };
  const [major, minor] = [Number(nixVersion[1]), Number(nixVersion[2])];
  if (major < MIN_NIX[0]! || (major === MIN_NIX[0] && minor < MIN_NIX[1]!)) {
    return { ok: false, reason: `Devbox ${version.stdout.trim()} is here, but Nix ${nixVersion[0]} is older than the ${MIN_NIX.join('.')} Devbox needs` };
  }
  return { ok: true, program, version: version.stdout.trim(), nixVersion: nixVersion[0] };
}

/** A describe() name: what the suite runs against, or "not run: no Devbox (<reason>)". */
export function devboxSuiteName(what: string, availability: DevboxAvailability): string {
  return availability.ok ? `${what} (Devbox ${availability.version}, Nix ${availability.nixVersion})` : `not run: no Devbox (${availability.reason}): ${what}`;
}
