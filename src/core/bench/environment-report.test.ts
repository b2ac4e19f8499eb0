import { describe, expect, it } from 'vitest';
import type { RuntimeFacts } from '../../shared/run';
import { buildConsistency } from './environment-report';

const env = (version: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'consistency.env.GOVERSION': version,
  'consistency.env.GOROOT': '/usr/local/go',
  'consistency.env.CGO_ENABLED': '1',
  'consistency.env.GOFLAGS': '',
  'consistency.gopls': 'golang.org/x/tools/gopls v0.23.0',
  ...extra,
});

describe('buildConsistency', () => {
  it('flags drift from native, explains it, and treats paths as expected differences', () => {
    const maintenance: RuntimeFacts[] = [
      { runtime: 'native', facts: env('go1.26.8') },
      { runtime: 'docker', facts: env('go1.21.5', { 'consistency.env.GOROOT': '/nix/store/x-go', 'consistency.env.CGO_ENABLED': '0', 'consistency.gopls': 'not installed' }) },
    ];
    const matrix = buildConsistency(maintenance, '1.22', ['native', 'docker'])!;
    const row = (key: string) => matrix.rows.find((r) => r.key === key)!;
    expect(row('env.GOVERSION')).toMatchObject({ values: { native: 'go1.26.8', docker: 'go1.21.5' }, differs: ['docker'] });
    expect(row('env.GOVERSION').explanations).toContain('go.mod asks for 1.22, docker has go1.21.5: builds fail or download a toolchain');
    expect(row('env.GOVERSION').explanations).toContain('Go: docker has go1.21.5, native has go1.26.8');
    expect(row('env.CGO_ENABLED').explanations[0]).toMatch(/^cgo is off in docker but on on native/);
    expect(row('env.GOROOT').differs).toEqual([]);
    expect(row('env.GOROOT').explanations[0]).toMatch(/expected to differ/);
    expect(row('gopls').differs).toEqual(['docker']);
    expect(row('env.GOFLAGS').differs).toEqual([]);
  });

  it('compares reproducible builds with native and says which settings explain a difference', () => {
    const maintenance: RuntimeFacts[] = [
      { runtime: 'native', facts: { ...env('go1.26.8'), 'reproducible-build.sha256../cmd/a': 'aa', 'reproducible-build.settings../cmd/a': '-trimpath=true CGO_ENABLED=1' } },
      { runtime: 'nix', facts: { ...env('go1.26.8'), 'reproducible-build.sha256../cmd/a': 'aa', 'reproducible-build.settings../cmd/a': '-trimpath=true CGO_ENABLED=1' } },
      {
        runtime: 'docker',
        facts: { ...env('go1.26.8', { 'consistency.env.GOFLAGS': '-ldflags=-s' }), 'reproducible-build.sha256../cmd/a': 'bb', 'reproducible-build.settings../cmd/a': '-ldflags=-s -trimpath=true CGO_ENABLED=1' },
      },
    ];
    const { builds } = buildConsistency(maintenance, '1.22', ['native', 'nix', 'docker'])!;
    expect(builds).toEqual([
      { runtime: 'native', package: './cmd/a', sha256: 'aa', identicalToNative: null, why: null },
      { runtime: 'nix', package: './cmd/a', sha256: 'aa', identicalToNative: true, why: null },
      { runtime: 'docker', package: './cmd/a', sha256: 'bb', identicalToNative: false, why: 'GOFLAGS -ldflags=-s vs (unset); build settings: +-ldflags=-s' },
    ]);
  });

  it('has rows for the user id, HOME, XDG_CACHE_HOME, TMPDIR and cache warmth, and flags a deliberately different one', () => {
    const inputs = (extra: Record<string, string>): Record<string, string> => ({
      'consistency.input.uid': '1000 (ana)',
      'consistency.input.HOME': '/home/ana',
      'consistency.input.XDG_CACHE_HOME': "EnvBench's own (/home/ana/.cache/envbench/native/xdg-cache)",
      'consistency.input.TMPDIR': '(unset: /tmp)',
      'consistency.input.caches': 'build cache warm (120.0 MiB), tool caches warm (3.0 MiB)',
      ...extra,
    });
    const maintenance: RuntimeFacts[] = [
      { runtime: 'native', facts: inputs({}) },
      // Same kind of everything, other paths and sizes: nothing to flag.
      { runtime: 'nix', facts: inputs({ 'consistency.input.XDG_CACHE_HOME': "EnvBench's own (/home/ana/.cache/envbench/nix/xdg-cache)", 'consistency.input.caches': 'build cache warm (90.0 MiB), tool caches warm (9.0 MiB)' }) },
      {
        runtime: 'docker',
        facts: inputs({
          'consistency.input.uid': '0 (root)',
          'consistency.input.HOME': '/root',
          'consistency.input.XDG_CACHE_HOME': "EnvBench's own (/root/.cache)",
          'consistency.input.TMPDIR': '/var/tmp',
          'consistency.input.caches': 'build cache warm (100.0 MiB), tool caches empty (0.0 MiB)',
        }),
      },
    ];
    const { rows } = buildConsistency(maintenance, null, ['native', 'nix', 'docker'])!;
    const row = (key: string) => rows.find((r) => r.key === key)!;
    expect(rows.map((r) => r.label)).toEqual(['User id', 'HOME', 'XDG_CACHE_HOME', 'TMPDIR', 'Cache warmth']);
    for (const key of ['input.uid', 'input.HOME', 'input.TMPDIR', 'input.caches']) expect(row(key).differs).toEqual(['docker']);
    expect(row('input.XDG_CACHE_HOME').differs).toEqual([]);
    expect(row('input.uid').explanations[0]).toMatch(/^docker runs commands as user 0 \(root\), native as 1000 \(ana\)/);
    expect(row('input.TMPDIR').explanations[0]).toMatch(/^TMPDIR is \/var\/tmp in docker, \(unset: \/tmp\) on native/);
    expect(row('input.caches').explanations[0]).toMatch(/tool caches empty/);
  });

  it('is absent when the run had neither check', () => {
    expect(buildConsistency([{ runtime: 'native', facts: { privileges: 'none' } }], '1.22', ['native'])).toBeNull();
  });
});
