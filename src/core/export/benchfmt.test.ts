import { describe, it, expect } from 'vitest';
import type { ResultJson, RunJson, Sample } from '../../shared/run';
import { benchmarkName, runToBenchfmt } from './benchfmt';
import { withRunTable } from '../bench/run-table';
import { testMachine } from '../../../tests/support/run-fixtures';

function sample(wallMs: number, extra: Partial<Sample> = {}): Sample {
  return {
    wallMs,
    innerWallMs: wallMs,
    userMs: 100.25,
    sysMs: 20.5,
    maxRssKb: 51200,
    readBytes: 4096,
    writeBytes: 0,
    blockReadBytes: 0,
    blockWriteBytes: 0,
    exitCode: 0,
    warmup: false,
    outlier: false,
    ...extra,
  };
}

function result(runtime: ResultJson['runtime'], scenario: string, samples: Sample[], extra: Partial<ResultJson> = {}): ResultJson {
  return { runtime, scenario, status: 'completed', samples, stats: null, ...extra };
}

const RUN: RunJson = withRunTable({
  id: 'r-2026-05-01',
  status: 'failed',
  startedAt: '2026-05-01T10:00:00.000Z',
  finishedAt: '2026-05-01T10:05:00.000Z',
  workspace: { path: '/src/mod', module: 'example.com/mod', goVersion: '1.22' },
  machine: testMachine({
    cpuModel: 'AMD EPYC 7B13 64-Core Processor',
    cpuCount: 2,
    memoryBytes: 8e9,
    kernel: '6.1.0',
    os: 'Debian GNU/Linux 12 (bookworm)',
    dockerStorageDriver: 'overlay2',
    tools: { go: 'go1.22.5', docker: '24.0.7', nix: null, devbox: null },
    envbenchVersion: '0.1.0',
  }),
  options: { runtimes: ['native', 'docker'], scenarios: ['build-clean', 'vet', 'offline-readiness'], runs: 2, warmup: 1, offline: false, timeoutMs: 600_000 },
  results: [
    result('native', 'build-clean', [sample(999, { warmup: true }), sample(1234.5678901), sample(1200)]),
    result('docker', 'build-clean', [sample(999, { warmup: true }), sample(1300.000_000_4, { maxRssKb: 1, readBytes: 0 }), sample(1310)]),
    // An older run or helper has no read calls: the unit is written only where a sample has them.
    result('native', 'vet', [sample(80, { readCalls: 1234 }), sample(81, { readCalls: 0 })]),
    // Failed part-way: a partial sample that would bias the median, so it is left out.
    result('docker', 'vet', [sample(90)], { status: 'failed', reason: 'exit code 1' }),
    // A verdict, not timings.
    result('native', 'offline-readiness', [sample(500)], { verdict: { value: 'ready', detail: null, method: 'netns' } }),
  ],
  comparisons: [],
  maintenance: [],
});

describe('benchmarkName', () => {
  it.each([
    ['build-clean', 'BuildClean'],
    ['build-incremental', 'BuildIncremental'],
    ['test-race', 'TestRace'],
    ['vet', 'Vet'],
    ['startup-cold', 'StartupCold'],
    ['offline-readiness', 'OfflineReadiness'],
    ['a_b c', 'ABC'],
  ])('%s -> %s', (scenario, name) => {
    expect(benchmarkName(scenario)).toBe(name);
  });
});

describe('runToBenchfmt', () => {
  it('writes the configuration header and one line per measured sample of each completed result', () => {
    expect(runToBenchfmt(RUN)).toBe(
      [
        'goos: linux',
        'goarch: amd64',
        'pkg: example.com/mod',
        'cpu: AMD EPYC 7B13 64-Core Processor',
        'envbench-run: r-2026-05-01',
        'BenchmarkBuildClean/runtime=native\t1\t1234567890 ns/op\t52428800 B/peak-rss\t4096 B/read\t120750000 cpu-ns/op',
        'BenchmarkBuildClean/runtime=native\t1\t1200000000 ns/op\t52428800 B/peak-rss\t4096 B/read\t120750000 cpu-ns/op',
        'BenchmarkBuildClean/runtime=docker\t1\t1300000000 ns/op\t1024 B/peak-rss\t0 B/read\t120750000 cpu-ns/op',
        'BenchmarkBuildClean/runtime=docker\t1\t1310000000 ns/op\t52428800 B/peak-rss\t4096 B/read\t120750000 cpu-ns/op',
        'BenchmarkVet/runtime=native\t1\t80000000 ns/op\t52428800 B/peak-rss\t4096 B/read\t120750000 cpu-ns/op\t1234 read-calls/op',
        'BenchmarkVet/runtime=native\t1\t81000000 ns/op\t52428800 B/peak-rss\t4096 B/read\t120750000 cpu-ns/op\t0 read-calls/op',
        '',
      ].join('\n'),
    );
  });

  it('keeps configuration values on one line and passes unknown architectures through', () => {
    const text = runToBenchfmt({
      ...RUN,
      workspace: { ...RUN.workspace, module: 'example.com/a\nb' },
      machine: { ...RUN.machine, arch: 'mips', cpuModel: '  Odd\tCPU\r\n' },
      results: [],
    });
    expect(text).toBe('goos: linux\ngoarch: mips\npkg: example.com/a b\ncpu: Odd CPU\nenvbench-run: r-2026-05-01\n');
  });

  it('maps Node architecture names to Go\'s', () => {
    const goarch = (arch: string): string | undefined => /goarch: (\S+)/.exec(runToBenchfmt({ ...RUN, machine: { ...RUN.machine, arch } }))?.[1];
    expect([goarch('x64'), goarch('arm64'), goarch('ia32')]).toEqual(['amd64', 'arm64', '386']);
  });
});
