// The app section of `npm run bench`: the built renderer in Chromium, driven by Playwright against
// the real core through the bridge `envbench serve` uses, with a synthetic history (it measures
// the UI, not environments). Times are taken inside the page, so Playwright's own round trips
// do not count.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserType, Page } from 'playwright-core';
import { median } from 'simple-statistics';
import { startBridge } from '../serve/bridge-server';
import type { Core } from '../core/create-core';
import { createCore } from '../core/create-core';
import type { NewSample } from '../core/history/run-store';
import { RunStore, newRunId, resultKey } from '../core/history/run-store';
import type { IpcService } from '../core/ipc-service';
import { createIpcService } from '../core/ipc-service';
import { SCENARIOS } from '../core/scenarios/catalog';
import { seededRandom } from '../core/stats/seeded-random';
import { describeError } from '../core/user-error';
import type { AppInfo } from '../shared/ipc/contract';
import type { MachineFingerprint, RunSummary, RuntimeId, WorkspaceInfo } from '../shared/run';
import { ENVBENCH_BUILD, builtRendererDir, resourcesDir } from '../cli/cli-core';
import type { AppBenchReport, AppFigure } from './app-report';

const APP = { loads: 5, resultOpens: 5, historyOpens: 3, floods: 3, floodBytes: 100_000_000, historyRuns: 10_000, samples: 30, seed: 7 };
const VIEWPORT = { width: 1280, height: 900 };
/** The environments the synthetic history is made of (shapes for the charts, not the registry). */
const RUNTIMES = ['native', 'docker', 'dind', 'nix', 'devbox'] as const;
type SyntheticRuntime = (typeof RUNTIMES)[number];

// ---- The synthetic history -------------------------------------------------------------------

/** Plausible medians on the host (ms) and how much slower each runtime is: shapes for the charts, not measurements. */
const NATIVE_MS: Record<string, number> = {
  'startup-cold': 900, 'startup-warm': 260, 'build-clean': 14_000, 'build-incremental': 1_200, test: 3_500, 'test-race': 9_000,
  vet: 1_800, 'gopls-load': 2_200, 'debug-breakpoint': 1_500, 'file-sync': 30, 'mount-build': 2_500, 'modcache-isolation': 6_000,
};
const SLOWER: Record<SyntheticRuntime, number> = { native: 1, docker: 1.15, dind: 1.35, nix: 1.05, devbox: 1.1 };
/** Startup phases as each runtime reports them; the image phases only on a cold start. */
const STARTUP_PHASES: Record<SyntheticRuntime, string[]> = {
  native: ['exec-ready', 'first-run'],
  docker: ['image', 'create', 'start', 'exec-ready', 'first-run'],
  dind: ['outer-start', 'inner-daemon', 'inner-image-load', 'inner-create', 'inner-start', 'exec-ready', 'first-run'],
  nix: ['evaluate', 'realise', 'shell-ready', 'first-run'],
  devbox: ['install', 'shell-ready', 'first-run'],
};
const COLD_ONLY = new Set(['image', 'inner-image-load']);
const PROBE_PHASES: Record<string, string[]> = {
  'debug-breakpoint': ['listening', 'attach', 'breakpoint'],
  'file-sync': ['visible'],
  'mount-build': ['mounted', 'copy'],
  'modcache-isolation': ['shared-cache', 'own-cache', 'vendored'],
};

/** The first 12 sampled local scenarios of the catalogue (checks have no samples to chart). */
function chartedScenarios(): { id: string; kind: string }[] {
  return SCENARIOS.filter((s) => s.kind !== 'check' && s.only !== 'remote').slice(0, 12);
}

function syntheticMachine(): MachineFingerprint {
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown CPU',
    cpuCount: os.cpus().length,
    memoryBytes: os.totalmem(),
    kernel: os.release(),
    os: `${os.type()} (synthetic history of npm run bench)`,
    arch: os.arch(),
    cgroupVersion: 'v2',
    dockerStorageDriver: null,
    tools: { go: null, docker: null, nix: null, devbox: null },
    envbenchVersion: ENVBENCH_BUILD.version,
    envbenchCommit: ENVBENCH_BUILD.commit,
  };
}

/** A sample around `medianMs` (log-normal, 8%), with its phases for startups and probes as the scheduler stores them. */
function syntheticSample(random: () => number, runtime: SyntheticRuntime, scenario: { id: string; kind: string }, medianMs: number): NewSample {
  const gauss = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const wallMs = medianMs * Math.exp(0.08 * gauss) * (random() < 0.02 ? 1.6 : 1); // now and then an outlier
  const names = scenario.kind === 'startup' ? STARTUP_PHASES[runtime].filter((p) => scenario.id === 'startup-cold' || !COLD_ONLY.has(p)) : (PROBE_PHASES[scenario.id] ?? []);
  const weights = names.map((_, i) => 1 + i + random());
  const total = weights.reduce((a, b) => a + b, 0);
  const phases = names.length > 0 ? Object.fromEntries(names.map((name, i) => [name, (wallMs * weights[i]!) / total])) : undefined;
  return {
    wallMs,
    innerWallMs: runtime === 'native' ? wallMs : wallMs * 0.96,
    userMs: wallMs * 0.8,
    sysMs: wallMs * 0.12,
    maxRssKb: 80_000 + random() * 40_000,
    readBytes: 4_000_000,
    writeBytes: 1_000_000,
    blockReadBytes: 0,
    blockWriteBytes: 0,
    exitCode: 0,
    warmup: false,
    ...(phases ? { phases } : {}),
  };
}

/**
 * Writes `APP.historyRuns` small runs (one runtime x one scenario x 3 samples, ids an hour apart)
 * and, last so it is the newest, one run of 5 runtimes x 12 scenarios x 30 samples, through the
 * same RunStore calls the scheduler makes. Returns the big run's id.
 */
function seedHistory(dbFile: string, workspace: WorkspaceInfo): string {
  const random = seededRandom(APP.seed);
  const scenarios = chartedScenarios();
  const store = RunStore.open(dbFile);
  try {
    const machine = syntheticMachine();
    const options = (runtimes: readonly RuntimeId[], ids: string[], runs: number) => ({ runtimes: [...runtimes], scenarios: ids, runs, warmup: 0, offline: false, timeoutMs: 600_000 });
    const now = Date.now();
    for (let i = APP.historyRuns; i >= 1; i--) {
      if (i % 500 === 0) process.stderr.write(`\rapp: writing the synthetic history ${APP.historyRuns - i + 1}/${APP.historyRuns}   `);
      const runtime = RUNTIMES[i % RUNTIMES.length]!;
      const scenario = scenarios[i % scenarios.length]!;
      const id = newRunId(new Date(now - i * 3_600_000));
      const resultId = store.createRun({ id, workspace, machine, envbench: ENVBENCH_BUILD, options: options([runtime], [scenario.id], 3) }).get(resultKey(runtime, scenario.id))!;
      for (let seq = 0; seq < 3; seq++) store.addSample(resultId, seq, syntheticSample(random, runtime, scenario, (NATIVE_MS[scenario.id] ?? 1_000) * SLOWER[runtime]));
      store.finishResult(resultId, 'completed');
      store.finishRun(id, 'completed');
    }
    const bigRun = newRunId();
    const resultIds = store.createRun({ id: bigRun, workspace, machine, envbench: ENVBENCH_BUILD, options: options(RUNTIMES, scenarios.map((s) => s.id), APP.samples) });
    for (const scenario of scenarios) {
      for (const runtime of RUNTIMES) {
        const resultId = resultIds.get(resultKey(runtime, scenario.id))!;
        for (let seq = 0; seq < APP.samples; seq++) store.addSample(resultId, seq, syntheticSample(random, runtime, scenario, (NATIVE_MS[scenario.id] ?? 1_000) * SLOWER[runtime]));
        store.finishResult(resultId, 'completed');
      }
    }
    store.finishRun(bigRun, 'completed');
    return bigRun;
  } finally {
    store.close();
  }
}

/**
 * The core the page talks to, with the host runtime only: the section measures the UI, so it never
 * asks Docker or Nix anything (and their daemons' latency cannot show in its figures).
 */
function hostOnly(core: Core): Core {
  const runtimes = core.runtimes().then((all) => all.filter((r) => r.id === 'native'));
  return { ...core, runtimes: () => runtimes, doctor: async () => Promise.all((await runtimes).map(async (r) => ({ ...(await r.detect()), offlineReadiness: null }))) };
}

// ---- The probe that runs inside the page ---------------------------------------------------

/** The few DOM types the in-page code uses: the CLI compiles without the DOM library. */
interface PageElement {
  readonly textContent: string | null;
  readonly dataset: Record<string, string | undefined>;
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  getAttribute(name: string): string | null;
  getClientRects(): { length: number };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
interface PageEvent {
  readonly timeStamp: number;
  readonly key?: string;
}
interface PageGlobals {
  document: PageElement & { addEventListener(type: string, listener: (event: PageEvent) => void, capture: boolean): void };
  performance: { now(): number; getEntriesByType(type: string): { name: string; startTime: number }[] };
  requestAnimationFrame(callback: (time: number) => void): number;
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, boolean>): void };
  PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: { type: string }): void;
    takeRecords(): { duration: number }[];
    disconnect(): void;
  };
  __envbenchProbe?: PageProbe;
}

type WaitKind = 'results-ready' | 'history-row' | 'runtimes-view' | 'terminal-text';
interface Stalls {
  longestFrameGapMs: number;
  frames: number;
  longTasks: number;
  longestTaskMs: number;
}
interface PageProbe {
  /** performance.now() when the workspace facts were first in the DOM and laid out; null until then. */
  factsAt: number | null;
  /** Waits for a state; the clock starts at the timeStamp of the next click (or Enter key) after this call. */
  arm(kind: WaitKind, arg: string, trigger: 'click' | 'enter'): number;
  /** Milliseconds from the trigger to the state, and a detail (the charts drawn, for results). */
  result(handle: number): Promise<{ ms: number; detail: number }>;
  startStalls(): void;
  stopStalls(): Stalls;
  /** Scrolls the history list a screenful per step (two frames each) to the end. */
  scrollHistoryToEnd(): Promise<{ steps: number; maxRows: number }>;
}

/** Installed before the page's own scripts (Playwright's init script): self-contained, serialised into the page. */
function installPageProbe(): void {
  const w = globalThis as unknown as PageGlobals;
  const doc = w.document;
  const laidOut = (element: PageElement | null): boolean => element !== null && element.getClientRects().length > 0;
  const checks: Record<WaitKind, (arg: string) => number | null> = {
    'results-ready': (runId) => {
      const canvases = Array.from(doc.querySelector(`[data-testid=results][data-run-id="${runId}"]`)?.querySelectorAll('canvas') ?? []);
      return canvases.length > 0 && canvases.every((c) => c.dataset.chartReady === 'true') ? canvases.length : null;
    },
    'history-row': () => (laidOut(doc.querySelector('[data-testid=history-list] [data-run-id]')) ? 1 : null),
    'runtimes-view': () => (doc.querySelector('section[aria-labelledby=runtimes-title]') ? 1 : null),
    'terminal-text': (text) => (doc.querySelector('.terminal-pane:not([hidden]) .xterm-rows')?.textContent?.includes(text) ? 1 : null),
  };
  interface Wait {
    check: () => number | null;
    trigger: 'click' | 'enter';
    startedAt: number | null;
    done: { ms: number; detail: number } | null;
    resolve: ((value: { ms: number; detail: number }) => void) | null;
  }
  const waits: Wait[] = [];
  const settle = (): void => {
    for (const wait of waits) {
      if (wait.done || wait.startedAt === null) continue;
      const detail = wait.check();
      if (detail === null) continue;
      wait.done = { ms: w.performance.now() - wait.startedAt, detail };
      wait.resolve?.(wait.done);
    }
  };
  const start = (trigger: 'click' | 'enter', at: number): void => {
    for (const wait of waits) if (wait.trigger === trigger && wait.startedAt === null) wait.startedAt = at;
    settle();
  };
  doc.addEventListener('click', (event) => start('click', event.timeStamp), true);
  doc.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Enter') start('enter', event.timeStamp);
    },
    true,
  );

  // `generation` ends a stopped loop even if a new one starts before its last frame arrives.
  const stalls = { generation: 0, last: null as number | null, longest: 0, frames: 0, tasks: [] as number[], observer: null as InstanceType<PageGlobals['PerformanceObserver']> | null };
  const frameLoop = (generation: number) => (time: number): void => {
    if (stalls.generation !== generation) return;
    if (stalls.last !== null) stalls.longest = Math.max(stalls.longest, time - stalls.last);
    stalls.last = time;
    stalls.frames++;
    w.requestAnimationFrame(frameLoop(generation));
  };
  const nextFrame = (): Promise<void> => new Promise((resolve) => w.requestAnimationFrame(() => resolve()));

  const probe: PageProbe = {
    factsAt: null,
    arm(kind, arg, trigger) {
      waits.push({ check: () => checks[kind](arg), trigger, startedAt: null, done: null, resolve: null });
      return waits.length - 1;
    },
    result(handle) {
      const wait = waits[handle]!;
      return wait.done ? Promise.resolve(wait.done) : new Promise((resolve) => (wait.resolve = resolve));
    },
    startStalls() {
      Object.assign(stalls, { generation: stalls.generation + 1, last: null, longest: 0, frames: 0, tasks: [] });
      stalls.observer = new w.PerformanceObserver((list) => stalls.tasks.push(...list.getEntries().map((e) => e.duration)));
      stalls.observer.observe({ type: 'longtask' });
      w.requestAnimationFrame(frameLoop(stalls.generation));
    },
    stopStalls() {
      stalls.generation++;
      stalls.tasks.push(...(stalls.observer?.takeRecords() ?? []).map((e) => e.duration));
      stalls.observer?.disconnect();
      return { longestFrameGapMs: stalls.longest, frames: stalls.frames, longTasks: stalls.tasks.length, longestTaskMs: Math.max(0, ...stalls.tasks) };
    },
    async scrollHistoryToEnd() {
      const list = doc.querySelector('[data-testid=history-list]')!;
      const rows = (): number => list.querySelectorAll('[data-run-id]').length;
      let steps = 0;
      let maxRows = rows();
      for (;;) {
        const end = list.scrollHeight - list.clientHeight;
        const before = list.scrollTop;
        if (before >= end - 1) break;
        list.scrollTop = Math.min(before + list.clientHeight, end);
        steps++;
        await nextFrame(); // the scroll event and the virtualiser's render
        await nextFrame(); // drawn
        maxRows = Math.max(maxRows, rows());
        if (list.scrollTop === before) break; // cannot scroll further
      }
      return { steps, maxRows };
    },
  };
  w.__envbenchProbe = probe;
  new w.MutationObserver(() => {
    if (probe.factsAt === null && laidOut(doc.querySelector('[data-testid=workspace-facts]'))) probe.factsAt = w.performance.now();
    settle();
  }).observe(doc, { childList: true, subtree: true, attributes: true, characterData: true });
}

// Node-side handles on the in-page probe.
const arm = (page: Page, kind: WaitKind, arg: string, trigger: 'click' | 'enter'): Promise<number> =>
  page.evaluate(([k, a, t]) => (globalThis as unknown as PageGlobals).__envbenchProbe!.arm(k, a, t), [kind, arg, trigger] as const);
const waited = (page: Page, handle: number): Promise<{ ms: number; detail: number }> =>
  page.evaluate((h) => (globalThis as unknown as PageGlobals).__envbenchProbe!.result(h), handle);
const startStalls = (page: Page): Promise<void> => page.evaluate(() => (globalThis as unknown as PageGlobals).__envbenchProbe!.startStalls());
const stopStalls = (page: Page): Promise<Stalls> => page.evaluate(() => (globalThis as unknown as PageGlobals).__envbenchProbe!.stopStalls());
const nav = (page: Page, view: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view, exact: true });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function elapsed<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

// ---- The figures ------------------------------------------------------------------------------

interface Served {
  browser: Browser;
  url: string;
  service: IpcService;
  bigRun: string;
  errors: string[];
  /** Every terminal:ack the page sent: when (performance.now() here) and how many characters. */
  acks: { at: number; chars: number }[];
}

/** The service the bridge serves, noting each terminal acknowledgement (the flow control's round trips). */
function notingAcks(service: IpcService, acks: Served['acks']): IpcService {
  return {
    ...service,
    handle(channel, args) {
      if (channel === 'terminal:ack') acks.push({ at: performance.now(), chars: (args as [{ chars?: number }])[0]?.chars ?? 0 });
      return service.handle(channel, args);
    },
  };
}

async function openPage(served: Served): Promise<Page> {
  const context = await served.browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript(installPageProbe);
  const page = await context.newPage();
  page.on('pageerror', (error) => served.errors.push(error.message));
  await page.goto(served.url);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__envbenchProbe!.factsAt !== null, undefined, { timeout: 60_000 });
  return page;
}

/** Figure 1: a fresh browser context per load (cold HTTP cache), facts and first-contentful-paint since navigation start. */
async function measureLoads(served: Served): Promise<AppFigure[]> {
  const facts: number[] = [];
  const fcp: number[] = [];
  for (let i = 0; i < APP.loads; i++) {
    process.stderr.write(`\rapp: loading the main view ${i + 1}/${APP.loads}   `);
    const page = await openPage(served);
    const times = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return { facts: w.__envbenchProbe!.factsAt!, fcp: w.performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? null };
    });
    facts.push(times.facts);
    if (times.fcp !== null) fcp.push(times.fcp);
    await page.context().close();
  }
  return [
    { label: 'main view: workspace facts shown', unit: 'ms', values: facts, how: 'navigation start -> [data-testid=workspace-facts] laid out (fresh context each load)' },
    { label: 'main view: first contentful paint', unit: 'ms', values: fcp, how: "the browser's paint entry, for reference" },
  ];
}

/** Figure 2: from the click on the run's id in History to every canvas of Results drawn. */
async function measureResults(served: Served, page: Page): Promise<AppFigure[]> {
  const opens: number[] = [];
  const core: number[] = [];
  let canvases = 0;
  for (let i = 0; i < APP.resultOpens; i++) {
    process.stderr.write(`\rapp: opening the 5x12x30 run ${i + 1}/${APP.resultOpens}   `);
    core.push((await timedInvoke(served.service, 'run:get', { id: served.bigRun })).ms);
    await nav(page, 'History').click();
    const row = page.locator(`[data-testid=history-list] [data-run-id="${served.bigRun}"]`);
    await row.waitFor({ timeout: 60_000 });
    const handle = await arm(page, 'results-ready', served.bigRun, 'click');
    await row.getByRole('button', { name: served.bigRun, exact: true }).click();
    const { ms, detail } = await waited(page, handle);
    opens.push(ms);
    canvases = detail;
  }
  return [
    { label: 'results: 5x12x30 run, charts drawn', unit: 'ms', values: opens, how: `click on its id in History -> all ${canvases} canvases data-chart-ready=true` },
    { label: '  of which run:get in the core', unit: 'ms', values: core, how: 'the same call made from Node (stats of 1800 samples)' },
  ];
}

async function timedInvoke(service: IpcService, channel: string, arg: unknown): Promise<{ value: unknown; ms: number }> {
  const started = performance.now();
  const reply = await service.handle(channel, [arg]);
  const ms = performance.now() - started;
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.message}`);
  return { value: reply.value, ms };
}

/** Figure 3: History with the whole synthetic history: first row, then scrolled to the end a screenful at a time. */
async function measureHistory(served: Served, page: Page, notes: string[]): Promise<AppFigure[]> {
  const firstRow: number[] = [];
  const core: number[] = [];
  const gaps: number[] = [];
  const tasks: number[] = [];
  const domRows: number[] = [];
  let listed: RunSummary[] = [];
  let taskCount = 0;
  let steps = 0;
  let rowCount = 0;
  let reachedLast = true;
  for (let i = 0; i < APP.historyOpens; i++) {
    process.stderr.write(`\rapp: opening and scrolling History ${i + 1}/${APP.historyOpens}   `);
    const query = await timedInvoke(served.service, 'history:query', { limit: 100_000 });
    core.push(query.ms);
    listed = query.value as RunSummary[];
    await nav(page, 'Workspace').click();
    await page.getByTestId('workspace-facts').waitFor();
    const handle = await arm(page, 'history-row', '', 'click');
    await nav(page, 'History').click();
    firstRow.push((await waited(page, handle)).ms);
    // Let the trend chart below the list finish, so the scroll is measured on its own.
    await page.locator('.trend canvas[data-chart-ready="true"], .trend p.muted:not([data-testid=trend-loading])').first().waitFor({ timeout: 60_000 });
    await startStalls(page);
    const scrolled = await page.evaluate(() => (globalThis as unknown as PageGlobals).__envbenchProbe!.scrollHistoryToEnd());
    const stalls = await stopStalls(page);
    gaps.push(stalls.longestFrameGapMs);
    tasks.push(stalls.longestTaskMs);
    taskCount += stalls.longTasks;
    domRows.push(scrolled.maxRows);
    steps = scrolled.steps;
    rowCount = Number(await page.getByTestId('history-list').getAttribute('aria-rowcount'));
    const last = listed[listed.length - 1];
    if (!last || (await page.locator(`[data-testid=history-list] [data-run-id="${last.id}"]`).count()) === 0) reachedLast = false;
  }
  const total = APP.historyRuns + 1;
  if (rowCount < total) {
    notes.push(
      `History lists ${rowCount} of the ${total} runs in the history: \`history:query\` slices core.listRuns(), which returns ` +
        `RunStore.listRuns()'s default of the newest ${listed.length} (the view asks for 100 000). The scroll figures are for ${rowCount} rows.`,
    );
  }
  notes.push(`Scrolling History: ${steps} steps of one screenful to the end; ${reachedLast ? 'the last listed run was in the DOM at the end' : 'the last listed run was NOT in the DOM at the end'}.`);
  return [
    { label: 'history: first row shown', unit: 'ms', values: firstRow, how: `click on History -> a row laid out (${total} runs stored, ${rowCount} listed)` },
    { label: '  of which history:query in the core', unit: 'ms', values: core, how: 'the same call made from Node' },
    { label: 'history: scroll to end, frame gap', unit: 'ms', values: gaps, how: 'longest gap between animation frames while scrolling' },
    { label: 'history: scroll to end, long task', unit: 'ms', values: tasks, how: `longest 'longtask' entry (>= 50 ms; ${taskCount} in all, 0 = none)` },
    { label: 'history: row elements in the DOM', unit: 'count', values: domRows, how: `most [data-run-id] rows at once while scrolling (of ${rowCount})` },
  ];
}

/** Figure 4: `yes | head -c 100000000` in a native terminal, with the page's responsiveness during the flood. */
async function measureTerminal(served: Served, page: Page, notes: string[]): Promise<AppFigure[]> {
  const throughput: number[] = [];
  const gaps: number[] = [];
  const tasks: number[] = [];
  const switches: number[] = [];
  const roundTrips: number[] = [];
  const ackChars: number[] = [];
  const ackGaps: number[] = [];
  let taskCount = 0;
  await nav(page, 'Terminals').click();
  await page.getByLabel('Terminal runtime').selectOption('native');
  await page.getByRole('button', { name: 'New terminal' }).click();
  const pane = page.locator('.terminal-pane:not([hidden])');
  await pane.locator('.xterm-rows').waitFor({ timeout: 30_000 });
  const rowsText = (): Promise<string> => pane.locator('.xterm-rows').innerText();
  for (let wait = 0; !(await rowsText()).trim(); wait++) {
    if (wait > 300) throw new Error('the native terminal showed no prompt within 30 s');
    await sleep(100);
  }
  for (let i = 0; i < APP.floods; i++) {
    process.stderr.write(`\rapp: terminal flood ${i + 1}/${APP.floods}   `);
    const marker = `ENVBENCH-DONE-R${i}`;
    await pane.click();
    // One input event, so the shell receives the line in one write; `$((6*7))` keeps the marker out of the echoed command.
    await page.keyboard.insertText(`yes | head -c ${APP.floodBytes}; echo ${marker}-$((6*7))`);
    for (let wait = 0; !(await rowsText()).includes(`echo ${marker}`); wait++) {
      if (wait > 100) throw new Error('the terminal did not echo the command typed into it');
      await sleep(50);
    }
    const handle = await arm(page, 'terminal-text', `${marker}-42`, 'enter');
    await startStalls(page);
    const firstAck = served.acks.length;
    await page.keyboard.press('Enter');
    let flooding = true;
    const pinger = (async () => {
      let longest = 0;
      while (flooding) {
        const started = performance.now();
        await page.evaluate(() => 1);
        longest = Math.max(longest, performance.now() - started);
        await sleep(100);
      }
      return longest;
    })();
    // A view switch half a second into the flood, and straight back (the terminal is hidden meanwhile).
    const switcher = (async () => {
      await sleep(500);
      if (!flooding) return null;
      const view = await arm(page, 'runtimes-view', '', 'click');
      await nav(page, 'Runtimes').click();
      const { ms } = await waited(page, view);
      await nav(page, 'Terminals').click();
      return ms;
    })();
    const flood = await waited(page, handle);
    flooding = false;
    const [longestRoundTrip, switchMs] = await Promise.all([pinger, switcher]);
    const stalls = await stopStalls(page);
    const acks = served.acks.slice(firstAck);
    ackChars.push(...acks.map((a) => a.chars));
    ackGaps.push(...acks.slice(1).map((a, j) => a.at - acks[j]!.at));
    throughput.push(APP.floodBytes / 1e6 / (flood.ms / 1000));
    gaps.push(stalls.longestFrameGapMs);
    tasks.push(stalls.longestTaskMs);
    taskCount += stalls.longTasks;
    roundTrips.push(longestRoundTrip);
    if (switchMs !== null) switches.push(switchMs);
    await sleep(500);
  }
  // The same characters through the same path with the pty's output processing off: the kernel's
  // onlcr turns each "y\n" into "y\r\n" one line at a time, and on a small machine that alone caps
  // the flood (ptyCeiling below). "y\r\n" written as such, under stty -opost, gives xterm.js exactly
  // what the real flood gives it, so this is what EnvBench's own path (node-pty, the event hub, the
  // WebSocket, the flood cut, xterm.js) can carry.
  const chars = 1.5 * APP.floodBytes;
  const pathOnly: number[] = [];
  for (let i = 0; i < APP.floods; i++) {
    process.stderr.write(`\rapp: terminal path ${i + 1}/${APP.floods}   `);
    // Short, so that the command line does not wrap and its echo is found on one row.
    const marker = `EB-P${i}`;
    await pane.click();
    await page.keyboard.insertText(`stty -opost;yes "$(printf 'y\\r')"|head -c${chars};stty opost;echo ${marker}-$((6*7))`);
    for (let wait = 0; !(await rowsText()).includes(`echo ${marker}`); wait++) {
      if (wait > 100) throw new Error('the terminal did not echo the command typed into it');
      await sleep(50);
    }
    const handle = await arm(page, 'terminal-text', `${marker}-42`, 'enter');
    await page.keyboard.press('Enter');
    const flood = await waited(page, handle);
    pathOnly.push(APP.floodBytes / 1e6 / (flood.ms / 1000));
    await sleep(500);
  }
  const ceiling = await ptyCeiling(`yes | head -c ${APP.floodBytes}`);
  const ceilingRaw = await ptyCeiling(`stty -opost; yes "$(printf 'y\\r')" | head -c ${chars}`);
  const mb = APP.floodBytes / 1e6;
  notes.push(
    `Terminal, the pty alone (node-pty read in the bench's process, no app): ${mb} MB of yes at ${(mb / (ceiling / 1000)).toFixed(1)} MB/s with the default output processing (onlcr), ` +
      `${(mb / (ceilingRaw / 1000)).toFixed(1)} MB/s of the same characters with stty -opost. No terminal can show the first faster than the pty delivers it.`,
  );
  notes.push(
    `Terminal: a native shell (node-pty in this process, as in \`envbench serve\`); ${mb} MB of "y\\n" reach xterm.js as ${(1.5 * mb).toFixed(0)} M characters (the pty adds \\r). ` +
      (ackGaps.length === 0
        ? 'No terminal:ack was seen during the floods.'
        : `Flow control during the floods: ${ackChars.length} terminal:ack calls, a median of ${Math.round(median(ackChars))} characters each, ` +
          `one every ${median(ackGaps).toFixed(1)} ms (median; longest ${Math.max(...ackGaps).toFixed(0)} ms).`),
  );
  return [
    { label: `terminal: ${mb} MB of yes in xterm.js`, unit: 'MB/s', values: throughput, how: `${mb} MB / (Enter -> the echo after it shown)` },
    { label: `terminal: the same characters, pty -opost`, unit: 'MB/s', values: pathOnly, how: `${mb} MB of yes as "y\\r\\n" under stty -opost / (Enter -> the echo after it shown)` },
    { label: 'terminal: flood, frame gap', unit: 'ms', values: gaps, how: 'longest gap between animation frames, Enter to done' },
    { label: 'terminal: flood, long task', unit: 'ms', values: tasks, how: `longest 'longtask' entry (${taskCount} in all, 0 = none)` },
    { label: 'terminal: flood, view switch', unit: 'ms', values: switches, how: 'click on Runtimes 0.5 s in -> its view in the DOM' },
    { label: 'terminal: flood, page round trip', unit: 'ms', values: roundTrips, how: 'longest page.evaluate(() => 1) from Node, every 100 ms' },
  ];
}

/** How long node-pty takes to deliver everything `command` (sh -c) writes to a pty, in ms: what no terminal can beat. */
async function ptyCeiling(command: string): Promise<number> {
  const pty = await import('node-pty');
  return new Promise((resolve) => {
    const started = performance.now();
    const child = pty.spawn('/bin/sh', ['-c', command], { cols: 120, rows: 40, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } });
    child.onData(() => {});
    child.onExit(() => resolve(performance.now() - started));
  });
}

/**
 * The app section of `npm run bench`. Returns why it could not run instead of failing, so the
 * other sections still print.
 */
export async function measureAppBench({ terminalOnly = false }: { terminalOnly?: boolean } = {}): Promise<AppBenchReport> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!isExecutableFile(executablePath)) return { measured: false, reason: `no Chromium at ${executablePath}: install chromium, or set CHROMIUM_PATH` };
  const rendererDir = builtRendererDir();
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) return { measured: false, reason: `the renderer is not built (${path.join(rendererDir, 'index.html')} is missing): run \`npm run build\`` };
  let chromium: BrowserType;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    return { measured: false, reason: `playwright-core cannot be loaded (${describeError(error)}): run \`npm install\`` };
  }
  const loadAtStart = os.loadavg()[0] ?? 0;
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  } catch (error) {
    return { measured: false, reason: `Chromium (${executablePath}) did not start: ${describeError(error).split('\n')[0]}` };
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-bench-app-'));
  const cleanups: (() => Promise<void> | void)[] = [() => browser.close(), () => fs.rmSync(dataDir, { recursive: true, force: true })];
  try {
    const core = createCore({ resourcesDir: resourcesDir(), dataDir, envbench: ENVBENCH_BUILD });
    cleanups.unshift(() => core.dispose());
    const workspace = await core.inspectWorkspace(core.sampleWorkspace());
    // The terminal's figures alone need no history (ENVBENCH_BENCH_ONLY=terminal).
    const seeded = terminalOnly ? { value: '', ms: 0 } : elapsed(() => seedHistory(core.dbFile, workspace));
    const appInfo: AppInfo = { version: ENVBENCH_BUILD.version, commit: ENVBENCH_BUILD.commit, dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' };
    const service = createIpcService(hostOnly(core), appInfo);
    cleanups.unshift(() => service.dispose());
    const acks: Served['acks'] = [];
    const bridge = await startBridge({ service: notingAcks(service, acks), rendererDir, host: '127.0.0.1', port: 0, allowRemote: false });
    cleanups.unshift(() => bridge.close());

    const served: Served = { browser, url: bridge.url, service, bigRun: seeded.value, errors: [], acks };
    const notes: string[] = [];
    const figures = terminalOnly ? [] : await measureLoads(served);
    const page = await openPage(served);
    if (!terminalOnly) {
      figures.push(...(await measureResults(served, page)));
      figures.push(...(await measureHistory(served, page, notes)));
    }
    figures.push(...(await measureTerminal(served, page, notes)));
    if (served.errors.length > 0) notes.push(`Errors in the page: ${[...new Set(served.errors)].join('; ')}`);
    process.stderr.write('\r\x1b[2K');
    return {
      measured: true,
      browser: `Chromium ${browser.version()}`,
      viewport: VIEWPORT,
      history: terminalOnly ? null : { runs: APP.historyRuns + 1, bigRun: seeded.value, seedMs: seeded.ms },
      load: { start: loadAtStart, end: os.loadavg()[0] ?? 0, cpus: os.cpus().length },
      figures,
      notes,
    };
  } finally {
    for (const cleanup of cleanups) {
      try {
        await cleanup();
      } catch {
        // Best effort: a browser that already died or a file already gone changes no figure.
      }
    }
  }
}
