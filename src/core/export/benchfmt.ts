// The run in Go's benchmark format (https://go.googlesource.com/proposal/+/master/design/14313-benchmark-format.md),
// so the tools Go developers already trust — benchstat first — can read EnvBench's samples:
//
//   goos: linux
//   goarch: amd64
//   pkg: example.com/mod
//   cpu: <model>
//   envbench-run: <id>
//   BenchmarkBuildClean/runtime=native  1  <wall> ns/op  <rss> B/peak-rss  <read> B/read  <cpu> cpu-ns/op  <calls> read-calls/op
//
// One line per measured sample with an iteration count of 1: each sample is one run of the
// command, so benchstat's median and confidence interval are taken over the same values as
// EnvBench's. The runtime is a key=value sub-benchmark, so `benchstat -col /runtime` puts the
// runtimes side by side and compares them with the first. read-calls/op (read(2)-like system
// calls, /proc io syscr) is written only for samples that have it: older runs and helpers lack it.

import { escapeControlCharacters } from '../../shared/format/control-characters';
import type { MachineFingerprint, ResultJson, RunJson, Sample } from '../../shared/run';

/** Node's process.arch -> Go's GOARCH, where they differ (Go's names are what benchstat users read). */
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };

/** Scenario id to a Go benchmark name part: build-clean -> BuildClean (the name must start upper case). */
export function benchmarkName(scenario: string): string {
  return scenario
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/**
 * A configuration value may hold anything but a newline; the format has no escaping. Whitespace
 * runs become one space, and other control characters (an ESC sequence in a module path) visible
 * escapes, so the line stays one valid configuration line.
 */
function configValue(text: string): string {
  return escapeControlCharacters(text.replace(/\s+/g, ' ').trim());
}

function header(run: RunJson): string[] {
  const machine: MachineFingerprint = run.machine;
  return [
    // EnvBench measures on Linux only: the measure helper needs prctl and /proc.
    'goos: linux',
    `goarch: ${GOARCH[machine.arch] ?? configValue(machine.arch)}`,
    `pkg: ${configValue(run.workspace.module)}`,
    `cpu: ${configValue(machine.cpuModel)}`,
    `envbench-run: ${configValue(run.id)}`,
  ];
}

function sampleLine(result: ResultJson, sample: Sample): string {
  const ns = (ms: number): number => Math.round(ms * 1e6);
  return [
    `Benchmark${benchmarkName(result.scenario)}/runtime=${result.runtime}`,
    '1',
    `${ns(sample.wallMs)} ns/op`,
    `${sample.maxRssKb * 1024} B/peak-rss`,
    `${sample.readBytes} B/read`,
    `${ns(sample.userMs + sample.sysMs)} cpu-ns/op`,
    ...(sample.readCalls !== undefined ? [`${sample.readCalls} read-calls/op`] : []),
  ].join('\t');
}

/**
 * The run as Go benchmark format text: every measured (non-warmup) sample of every completed
 * result. Warmups are not measurements; failed or cancelled results would mix in a partial
 * sample; and a check such as offline readiness has a verdict, not timings to summarise.
 */
export function runToBenchfmt(run: RunJson): string {
  const lines = header(run);
  for (const result of run.results) {
    if (result.status !== 'completed' || result.verdict) continue;
    for (const sample of result.samples) if (!sample.warmup) lines.push(sampleLine(result, sample));
  }
  return lines.join('\n') + '\n';
}
