import type { Core, RunInput } from '../../core/create-core';
import type { NixEntry, RuntimeId } from '../../shared/run';
import { parseRuntimeIds } from '../../core/environments/registry';
import { parseScenarioIds } from '../../core/scenarios/catalog';
import { checkHostName } from '../../core/hosts/ssh-url';
import { UserError } from '../../core/user-error';
import { describeOwner } from '../../core/machine/measure-lock';
import type { RunStyle } from '../format/progress-line';
import { RunStatus } from '../format/progress-line';
import { weightsOption } from '../format/ranking-table';
import { formatRunSummary } from '../format/run-summary';
import { formatPlan } from '../format/plan-table';
import { exportToFile, prepareExport } from '../../core/export/export-flow';
import { findChromium } from '../../core/report/pdf-report';
import { builtRendererDir } from '../cli-core';
import { exporterFor } from '../../core/export/exporters';
import { isTextExport } from '../../core/export/exporter';
import { checkExportPath } from '../../core/export/write-export';
import type { RunOutput, RunOutputOptions } from '../run-outputs';
import { RUN_OUTPUT_OPTIONS } from '../run-outputs';

/** Every output the options name, checked before anything is measured (UserError, exit 2). */
function parseRunOutputs(options: RunOutputOptions): RunOutput[] {
  const outputs: RunOutput[] = [];
  for (const o of RUN_OUTPUT_OPTIONS) {
    const value = options[o.key];
    if (value === undefined || value === false) continue;
    const flag = o.flags.split(' ')[0]!;
    if (value === true || value === '-') {
      if (!isTextExport(exporterFor(o.format))) {
        throw new UserError(`Cannot write the ${o.format} report to standard output`, 'it is a binary file', `Pass a file name, for example ${flag} run.${o.format}`);
      }
      const other = outputs.find((x) => x.target.kind === 'stdout');
      if (other) throw new UserError(`${other.flag} and ${flag} both write to standard output`, 'the two would be mixed in one stream', `Give one of them a file name, for example ${flag} run.${exporterFor(o.format).extension}`);
      outputs.push({ flag, format: o.format, target: { kind: 'stdout' } });
      continue;
    }
    const file = checkExportPath(value);
    const other = outputs.find((x) => x.target.kind === 'file' && x.target.path === file);
    if (other) throw new UserError(`${other.flag} and ${flag} both name ${file}`, 'one would overwrite the other', 'Give each output its own file, for example run.json and run.bench');
    outputs.push({ flag, format: o.format, target: { kind: 'file', path: file } });
  }
  return outputs;
}

export interface RunCommandOptions extends RunOutputOptions {
  workspace?: string;
  runtimes?: string;
  /** `--host NAME`: run on a host added with `envbench hosts add`. */
  host?: string;
  scenarios?: string;
  runs?: string;
  maxRuns?: string;
  minRuns?: string;
  /** Print the plan and measure nothing. */
  plan?: boolean;
  budget?: string;
  warmup: string;
  offline?: boolean;
  nixEntry?: NixEntry;
  weights?: string;
  timeout: string;
  firstRun?: string;
  main?: string;
  testArgs?: string;
  wait?: boolean;
  /** hyperfine's -i: keep a command that exits non-zero as a sample. */
  ignoreFailure?: boolean;
  /** Print the measured commands' output (escaped) as they run, as hyperfine's --show-output does. */
  showOutput?: boolean;
  /** `--command NAME=CMD`, repeatable: the user's own commands, measured as scenarios. */
  command?: string[];
  /** hyperfine's --style: auto, full, basic (plain progress lines), none (nothing but errors and the outputs asked for). */
  style?: RunStyle;
}

function parseWhole(name: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new UserError(`Invalid --${name} "${text}"`, `it must be a whole number${name === 'runs' ? " or 'auto'" : ''}`, `Pass for example --${name} ${name === 'warmup' ? 1 : name === 'budget' ? 600 : 10}`);
  }
  return Number(text);
}

/** `--budget`: `15m`, `1h30m`, `90s`, or a bare number of seconds. */
export function parseBudget(text: string): number {
  const trimmed = text.trim();
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.exec(trimmed);
  const seconds = match ? Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0) : 0;
  if (!match || trimmed === '' || seconds < 1) {
    throw new UserError(`Invalid --budget "${text}"`, 'it must be a time such as 15m, 1h30m or 90s (a bare number is seconds), at least 1 s', 'Pass for example --budget 30m');
  }
  return seconds;
}

/** The run's input from the options, every value checked (UserError, exit 2) before anything runs. */
function runInput(options: RunCommandOptions): RunInput {
  const timeoutSeconds = Number(options.timeout);
  if (!(timeoutSeconds > 0)) throw new UserError(`Invalid --timeout "${options.timeout}"`, 'it must be a positive number of seconds', 'Pass for example --timeout 600');
  const runs = options.runs === undefined || options.runs.trim() === 'auto' ? 'auto' : parseWhole('runs', options.runs);
  if (runs !== 'auto' && (options.budget !== undefined || options.maxRuns !== undefined || options.minRuns !== undefined)) {
    const option = options.budget !== undefined ? 'budget' : options.maxRuns !== undefined ? 'max-runs' : 'min-runs';
    throw new UserError(`--runs ${runs} fixes every scenario's samples`, `--${option} only shapes a planned run`, 'Leave out --runs (or pass --runs auto) to plan within a budget, or leave out --budget, --min-runs and --max-runs');
  }
  return {
    workspace: options.workspace,
    ...(options.host !== undefined ? { host: checkHostName(options.host) } : {}),
    runtimes: options.runtimes ? parseRuntimeIds(options.runtimes) : undefined,
    scenarios: options.scenarios ? parseScenarioIds(options.scenarios) : undefined,
    runs,
    ...(options.maxRuns !== undefined ? { maxRuns: parseWhole('max-runs', options.maxRuns) } : {}),
    ...(options.minRuns !== undefined ? { minRuns: parseWhole('min-runs', options.minRuns) } : {}),
    ...(options.budget !== undefined ? { budgetSeconds: parseBudget(options.budget) } : {}),
    warmup: parseWhole('warmup', options.warmup),
    offline: options.offline ?? false,
    nixEntry: options.nixEntry,
    weights: options.weights ? weightsOption(options.weights) : undefined,
    timeoutMs: timeoutSeconds * 1000,
    firstRun: options.firstRun,
    main: options.main,
    testArgs: options.testArgs,
    wait: options.wait,
    ...(options.ignoreFailure ? { ignoreFailure: true } : {}),
    ...(options.command && options.command.length > 0 ? { commands: options.command } : {}),
  };
}

export async function runCommand(core: Core, options: RunCommandOptions): Promise<number> {
  if (options.plan) {
    process.stdout.write(formatPlan(await core.plan(runInput(options))) + '\n');
    return 0;
  }
  // Output files are checked before anything is measured, as `envbench export` checks them.
  const outputs = parseRunOutputs(options);
  // The browser that prints the PDF must be there before anything is measured.
  if (outputs.some((o) => o.format === 'pdf')) findChromium();
  const input = runInput(options);
  // With an export on standard output, everything meant for a person goes to standard error.
  const said = outputs.some((o) => o.target.kind === 'stdout') ? process.stderr : process.stdout;

  const controller = new AbortController();
  const style = options.style ?? 'auto';
  const quiet = style === 'none';
  const progress = new RunStatus(process.stderr, Date.now, style);
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      progress.clear();
      process.stderr.write('Cancelling: stopping the running command (Ctrl-C again to quit at once)...\n');
      controller.abort(new Error('cancelled by the user'));
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  // SIGTERM (a service manager, `kill`) cancels the same way: containers are removed, samples kept.
  process.on('SIGTERM', onSigint);
  try {
    const run = await core.run(
      input,
      {
        signal: controller.signal,
        onWaitingForMachine: (holder) => process.stderr.write(`envbench: waiting for ${describeOwner(holder)} to finish...\n`),
        onStarted: (id) => {
          if (!process.stderr.isTTY && !quiet) process.stderr.write(`envbench: run ${id} started\n`);
        },
        onLog: (line) => progress.log(line),
        onStepStart: (step) => progress.stepStarting(step),
        onProgress: (p) => progress.progress(p),
        ...(options.showOutput ? { onOutput: (_runtime: RuntimeId, stream: 'stdout' | 'stderr', text: string) => progress.output(stream === 'stdout' ? said : process.stderr, text) } : {}),
      },
    );
    progress.stop();
    if (!quiet) said.write(formatRunSummary(run) + '\n');
    // Written by the exporters `envbench export` and the app's Export button use.
    const context = { envbench: core.envbench, language: options.lang, pdf: { rendererDir: builtRendererDir() } };
    for (const output of outputs) {
      if (output.target.kind === 'file') {
        await exportToFile(core, { run, format: output.format }, output.target.path, context);
      } else {
        const job = await prepareExport(core, { run, format: output.format }, context);
        process.stdout.write(await job.exporter.render(job.run, job.context));
      }
    }
    const files = [core.dbFile, ...outputs.map((o) => (o.target.kind === 'file' ? o.target.path : 'standard output'))];
    if (!quiet) said.write(`\nSaved as run ${run.id} in ${[files.slice(0, -1).join(', '), files.at(-1)].filter(Boolean).join(' and ')}.\n`);
    if (run.status === 'completed') return 0;
    const failed = run.results.filter((r) => r.status !== 'completed' && r.status !== 'not-applicable');
    process.stderr.write(
      `envbench: run ${run.status}: ${failed.length} of ${run.results.length} measurements did not complete (${failed
        .map((r) => `${r.runtime}/${r.scenario}`)
        .join(', ')}); see the reasons above.\n`,
    );
    return run.status === 'cancelled' ? 130 : 1;
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
