import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResultJson, RunJson, Sample } from '../../shared/run';
import { EXPORT_FORMATS } from '../../shared/run';
import { csvField, runToSampleCsv, runToSummaryCsv } from './csv';
import type { Exporter } from './exporter';
import { isTextExport } from './exporter';
import { EXPORTERS, exportRun, exportRunWith, exporterFor, findExporter } from './exporters';
import { cell, runToMarkdown } from './markdown';
import { checkExportPath, writeExport } from './write-export';
import { parseCsvRecords } from '../../../tests/support/csv';
import { withRunTable } from '../bench/run-table';
import { testMachine } from '../../../tests/support/run-fixtures';

const CONTEXT = { envbench: { version: '9.9.9', commit: 'abcdef0123456789' } };

function sample(wallMs: number, extra: Partial<Sample> = {}): Sample {
  return {
    wallMs,
    innerWallMs: wallMs - 0.5,
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

function stats(medianMs: number): NonNullable<ResultJson['stats']> {
  return { n: 2, medianMs, p95Ms: medianMs + 1, minMs: medianMs - 1, maxMs: medianMs + 1, meanMs: medianMs, stddevMs: 1.4142135623730951, ciLowMs: medianMs - 1, ciHighMs: medianMs + 1, ciLevel: 0.5, outliers: [], warnings: ['n=2 < 6: no confidence interval'] };
}

const RUN: RunJson = withRunTable({
  id: 'r-1',
  status: 'failed',
  startedAt: '2026-05-01T10:00:00.000Z',
  finishedAt: '2026-05-01T10:05:00.000Z',
  error: 'some measurements failed',
  workspace: { path: '/src/mod', module: 'example.com/mod_x', goVersion: '1.22' },
  machine: testMachine({
    cpuModel: 'AMD EPYC | 64-Core',
    cpuCount: 2,
    memoryBytes: 8 * 2 ** 30,
    kernel: '6.1.0',
    os: 'Debian GNU/Linux 12 (bookworm)',
    tools: { go: 'go1.22.5', docker: null, nix: null, devbox: null },
    envbenchVersion: '0.1.0',
  }),
  options: { runtimes: ['native', 'docker'], scenarios: ['startup-warm', 'vet'], runs: 2, warmup: 1, offline: false, timeoutMs: 600_000 },
  results: [
    {
      runtime: 'native',
      scenario: 'startup-warm',
      status: 'completed',
      phaseStats: [{ name: 'exec-ready', p50Ms: 1.25, p95Ms: 2 }],
      samples: [sample(99, { warmup: true, phases: { 'exec-ready': 3, 'first-run': 96 } }), sample(10.1, { phases: { 'exec-ready': 1.25, 'first-run': 8.85 } }), sample(12.3, { readCalls: 7 })],
      stats: stats(11.2),
    },
    { runtime: 'native', scenario: 'vet', status: 'completed', samples: [sample(200.123456), sample(0.1 + 0.2)], stats: stats(100.2617280000001) },
    { runtime: 'docker', scenario: 'vet', status: 'failed', reason: 'exit status 1: "a, b"\nvet: ./x.go:3: bad | pipe ``` fence', samples: [], stats: null },
  ],
  comparisons: [],
  maintenance: [],
  scoring: {
    weights: { startup: 1, performance: 1, maintenance: 1 },
    scores: { native: { overall: 80 }, docker: { overall: 80 } },
  },
});

describe('CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [0.30000000000000004, '0.30000000000000004'],
    [NaN, ''],
    [null, ''],
    [undefined, ''],
    [true, 'true'],
  ])('field %j -> %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('one row per sample, every number back exactly, phases as columns', () => {
    const rows = parseCsvRecords(runToSampleCsv(RUN));
    const [header, ...body] = rows as [string[], ...string[][]];
    expect(header.slice(0, 8)).toEqual(['runId', 'runtime', 'scenario', 'status', 'sample', 'warmup', 'outlier', 'wallMs']);
    expect(header.slice(-2)).toEqual(['phase:exec-ready', 'phase:first-run']);
    const samples = RUN.results.flatMap((r) => r.samples.map((s) => ({ r, s })));
    expect(body).toHaveLength(samples.length);
    body.forEach((row, i) => {
      const record = Object.fromEntries(header.map((h, j) => [h, row[j]]));
      const { r, s } = samples[i]!;
      expect(record.runtime).toBe(r.runtime);
      expect(Number(record.wallMs)).toBe(s.wallMs);
      expect(Number(record.innerWallMs)).toBe(s.innerWallMs);
      expect(record.warmup).toBe(String(s.warmup));
      expect(record.readCalls).toBe(s.readCalls === undefined ? '' : String(s.readCalls));
      expect(record['phase:first-run']).toBe(s.phases ? String(s.phases['first-run']) : '');
    });
  });

  it('one row per result, with the failure reason quoted whole', () => {
    const [header, ...body] = parseCsvRecords(runToSummaryCsv(RUN)) as [string[], ...string[][]];
    expect(body).toHaveLength(3);
    const failed = Object.fromEntries(header.map((h, j) => [h, body[2]![j]]));
    expect(failed.reason).toBe(RUN.results[2]!.reason);
    expect(failed.n).toBe('0');
    const vet = Object.fromEntries(header.map((h, j) => [h, body[1]![j]]));
    expect(Number(vet.medianMs)).toBe(100.2617280000001);
    expect(Number(vet.stddevMs)).toBe(1.4142135623730951);
  });
});

describe('Markdown', () => {
  it.each([
    ['a | b', 'a \\| b'],
    ['back\\slash', 'back\\\\slash'],
    ['<script>', '\\<script\\>'],
    ['two\nlines', 'two<br>lines'],
    ['snake_case stays', 'snake_case stays'],
    ['_emphasis_', '\\_emphasis\\_'],
  ])('cell %j -> %j', (text, expected) => {
    expect(cell(text)).toBe(expected);
  });

  const md = runToMarkdown(RUN, CONTEXT);

  it('has the title, options, machine, method and the exporter', () => {
    expect(md).toMatch(/^# EnvBench run r-1\n/);
    expect(md).toContain('`example.com/mod_x`');
    expect(md).toContain('**Date:** 2026-05-01 10:00:00 UTC');
    expect(md).toContain('**Options:** runtimes native, docker · scenarios startup-warm, vet · 2 runs, 1 warmup · 600 s limit per sample · online');
    expect(md).toContain('AMD EPYC \\| 64-Core (2 CPUs) · 8.0 GiB RAM');
    expect(md).toContain('Exported by EnvBench 9.9.9 (abcdef012345)');
  });

  it('shows ties as ties, medians to the microsecond, CI with its real level', () => {
    expect(md).toContain('| =1 | native | - | - | - | 80.0 |');
    expect(md).toContain('| =1 | docker | - | - | - | 80.0 |');
    expect(md).toContain('| vet | native | completed | 2 | 100.262 | 99.262 – 101.262 (50.0%) | 101.262 | baseline |');
    expect(md).toContain('| vet | docker | failed | 0 | - | - | - | - |');
    expect(md).toContain('| startup-warm | native | exec-ready | 1.250 | 2.000 |');
  });

  it('lists each failure with its reason verbatim in a fence it cannot close', () => {
    const section = md.slice(md.indexOf('## Failures'));
    expect(section).toContain('- **docker** · vet — failed:');
    expect(section).toContain('  ````\n  exit status 1: "a, b"\n  vet: ./x.go:3: bad | pipe ``` fence\n  ````');
    expect(section).toContain('Run failed: some measurements failed');
  });

  it('every table row has as many cells as its header', () => {
    const tables = md.split('\n\n').filter((block) => block.startsWith('| '));
    expect(tables.length).toBeGreaterThanOrEqual(3);
    for (const t of tables) {
      const counts = t.split('\n').map((line) => line.split(/(?<!\\)\|/).length);
      expect(new Set(counts).size, t).toBe(1);
    }
  });
});

describe('registry', () => {
  it('has one exporter per format, text ones printable', () => {
    expect(EXPORTERS.map((e) => e.format)).toEqual([...EXPORT_FORMATS]);
    expect(EXPORTERS.filter((e) => !isTextExport(e)).map((e) => e.format)).toEqual(['pdf']);
    expect(findExporter('xml')).toBeUndefined();
    expect(exporterFor('markdown').format).toBe('md');
    expect(exporterFor('bench').format).toBe('benchfmt');
    expect(() => exporterFor('xml')).toThrow(/Unknown export format "xml": EnvBench exports pdf \(.*\); md .*Pass one of pdf, md, csv, csv-summary, json, benchfmt with --format/);
  });

  it('json is the run JSON with a trailing newline', async () => {
    const text = (await exporterFor('json').render(RUN, CONTEXT)) as string;
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(RUN);
  });
});

describe('writing an export', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-export-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    vi.restoreAllMocks();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the whole file and reports its size', async () => {
    const dir = tempDir();
    const written = await exportRun(RUN, 'md', path.join(dir, 'r.md'), CONTEXT);
    expect(written).toEqual({ path: path.join(dir, 'r.md'), bytes: Buffer.byteLength(fs.readFileSync(path.join(dir, 'r.md'), 'utf8')) });
    expect(fs.readdirSync(dir)).toEqual(['r.md']);
  });

  it('refuses folders that do not exist, paths under a file, and folders as targets, with what to do', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    expect(() => checkExportPath(path.join(dir, 'missing', 'r.md'))).toThrow(/Cannot write .*r\.md: the folder .*missing does not exist\. Create it first or choose another path/);
    expect(() => checkExportPath(path.join(dir, 'file', 'r.md'))).toThrow(/Cannot write .*: .*file is a file, not a folder\. Choose a path whose folders exist/);
    expect(() => checkExportPath(dir)).toThrow(/Cannot write .*: it is a folder\. Give a file name inside it/);
    expect(() => checkExportPath('')).toThrow(/no file was named/);
  });

  it('a render that throws leaves nothing behind, and an existing file untouched', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'r.md');
    fs.writeFileSync(target, 'old');
    const broken: Exporter = { ...exporterFor('md'), render: async () => Promise.reject(new Error('render broke midway')) };
    await expect(exportRunWith(broken, RUN, target, CONTEXT)).rejects.toThrow('render broke midway');
    expect(fs.readdirSync(dir)).toEqual(['r.md']);
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
  });

  it('a write that fails half way leaves no temporary file and says why', () => {
    const dir = tempDir();
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    expect(() => writeExport(path.join(dir, 'r.csv'), 'a,b\r\n')).toThrow(/Cannot write .*r\.csv: the disk is full; nothing was written\./);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
