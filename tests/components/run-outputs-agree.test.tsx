// One run, every output: the CLI summary and its ranking table, Markdown, the CSV summary, the
// printed report (the page Chromium prints to PDF) and the app's chart model all render the run
// table the core derived once (src/core/bench/run-table.ts). Rendered from one fixture, they must
// show the same ranks (ties included), the same medians of every figure and the same verdicts.

import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { buildRunJson } from '../../src/core/bench/run-report';
import { runToSummaryCsv } from '../../src/core/export/csv';
import { cell, runToMarkdown } from '../../src/core/export/markdown';
import type { StoredResult, StoredRun } from '../../src/core/history/run-store';
import { formatRanking } from '../../src/cli/format/ranking-table';
import { formatRunSummary } from '../../src/cli/format/run-summary';
import { mediansChart, rankLabel, versusNative } from '../../src/renderer/src/charts/run-charts';
import { ReportPage } from '../../src/renderer/src/report/ReportPage';
import { rankedScores, rowOf } from '../../src/shared/format/run-table';
import { formatBytes, formatMs } from '../../src/shared/format/units';
import type { ReportData } from '../../src/shared/report';
import type { RuntimeId } from '../../src/shared/run';
import { parseCsvRecords } from '../support/csv';
import { testMachine } from '../support/run-fixtures';
import { createTranslator } from '../../src/shared/i18n/i18n';
import './english';

/** The app's and the report's words in English. */
const { t } = createTranslator('en');

let nextId = 1;
/**
 * Eight measured samples (an even count: each median is the mean of the middle two) after a
 * warmup whose figures are far off, so a rendering that counted warmups would disagree.
 */
function stored(runtime: RuntimeId, scenario: string, walls: number[], extra: Partial<StoredResult> = {}): StoredResult {
  const warmup = { wallMs: 9999, innerWallMs: 9999, userMs: 9999, sysMs: 9999, maxRssKb: 9_999_999, readBytes: 9_999_999, writeBytes: 9_999_999, blockReadBytes: 0, blockWriteBytes: 0, exitCode: 0, warmup: true };
  const samples = walls.map((wallMs, i) => ({
    wallMs,
    innerWallMs: wallMs - 1,
    userMs: 10 + i,
    sysMs: 5,
    maxRssKb: 1000 + 100 * i,
    readBytes: 4096 * (i + 1),
    writeBytes: 512 * i,
    blockReadBytes: 0,
    blockWriteBytes: 0,
    readCalls: 40 + i,
    writeCalls: 3,
    exitCode: 0,
    warmup: false,
  }));
  // A check measures once, with no warmup.
  const warmups = scenario === 'offline-readiness' ? [] : [warmup];
  return { id: nextId++, runtime, scenario, status: 'completed', reason: null, verdict: null, samples: [...warmups, ...samples], ...extra };
}

const walls = (base: number): number[] => [0, 1, 2, 3, 4, 5, 6, 7].map((i) => base + i * 1.5);

/** native fastest everywhere; docker and nix measured alike, so their scores tie (=2). */
const STORED: StoredRun = {
  id: '20260501-100000-abcd',
  status: 'failed',
  startedAt: '2026-05-01T10:00:00.000Z',
  finishedAt: '2026-05-01T10:05:00.000Z',
  error: 'some measurements failed',
  workspace: { path: '/src/mod', module: 'example.com/mod', goVersion: '1.22' },
  machine: testMachine({ cpuCount: 2, memoryBytes: 2 ** 33, tools: { go: 'go1.22.5', docker: null, nix: null, devbox: null } }),
  options: { runtimes: ['native', 'docker', 'nix'], scenarios: ['startup-warm', 'vet', 'test', 'offline-readiness'], runs: 8, warmup: 1, offline: false, timeoutMs: 600_000 },
  results: [
    stored('native', 'startup-warm', walls(100)),
    stored('docker', 'startup-warm', walls(300)),
    stored('nix', 'startup-warm', walls(300)),
    stored('native', 'vet', walls(400)),
    stored('docker', 'vet', walls(400.2)),
    stored('nix', 'vet', walls(400.2)),
    stored('native', 'test', walls(900)),
    stored('docker', 'test', [], { status: 'failed', reason: 'exit status 1: --- FAIL: TestX' }),
    stored('nix', 'test', [], { status: 'failed', reason: 'exit status 1: --- FAIL: TestX' }),
    stored('native', 'offline-readiness', [50], { verdict: { value: 'ready', detail: null, method: 'GOPROXY=off' } }),
    stored('docker', 'offline-readiness', [50], { verdict: { value: 'not-ready', detail: 'dial tcp: lookup proxy.golang.org: no such host', method: '--network none' } }),
    stored('nix', 'offline-readiness', [50], { verdict: { value: 'not-ready', detail: 'dial tcp: lookup proxy.golang.org: no such host', method: 'sandboxed' } }),
  ],
  maintenance: [],
};

const run = buildRunJson(STORED);
const timed = run.results.filter((r) => r.stats && rowOf(run, r).kind !== 'check');
const context = { envbench: { version: '9.9.9', commit: null } };

/** The cells of every HTML table row, tags stripped and entities decoded. */
function htmlRows(html: string): string[][] {
  const decode = (text: string): string => text.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
  return [...html.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => decode(c[1]!).trim())).filter((cells) => cells.length > 0);
}

/** Text-table rows of the CLI output whose first cells are `first` (split on two spaces or more). */
function cliRow(text: string, ...first: string[]): string[] {
  const rows = text.split('\n').map((line) => line.trim().split(/\s{2,}/));
  const found = rows.find((cells) => first.every((f, i) => cells[i] === f));
  if (!found) throw new Error(`no CLI row ${first.join(' ')}`);
  return found;
}

function markdownRow(text: string, ...first: string[]): string[] {
  const rows = text.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.slice(2, -2).split(' | '));
  const found = rows.find((cells) => first.every((f, i) => cells[i] === f));
  if (!found) throw new Error(`no Markdown row ${first.join(' ')}`);
  return found;
}

describe('every output of one run renders the same run table', () => {
  const cli = formatRunSummary(run);
  const markdown = runToMarkdown(run, context);
  const [header, ...csv] = parseCsvRecords(runToSummaryCsv(run)) as [string[], ...string[][]];
  const report = renderToStaticMarkup(<ReportPage data={{ run, definitions: [], envbench: context.envbench, generatedAt: '2026-05-01T11:00:00.000Z' } satisfies ReportData} />);
  const reportRows = htmlRows(report);

  it('has the ranks the core derived, a tie shared: 1, =2, =2', () => {
    expect(run.table.ranking.map((r) => [r.runtime, r.rank, r.tied])).toEqual([
      ['native', 1, false],
      ['docker', 2, true],
      ['nix', 2, true],
    ]);
  });

  it('shows the same rank for each runtime in the CLI ranking, the summary, Markdown, the report and the app', () => {
    const ranking = formatRanking(run).join('\n');
    for (const entry of rankedScores(run)) {
      const rank = `${entry.tied ? '=' : ''}${entry.rank}`;
      expect(cliRow(ranking, rank, entry.runtime)[5]).toBe(entry.overall.toFixed(1));
      expect(cliRow(cli, rank, entry.runtime)).toEqual(cliRow(ranking, rank, entry.runtime));
      expect(markdownRow(markdown, rank, entry.runtime)[5]).toBe(entry.overall.toFixed(1));
      const label = rankLabel(entry, t);
      expect(label.replace(' (tie)', '')).toBe(rank);
      expect(reportRows.find((cells) => cells[1] === entry.runtime && cells[0] === label)?.[5]).toBe(entry.overall.toFixed(1));
    }
  });

  it('shows the same wall-time median, CI and P95 of each result everywhere', () => {
    for (const result of timed) {
      const stats = result.stats!;
      const [cliMedian, cliCi, cliP95] = cliRow(cli, result.scenario, result.runtime).slice(4, 7);
      expect([cliMedian, cliCi, cliP95]).toEqual([formatMs(stats.medianMs), `${formatMs(stats.ciLowMs)} – ${formatMs(stats.ciHighMs)}`, formatMs(stats.p95Ms)]);
      expect(markdownRow(markdown, result.scenario, result.runtime)[4]).toBe(stats.medianMs.toFixed(3));
      const csvRow = csv.find((r) => r[1] === result.runtime && r[2] === result.scenario)!;
      expect(Number(csvRow[header.indexOf('medianMs')])).toBe(stats.medianMs);
      const reportRow = reportRows.find((cells) => cells[0] === result.scenario && cells[1] === result.runtime && cells.length === 7)!;
      expect(reportRow.slice(3, 6)).toEqual([cliMedian, cliCi, cliP95]);
      const chart = mediansChart(run, timed.filter((r) => r.scenario === result.scenario), 'title', false, t)!;
      const point = (chart.data.datasets.find((d) => d.label === result.runtime)!.data as { y: number }[])[0]!;
      expect(point.y).toBe(stats.medianMs);
    }
  });

  it('shows the same resource medians, over the measured samples only, in the CLI and the report', () => {
    for (const result of timed) {
      const medians = rowOf(run, result).medians!;
      // userMs 10..17 + sysMs 5; RSS 1000..1700 KiB; read 4..32 KiB; written 0..3.5 KiB: the middle two of eight, averaged.
      expect(medians).toEqual({ cpuMs: 18.5, peakRssBytes: 1350 * 1024, readBytes: 4.5 * 4096, writeBytes: 3.5 * 512 });
      const shown = [formatMs(medians.cpuMs), formatBytes(medians.peakRssBytes), formatBytes(medians.readBytes), formatBytes(medians.writeBytes)];
      expect(cliRow(cli, result.scenario, result.runtime).slice(7, 11)).toEqual(shown);
      const reportRow = reportRows.find((cells) => cells[0] === result.scenario && cells[1] === result.runtime && cells.length === 7 && cells[2] === shown[0])!;
      expect(reportRow.slice(2, 6)).toEqual(shown);
    }
  });

  it('gives each comparison with native the same ratio and verdict everywhere', () => {
    const words = { significant: '', 'not-significant': ' (n.s.)', 'no-verdict': ' (no verdict)' } as const;
    const verdicts = new Set<string>();
    for (const result of timed) {
      const versus = rowOf(run, result).versusNative!;
      const text = versus.baseline ? 'baseline' : `${versus.ratio.toFixed(2)}x${words[versus.verdict]}`;
      verdicts.add(versus.baseline ? 'baseline' : versus.verdict);
      expect(cliRow(cli, result.scenario, result.runtime)[12]).toBe(text);
      expect(markdownRow(markdown, result.scenario, result.runtime)[7]).toBe(text);
      const app = versusNative(run, result, t);
      expect(reportRows.find((cells) => cells[0] === result.scenario && cells[1] === result.runtime && cells.length === 7)![6]).toBe(app);
      expect(app.startsWith(versus.baseline ? 'baseline' : `${versus.ratio.toFixed(2)}×`)).toBe(true);
      if (!versus.baseline) expect(app.includes('not significant')).toBe(versus.verdict === 'not-significant');
      const csvRow = csv.find((r) => r[1] === result.runtime && r[2] === result.scenario)!;
      expect(csvRow[header.indexOf('ratioVsNative')]).toBe(versus.baseline ? '' : String(versus.ratio));
    }
    // The fixture has a slower runtime (significant) and one within a rounding of native (not significant).
    expect([...verdicts].sort()).toEqual(['baseline', 'not-significant', 'significant']);
  });

  it('says the same check verdicts and ranking sentences everywhere', () => {
    const offline = run.results.filter((r) => r.scenario === 'offline-readiness');
    for (const result of offline) {
      const row = rowOf(run, result);
      expect(cliRow(cli, result.runtime, row.verdict).slice(2)).toEqual([formatMs(50), row.detail]);
      expect(markdownRow(markdown, result.runtime, row.verdict)[3]).toBe(row.detail);
      expect(reportRows.find((cells) => cells[0] === result.runtime && cells[1] === row.verdict)?.[3]).toBe(row.detail);
    }
    expect(run.table.rankingReasons.length).toBeGreaterThan(0);
    for (const sentence of run.table.rankingReasons) {
      expect(cli).toContain(`  ${sentence}`);
      expect(markdown).toContain(`- ${cell(sentence)}`);
      expect(report).toContain(`<li>${sentence.replace(/&/g, '&amp;')}</li>`);
    }
  });

  it('prints the same notes in the CLI and Markdown (failures have their own section there)', () => {
    const notes = run.table.notes;
    expect(notes.some((n) => n.kind === 'failure')).toBe(true);
    for (const note of notes) {
      expect(cli).toContain(`- ${note.text}`);
      if (note.kind !== 'failure') expect(markdown).toContain(`- ${cell(note.text)}`);
    }
  });
});
