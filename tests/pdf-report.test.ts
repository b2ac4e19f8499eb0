import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import type { Core } from '../src/core/create-core';
import { renderReportPdf } from '../src/core/report/pdf-report';
import { reportData } from '../src/core/report/report-data';
import { formatMs } from '../src/shared/format/units';
import type { RunJson } from '../src/shared/run';
import { envbench, RESOURCES, ROOT, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const havePoppler = hasTool('pdftotext', ['-v']) && hasTool(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version']) && hasTool('go', ['version']);
const ARTIFACTS = path.join(ROOT, 'out', 'reports');

function pdftotext(file: string): string {
  const result = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

describe.skipIf(!havePoppler)('the PDF report, printed by Chromium from the report page', () => {
  let core: Core;
  let run: RunJson;
  let file: string;
  let text: string;

  beforeAll(async () => {
    core = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: '0.0.0-test', commit: '0123456789abcdef' } });
    // devbox is not installed here: its results fail with a reason, which the report must show.
    run = await core.run({ runtimes: ['native', 'devbox'], scenarios: ['startup-warm', 'vet', 'offline-readiness', 'consistency'], runs: 6, warmup: 0 });
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
    for (const heading of ['EnvBench report', 'Verdict', 'Startup', 'Performance', 'Resources', 'Consistency', 'Maintenance', 'Results without figures', 'Methodology', 'Appendix: environment definitions']) {
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

  it('renders a page to PNG for a person to look at', () => {
    const prefix = path.join(ARTIFACTS, 'report-native-page');
    const result = spawnSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '2', file, prefix], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(fs.readdirSync(ARTIFACTS).filter((f) => f.startsWith('report-native-page') && f.endsWith('.png')).length).toBe(2);
  });
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
    expect(md.stderr).toMatch(/--compare works with --format pdf only/);
    const unknown = envbench(['export', id, '--format', 'pdf', '--compare', '20000101-000000-dead', '--out', path.join(dataDir, 'x.pdf')], dataDir);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/No run 20000101-000000-dead/);
    expect(fs.readdirSync(dataDir).filter((f) => /^x\.|\.tmp/.test(f))).toEqual([]);
  }, 300_000);
});
