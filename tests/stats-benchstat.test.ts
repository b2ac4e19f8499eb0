// Agreement check between EnvBench's statistics (src/core/stats) and benchstat, the tool Go
// developers trust for exactly this job. The committed expected output lets the check run
// without Go; when benchstat is available (and always in CI) it is re-run live to prove the
// committed output is still what benchstat prints. See tests/fixtures/benchstat/README.md.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import {
  compareToBaseline,
  descriptiveStats,
  mannWhitneyUTest,
  medianCi,
  medianCiOrders,
  minSamplesForMedianCi,
  summarize,
} from '../src/core/stats';

const FIXTURES = fileURLToPath(new URL('./fixtures/benchstat/', import.meta.url));
const ALPHA = 0.05;
/** benchstat reads ns/op and reports sec/op: benchunit.Tidy multiplies by this factor. */
const NS_TO_SEC = 1e-9;

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** Go benchmark format: "BenchmarkName-8   <iterations>   <value> ns/op". Keyed by benchstat's row name. */
function parseBenchFile(text: string): Map<string, number[]> {
  const samples = new Map<string, number[]>();
  for (const line of text.split('\n')) {
    const m = /^Benchmark(\S+)\s+\d+\s+([0-9.]+) ns\/op/.exec(line);
    if (!m) continue;
    const [, name, value] = m as unknown as [string, string, string];
    const list = samples.get(name) ?? [];
    list.push(Number(value));
    samples.set(name, list);
  }
  return samples;
}

interface BenchstatRow {
  /** 1-based line number in expected.csv, which benchstat's warning cell references use. */
  line: number;
  name: string;
  oldCenter: number;
  oldCi: string;
  newCenter: number;
  newCi: string;
  /** "~" when benchstat sees no significant difference, else the signed percent change. */
  delta: string;
  /** Rounded to 3 decimals by benchstat; undefined when it omits p (p = 0 exactly). */
  p: number | undefined;
  pText: string;
}

function parseBenchstatCsv(text: string): BenchstatRow[] {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => l.startsWith(',old.txt'));
  expect(header, 'expected.csv has a ",old.txt,,new.txt" header').toBeGreaterThanOrEqual(0);
  const rows: BenchstatRow[] = [];
  for (let i = header + 2; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '' || line.startsWith('geomean,')) break;
    expect(line, 'no quoted CSV fields expected').not.toContain('"');
    const f = line.split(',');
    expect(f, line).toHaveLength(7);
    const pMatch = /p=([0-9.]+)/.exec(f[6] as string);
    rows.push({
      line: i + 1,
      name: f[0] as string,
      oldCenter: Number(f[1]),
      oldCi: f[2] as string,
      newCenter: Number(f[3]),
      newCi: f[4] as string,
      delta: f[5] as string,
      p: pMatch ? Number(pMatch[1]) : undefined,
      pText: f[6] as string,
    });
  }
  return rows;
}

/** Warnings benchstat writes to stderr in CSV mode: "<column><line>: message". */
function parseBenchstatWarnings(text: string): { column: string; line: number; message: string }[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^([A-Z]+)(\d+): (.*)$/.exec(l);
      expect(m, `warning line "${l}"`).not.toBeNull();
      const [, column, line, message] = m as unknown as [string, string, string, string];
      return { column, line: Number(line), message };
    });
}

/** Go's fmt "%.0f": correctly rounded, exact halves to even (JS toFixed rounds them up). */
function goFormatPercent0(x: number): string {
  const floor = Math.floor(x);
  const rounded = x - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(x);
  return `${rounded}%`;
}

/**
 * benchstat's Summary.PctRangeString: the larger distance from the median to a CI bound, as
 * a percent of the median, or "∞" when the interval is unbounded. Computed on sec/op values
 * like benchstat so the rounding sees the same numbers.
 */
function pctRange(valuesNs: readonly number[]): string {
  const values = valuesNs.map((v) => v * NS_TO_SEC);
  const ci = medianCi(values, 0.95);
  if (!ci.meetsConfidence) return '∞';
  const center = descriptiveStats(values).median;
  if (center === 0) return '0%';
  return goFormatPercent0(100 * Math.max(ci.high / center - 1, 1 - ci.low / center));
}

const oldSamples = parseBenchFile(fixture('old.txt'));
const newSamples = parseBenchFile(fixture('new.txt'));
const rows = parseBenchstatCsv(fixture('expected.csv'));
const warnings = parseBenchstatWarnings(fixture('expected-warnings.txt'));

function samplesOf(name: string): { old: number[]; new: number[] } {
  const o = oldSamples.get(name);
  const n = newSamples.get(name);
  if (!o || !n) throw new Error(`benchmark ${name} missing from old.txt or new.txt`);
  return { old: o, new: n };
}

describe('benchstat agreement on tests/fixtures/benchstat', () => {
  it('parses every benchmark of the fixtures', () => {
    expect(rows.map((r) => r.name)).toEqual([...oldSamples.keys()]);
    expect(rows.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(rows)('$name', (row) => {
    const s = samplesOf(row.name);

    it('same sample sizes', () => {
      const n = /n=(\d+)(?:\+(\d+))?/.exec(row.pText);
      expect(n).not.toBeNull();
      const [nOld, nNew] = [Number(n?.[1]), Number(n?.[2] ?? n?.[1])];
      expect([s.old.length, s.new.length]).toEqual([nOld, nNew]);
    });

    it('same median', () => {
      for (const [values, center] of [
        [s.old, row.oldCenter],
        [s.new, row.newCenter],
      ] as const) {
        // Relative tolerance: benchstat interpolates (R8) on sec/op values, we on ns/op.
        expect(Math.abs((descriptiveStats(values).median * NS_TO_SEC) / center - 1)).toBeLessThan(1e-12);
        expect(Math.abs((summarize(values).medianMs * NS_TO_SEC) / center - 1)).toBeLessThan(1e-12);
      }
    });

    it('same confidence interval (± percent of the median, or ∞)', () => {
      expect(pctRange(s.old)).toBe(row.oldCi);
      expect(pctRange(s.new)).toBe(row.newCi);
    });

    it('same p-value (benchstat prints 3 decimals; required within 0.01)', () => {
      const ours = mannWhitneyUTest(s.old, s.new).pValue;
      // benchstat omits p only when it is exactly 0, which the U test never yields.
      expect(row.p).toBeDefined();
      const theirs = row.p as number;
      expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(0.01);
      // In fact it must round to the same 3 decimals.
      expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(0.0005 + 1e-12);
    });

    it('same verdict ("~" = not significant)', () => {
      const benchstatSignificant = row.delta !== '~';
      const rejects = mannWhitneyUTest(s.old, s.new).pValue <= ALPHA;
      expect(rejects).toBe(benchstatSignificant);
      // compareToBaseline adds EnvBench's minimum of 6 samples per side on top of benchstat's rule.
      const enough = s.old.length >= 6 && s.new.length >= 6;
      expect(compareToBaseline(s.new, s.old, ALPHA).significant).toBe(benchstatSignificant && enough);
    });

    it('same delta when significant', () => {
      if (row.delta === '~') return;
      const ratio = compareToBaseline(s.new, s.old).ratio;
      const pct = (ratio - 1) * 100;
      expect(`${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%`).toBe(row.delta);
    });

    it('same warnings', () => {
      const here = warnings.filter((w) => w.line === row.line);
      const ciWarning = `need >= ${minSamplesForMedianCi(0.95).n} samples for confidence interval at level 0.95`;
      for (const [column, values] of [
        ['B', s.old],
        ['D', s.new],
      ] as const) {
        const benchstatWarns = here.some((w) => w.column === column && w.message === ciWarning);
        expect(benchstatWarns).toBe(!medianCi(values).meetsConfidence);
        // ... and summarize() tells the user.
        expect(summarize(values).warnings.some((w) => w.includes('confidence interval of the median'))).toBe(
          benchstatWarns,
        );
      }
      const comparisonWarnings = here.filter((w) => w.column === 'F').map((w) => w.message);
      const ours = compareToBaseline(s.new, s.old, ALPHA).warning ?? '';
      for (const message of comparisonWarnings) expect(ours).toContain(message);
    });
  });

  it('covers the intended cases', () => {
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get('Decode/size=1k-8')?.delta).not.toBe('~'); // clearly different
    expect(byName.get('Encode/format=json-8')?.delta).toBe('~'); // not significant
    expect(byName.get('Small/n=5-8')?.oldCi).toBe('∞'); // n=5: no 95% CI, yet p=0.008
    expect(byName.get('Boundary/n=6-8')?.oldCi).not.toBe('∞'); // n=6: smallest finite CI
    // EnvBench refuses the n=5 verdict that benchstat gives.
    const small = samplesOf('Small/n=5-8');
    expect(compareToBaseline(small.new, small.old).significant).toBe(false);
    expect(compareToBaseline(small.new, small.old).warning).toContain('too few samples for a verdict');
  });
});

interface MoremathReference {
  module: string;
  quantileCI: { n: number; confidence: number; loOrder: number; hiOrder: number; achieved: number }[];
  uTest: { name: string; x1: number[]; x2: number[]; u: number; p: number; error?: string }[];
}

describe('agreement with go-moremath (tests/fixtures/benchstat/moremath-reference.json)', () => {
  const ref = JSON.parse(fixture('moremath-reference.json')) as MoremathReference;

  it('median CI order statistics for n = 1..400 at 90%, 95%, 99%', () => {
    expect(ref.quantileCI).toHaveLength(1200);
    for (const c of ref.quantileCI) {
      const ours = medianCiOrders(c.n, c.confidence);
      const where = `n=${c.n} confidence=${c.confidence}`;
      expect([ours.lowOrder, ours.highOrder], where).toEqual([c.loOrder, c.hiOrder]);
      if (c.n <= 30) expect(ours.confidence, where).toBe(c.achieved);
      else expect(Math.abs(ours.confidence - c.achieved), where).toBeLessThan(1e-12);
    }
  });

  it('Mann–Whitney U and p-value on 124 generated cases (exact, exact with ties, normal approximation)', () => {
    expect(ref.uTest).toHaveLength(124);
    for (const c of ref.uTest) {
      const ours = mannWhitneyUTest(c.x1, c.x2);
      if (c.error !== undefined) {
        expect(c.error, c.name).toBe('all samples are equal');
        expect([ours.samplesEqual, ours.pValue], c.name).toEqual([true, 1]);
        continue;
      }
      expect(ours.samplesEqual, c.name).toBe(false);
      expect(ours.u, c.name).toBe(c.u);
      expect(Math.abs(ours.pValue - c.p), c.name).toBeLessThan(1e-12);
    }
  });
});

/** benchstat on PATH, else the default `go install` location. */
function findBenchstat(): string | undefined {
  const exe = process.platform === 'win32' ? 'benchstat.exe' : 'benchstat';
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''), join(homedir(), 'go', 'bin')];
  return dirs.map((d) => join(d, exe)).find((p) => existsSync(p));
}

const benchstat = findBenchstat();
const inCi = process.env.CI === 'true';

describe('live benchstat reproduces the committed expected output', () => {
  // Outside CI a missing benchstat skips these; in CI it is a failure (CI installs it).
  const requireBenchstat = (skip: () => void): string => {
    if (benchstat !== undefined) return benchstat;
    if (inCi) {
      throw new Error(
        'CI=true but benchstat was not found on PATH or in ~/go/bin. Install it with ' +
          '`go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da`.',
      );
    }
    skip();
    return '';
  };

  const run = (program: string, args: string[]): { stdout: string; stderr: string } => {
    const r = spawnSync(program, args, { cwd: FIXTURES, encoding: 'utf8' });
    if (r.error) throw r.error;
    expect(r.status, r.stderr).toBe(0);
    return { stdout: r.stdout, stderr: r.stderr };
  };
  const hint = 'if benchstat was upgraded on purpose, regenerate as described in tests/fixtures/benchstat/README.md';

  it('CSV output and its warnings', (ctx) => {
    const program = requireBenchstat(() => ctx.skip());
    const { stdout, stderr } = run(program, ['-format', 'csv', 'old.txt', 'new.txt']);
    expect(stdout, hint).toBe(fixture('expected.csv'));
    expect(stderr, hint).toBe(fixture('expected-warnings.txt'));
  });

  it('text output', (ctx) => {
    const program = requireBenchstat(() => ctx.skip());
    expect(run(program, ['old.txt', 'new.txt']).stdout, hint).toBe(fixture('expected.txt'));
  });
});
