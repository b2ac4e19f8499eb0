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

  it('is absent when the run had neither check', () => {
    expect(buildConsistency([{ runtime: 'native', facts: { privileges: 'none' } }], '1.22', ['native'])).toBeNull();
  });
});
