import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import type { Core } from '../src/core/create-core';
import { renderReportPdf } from '../src/core/report/pdf-report';
import { reportData } from '../src/core/report/report-data';
import { rankingReasons } from '../src/shared/format/ranking-reasons';
import { formatMs } from '../src/shared/format/units';
import { CATALOGUE } from '../src/shared/i18n/i18n';
import type { RunJson } from '../src/shared/run';
import { envbench, RESOURCES, ROOT, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const havePoppler = hasTool('pdftotext', ['-v']) && hasTool(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version']) && hasTool('go', ['version']);
// The report's own run has nix too, for a definition recorded with the run (Nix runs offline here, on EnvBench's generated flake).
const haveNix = hasTool('nix', ['--version']);
const ARTIFACTS = path.join(ROOT, 'out', 'reports');

function pdftotext(file: string, pages?: { first: number; last: number }): string {
  const range = pages ? ['-f', String(pages.first), '-l', String(pages.last)] : [];
  const result = spawnSync('pdftotext', ['-layout', ...range, file, '-'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

/** The text with every run of white space (line breaks and table layout included) as one space. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');
/** The text without white space: a long path wraps anywhere in the PDF, and pdftotext puts a space there. */
const squash = (text: string): string => text.replace(/\s+/g, '');

describe.skipIf(!havePoppler || !haveNix)('the PDF report, printed by Chromium from the report page', () => {
  let core: Core;
  let run: RunJson;
  let file: string;
  let text: string;

  beforeAll(async () => {
    core = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: '0.0.0-test', commit: '0123456789abcdef' } });
    // devbox is not installed here: its results fail with a reason, which the report must show.
    run = await core.run({
      runtimes: ['native', 'nix', 'devbox'],
      scenarios: ['startup-warm', 'vet', 'modcache-isolation', 'offline-readiness', 'consistency', 'reproducible-build'],
      runs: 6,
      warmup: 0,
      offline: true,
    });
    const pdf = await renderReportPdf(await reportData(core, run), { rendererDir: path.join(ROOT, 'out', 'renderer') });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    file = path.join(ARTIFACTS, 'report-native.pdf');
    fs.writeFileSync(file, pdf);
    text = pdftotext(file);
  }, 300_000);

  afterAll(() => core?.dispose());

  it('is an A4 PDF with selectable text in every section', () => {
    const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout;
    expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeGreaterThanOrEqual(2);
    for (const heading of ['EnvBench report', 'Verdict', 'Startup', 'Performance', 'Resources', 'Consistency and checks', 'Offline readiness', 'Reproducible builds', 'Module cache isolation', 'Maintenance', 'Results without figures', 'Methodology', 'Appendix: environment definitions']) {
      expect(text, heading).toContain(heading);
    }
    expect(text).toContain(run.id);
    expect(text).toContain('0.0.0-test (commit 0123456789ab)');
  });

  it('names every runtime and scenario, shows failed results with their reasons, and prints the run JSON\'s numbers', () => {
    for (const runtime of run.options.runtimes) expect(text).toContain(runtime);
    for (const scenario of run.options.scenarios) expect(text).toContain(scenario);
    const failed = run.results.filter((r) => r.status !== 'completed');
    expect(failed.length).toBeGreaterThan(0);
    // The reason, as pdftotext lays it out (wrapped in a table cell): its first words.
    for (const r of failed) expect(text.replace(/\s+/g, ' ')).toContain(r.reason!.slice(0, 40).replace(/\s+/g, ' '));
    for (const r of run.results.filter((x) => x.stats)) {
      expect(text, `${r.runtime} ${r.scenario} median`).toContain(formatMs(r.stats!.medianMs));
      expect(text, `${r.runtime} ${r.scenario} CI`).toContain(`${formatMs(r.stats!.ciLowMs)} – ${formatMs(r.stats!.ciHighMs)}`);
    }
  });

  it('says on page 1 why each dimension is won, in the sentences the ranking\'s inputs give', () => {
    const reasons = rankingReasons(run.scoring);
    expect(reasons.map((r) => r.dimension)).toEqual(['startup', 'performance', 'maintenance']);
    const first = flat(pdftotext(file, { first: 1, last: 1 }));
    for (const r of reasons) expect(first).toContain(flat(r.sentence));
  });

  it('shows every verdict and check the run has, and says which process PEAK RSS is', () => {
    const body = flat(text);
    for (const r of run.results.filter((x) => x.verdict)) expect(body, `${r.runtime} ${r.scenario}`).toMatch(new RegExp(`${r.runtime} (ready|not ready|reproducible|NOT reproducible)`));
    const repro = run.results.filter((r) => r.scenario === 'reproducible-build');
    expect(repro.map((r) => r.runtime)).toEqual(['native', 'nix', 'devbox']);
    expect(repro.find((r) => r.runtime === 'native')!.verdict?.value).toBe('reproducible');
    const between = (from: string, to: string): string => body.slice(body.indexOf(from), body.indexOf(to, body.indexOf(from)));
    const section = between('Reproducible builds', 'Module cache isolation');
    for (const r of repro) expect(section).toContain(r.runtime);
    expect(section).toContain(flat(repro.find((r) => r.runtime === 'devbox')!.reason!).slice(0, 40));
    const modcache = between('Module cache isolation', 'Maintenance');
    expect(modcache).toMatch(/native [\d.]+ (ms|s) [\d.]+ (ms|s) [\d.]+ (ms|s) (identical|DIFFER)/);
    expect(body).toContain('Peak RSS (largest process)');
  });

  it('prints the definition each runtime used as the run recorded it, and never a preview', () => {
    const facts = run.maintenance.find((m) => m.runtime === 'nix')!.facts;
    expect(facts['definition.source']).toBe('generated offline flake (no nixpkgs)');
    const appendix = text.slice(text.indexOf('Appendix: environment definitions'));
    expect(squash(appendix)).toContain(squash(`nix: ${String(facts['definition.file'])}`));
    expect(appendix).toContain('generated offline flake (no nixpkgs)');
    // The flake as used: a path: input to this machine's Go, no nixpkgs.
    expect(String(facts['definition.text'])).toMatch(/path:/);
    for (const line of String(facts['definition.text']).split('\n')) expect(squash(appendix)).toContain(squash(line));
    expect(appendix).not.toMatch(/nixpkgs\.url|golang:/);
    // devbox never got as far as a definition, and native is the host.
    expect(flat(appendix)).toContain('devbox Definition not recorded with this run (the environment was never prepared');
    expect(flat(appendix)).toContain('The host itself (native) has none.');
  });

  it('says plainly "not recorded with this run" for a run measured before definitions were kept', async () => {
    const older: RunJson = { ...run, maintenance: run.maintenance.map((m) => ({ ...m, facts: Object.fromEntries(Object.entries(m.facts).filter(([k]) => !k.startsWith('definition.'))) })) };
    const pdf = await renderReportPdf(await reportData(core, older), { rendererDir: path.join(ROOT, 'out', 'renderer') });
    const olderFile = path.join(ARTIFACTS, 'report-older-run.pdf');
    fs.writeFileSync(olderFile, pdf);
    const appendix = flat(pdftotext(olderFile)).split('Appendix: environment definitions')[1]!;
    expect(appendix).toContain('nix Definition not recorded with this run (it was measured before EnvBench kept the definitions it used)');
    expect(appendix).not.toMatch(/flake\.nix|inputs/);
  }, 120_000);

  it('renders a page to PNG for a person to look at', () => {
    const prefix = path.join(ARTIFACTS, 'report-native-page');
    const result = spawnSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '2', file, prefix], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(fs.readdirSync(ARTIFACTS).filter((f) => f.startsWith('report-native-page') && f.endsWith('.png')).length).toBe(2);
  });

  it("prints in Simplified Chinese when asked: the catalogue's words and footer, the run's own words as recorded", async () => {
    const zh = CATALOGUE['zh-CN'].report;
    const pdf = await renderReportPdf({ ...(await reportData(core, run)), language: 'zh-CN' }, { rendererDir: path.join(ROOT, 'out', 'renderer') });
    const zhFile = path.join(ARTIFACTS, 'report-zh-CN.pdf');
    fs.writeFileSync(zhFile, pdf);
    const zhText = flat(pdftotext(zhFile));
    expect(zhText).toContain(zh.title);
    expect(zhText).toContain(`EnvBench 报告 · 运行 ${run.id}`);
    for (const word of [zh.column.scenario, zh.column.median, zh.column.versusNative]) expect(zhText).toContain(word);
    // Only the run's own words are English (its reasons, facts and ranking sentences), never a heading.
    for (const word of [CATALOGUE.en.report.title, CATALOGUE.en.report.column.firstErrorLine, CATALOGUE.en.report.column.peakRss]) expect(zhText).not.toContain(word);
    // What the run recorded is quoted as recorded: devbox's reason, in English.
    for (const r of run.results.filter((x) => x.status !== 'completed')) expect(zhText).toContain(r.reason!.slice(0, 40).replace(/\s+/g, ' '));
    const result = spawnSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '2', zhFile, path.join(ARTIFACTS, 'report-zh-CN-page')], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  }, 120_000);
});

describe.skipIf(!havePoppler)('PDF from the CLI: envbench export --format pdf, --compare, and run --pdf', () => {
  it('prints a run, and a comparison of two runs, with the same template', () => {
    const dataDir = tempDataDir();
    const first = path.join(dataDir, 'first.pdf');
    const made = envbench(['run', '--runtimes', 'native', '--scenarios', 'vet', '--runs', '6', '--warmup', '0', '--pdf', first], dataDir);
    expect(made.status, made.stderr).toBe(0);
    const before = (JSON.parse(envbench(['history', '--json'], dataDir).stdout) as { id: string }[])[0]!.id;
    expect(pdftotext(first)).toContain(`run ${before}`);
    expect(envbench(['run', '--runtimes', 'native', '--scenarios', 'vet', '--runs', '6', '--warmup', '0'], dataDir).status).toBe(0);
    const after = (JSON.parse(envbench(['history', '--json'], dataDir).stdout) as { id: string }[])[0]!.id;

    const out = path.join(dataDir, 'compare.pdf');
    const exported = envbench(['export', after, '--format', 'pdf', '--compare', before, '--out', out], dataDir);
    expect(exported.status, exported.stderr).toBe(0);
    const text = pdftotext(out).replace(/[ \t]+/g, ' ');
    expect(text).toContain(`Comparison with run ${before}`);
    expect(text).toContain('Same machine fingerprint.');
    expect(text).toMatch(/vet native [\d.]+ (ms|s) [\d.]+ (ms|s) [\d.]+×/);
    fs.copyFileSync(out, path.join(ARTIFACTS, 'report-comparison.pdf'));
  }, 600_000);

  it('refuses --compare for one-run formats and an unknown run to compare with, leaving no file', () => {
    const dataDir = tempDataDir();
    expect(envbench(['run', '--runtimes', 'native', '--scenarios', 'vet', '--runs', '1', '--warmup', '0'], dataDir).status).toBe(0);
    const id = (JSON.parse(envbench(['history', '--json'], dataDir).stdout) as { id: string }[])[0]!.id;
    const md = envbench(['export', id, '--format', 'md', '--compare', id, '--out', path.join(dataDir, 'x.md')], dataDir);
    expect(md.status).toBe(2);
    expect(md.stderr).toMatch(/Only a PDF compares two runs: the md export is of one run/);
    const unknown = envbench(['export', id, '--format', 'pdf', '--compare', '20000101-000000-dead', '--out', path.join(dataDir, 'x.pdf')], dataDir);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/No run "20000101-000000-dead": it is not in .*history\.sqlite/);
    const french = envbench(['export', id, '--format', 'pdf', '--lang', 'fr', '--out', path.join(dataDir, 'x.pdf')], dataDir);
    expect(french.status).toBe(2);
    expect(french.stderr).toMatch(/--lang.*'fr' is invalid.*en, zh-CN/s);
    expect(fs.readdirSync(dataDir).filter((f) => /^x\.|\.tmp/.test(f))).toEqual([]);
  }, 300_000);
});
