import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { inputDiffers, parseEnvironmentInputs } from './environment-inputs';

describe('environment inputs', () => {
  it('names the runtime\'s own cache directory, unset variables and cache warmth', () => {
    const stdout = ['uid=1000', 'user=ana', 'HOME=/home/ana', 'XDG_CACHE_HOME=/c/envbench/nix/xdg-cache', 'TMPDIR=', 'TMPDIR.unset=1', 'GOCACHE=/c/gocache', 'GOCACHE.kib=10240', 'toolcache.kib=8', 'goimports=built'].join('\n');
    expect(parseEnvironmentInputs(stdout, '/c/envbench/nix/xdg-cache')).toEqual({
      uid: '1000 (ana)',
      HOME: '/home/ana',
      XDG_CACHE_HOME: "EnvBench's own (/c/envbench/nix/xdg-cache)",
      TMPDIR: '(unset: /tmp)',
      caches: 'build cache warm (10.0 MiB), tool caches empty (0.0 MiB), goimports index built',
    });
    expect(parseEnvironmentInputs(stdout.replace('XDG_CACHE_HOME=/c/envbench/nix/xdg-cache', 'XDG_CACHE_HOME=\nXDG_CACHE_HOME.unset=1'), undefined).XDG_CACHE_HOME).toBe('(unset: ~/.cache)');
  });

  it('compares EnvBench-owned cache directories by kind, caches by warmth and users by id', () => {
    expect(inputDiffers('XDG_CACHE_HOME', "EnvBench's own (/a)", "EnvBench's own (/b)")).toBe(false);
    expect(inputDiffers('XDG_CACHE_HOME', '(unset: ~/.cache)', "EnvBench's own (/b)")).toBe(true);
    expect(inputDiffers('caches', 'build cache warm (1.0 MiB), tool caches warm (2.0 MiB)', 'build cache warm (9.0 MiB), tool caches warm (1.0 MiB)')).toBe(false);
    expect(inputDiffers('caches', 'build cache warm (1.0 MiB), tool caches empty (0.0 MiB)', 'build cache warm (9.0 MiB), tool caches warm (1.0 MiB)')).toBe(true);
    // The goimports index is shown, not compared: gopls-load builds it everywhere first.
    expect(inputDiffers('caches', 'build cache warm (1.0 MiB), tool caches warm (2.0 MiB), goimports index none', 'build cache warm (9.0 MiB), tool caches warm (1.0 MiB), goimports index built')).toBe(false);
    expect(inputDiffers('uid', '0 (root)', '0')).toBe(false);
    expect(inputDiffers('TMPDIR', '/var/tmp', '(unset: /tmp)')).toBe(true);
  });

  it('its script reads this host as native would', async () => {
    // The script itself, run by bash on the host with a known environment (what every runtime runs).
    const { readEnvironmentInputs } = await import('./environment-inputs');
    const session = {
      runtime: 'native',
      workspaceDir: '/',
      xdgCacheHome: '/tmp/envbench-inputs-test-xdg',
      exec: async (command: { argv: readonly string[] }) => {
        const stdout = execFileSync(command.argv[0]!, command.argv.slice(1), { env: { ...process.env, XDG_CACHE_HOME: '/tmp/envbench-inputs-test-xdg', TMPDIR: '/var/tmp' }, encoding: 'utf8' });
        return { exitCode: 0, stdout, stderr: '', report: null } as never;
      },
    } as never;
    const inputs = await readEnvironmentInputs(session, '/', { timeoutMs: 30_000 });
    expect(inputs).toMatchObject({ uid: `${process.getuid!()} (${execFileSync('id', ['-un'], { encoding: 'utf8' }).trim()})`, XDG_CACHE_HOME: "EnvBench's own (/tmp/envbench-inputs-test-xdg)", TMPDIR: '/var/tmp' });
    expect(inputs!.HOME).toBe(process.env.HOME);
  });
});
