import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_SAMPLE_TIMEOUT_MS, DEFAULT_WARMUP } from '../core/bench/run-request';
import { describeError, isUserError } from '../core/user-error';
import { escapeControlCharactersInText } from '../shared/format/control-characters';
import { RUNTIME_IDS } from '../core/environments/registry';
import { EXPORT_FORMATS, NIX_ENTRIES } from '../shared/run';
import type { Exporter } from '../core/export/exporter';
import { SCENARIOS } from '../core/scenarios/catalog';
import { cliCore, ENVBENCH_BUILD } from './cli-core';
import { addRunOutputOptions, langOption } from './run-outputs';
import { COMPLETION_SHELLS, completionScript } from './completion';
import { COMPARE_FORMATS, compareCommand, type CompareOptions } from './commands/compare';
import type { ExportCommandOptions } from './commands/export';
import type { RunCommandOptions } from './commands/run';
import type { ImportHyperfineOptions } from './commands/import';
import { deleteCommand, historyCommand, type HistoryOptions, SHOW_FORMATS, showCommand, type ShowOptions } from './commands/history';
import type { HostsAddOptions } from './commands/hosts';
import { RUN_STYLES } from './format/progress-line';
import type { ServeOptions } from './commands/serve';

// Each command's code is loaded with import() when it runs (esbuild keeps such modules unevaluated
// until then): `envbench --version` and `history` do not load the run engine, Docker or SSH.

/** Exit codes: 0 success, 1 a measurement failed, 2 bad input, 130 cancelled. */
const EXIT_BAD_INPUT = 2;

/** One meaning of --json in every command: JSON on standard output, or in the file named ('-': standard output). */
const JSON_OPTION = ['--json [file]', "print JSON; to a file when one is named ('-': standard output)"] as const;

/**
 * The commands. `exporters` describe the export formats in `envbench export --help`; main() loads
 * them only when help is asked for (they bring the PDF report's code with them).
 */
function program(exporters: readonly Exporter[] | null): Command {
  const cli = new Command('envbench')
    .description('Measure Go development environments side by side on this machine.')
    .version(`${ENVBENCH_BUILD.version}${ENVBENCH_BUILD.commit ? ` (${ENVBENCH_BUILD.commit.slice(0, 12)})` : ''}`)
    .exitOverride();
  const dbOption = (): Option => new Option('--db <file>', 'history database (default: $ENVBENCH_DATA_DIR or the user-data directory)');

  cli
    .command('doctor')
    .description('which runtimes can run here, with versions, and why not')
    .option(...JSON_OPTION)
    .addOption(dbOption())
    .action(async (options: { json?: string | boolean; db?: string }) => {
      const { doctorCommand } = await import('./commands/doctor');
      const core = cliCore({ db: options.db });
      try {
        process.exitCode = await doctorCommand(core, options);
      } finally {
        core.dispose();
      }
    });

  const run = cli
    .command('run')
    .description('measure scenarios on runtimes and save the run in the history')
    .option('--workspace <dir>', 'Go module to measure (default: the embedded sample workspace)')
    .option('--runtimes <list>', `comma-separated: ${RUNTIME_IDS.join(',')} (default: every available one)`)
    .option('--host <name>', 'measure on a machine added with `envbench hosts add` (over SSH; the workspace is synced there with rsync)')
    .option('--scenarios <list>', `comma-separated: ${SCENARIOS.map((s) => s.id).join(',')} (default: all)`)
    .option('-r, --runs <n>', "measured runs per scenario and runtime; default 'auto': planned within --budget from this machine's history, each result stopping once its median's 95% CI half-width is within 2% of it")
    .option('-m, --min-runs <n>', 'planned runs: the fewest samples per scenario and runtime (default: 6, what a verdict needs; 3 for a start when the budget is short)')
    .option('-M, --max-runs <n>', 'planned runs: the most samples per scenario and runtime (default 30)')
    .option('--budget <time>', 'planned runs: the whole run\'s time, e.g. 15m, 1h, 90s (default 15m)')
    .option('--plan', 'print the plan (samples per scenario and runtime, estimated times, what will be built) and measure nothing')
    .option('-w, --warmup <n>', 'unmeasured warmup runs before them (a warm start always gets 1; a cold start and a clean build none: they reset before every sample)', String(DEFAULT_WARMUP))
    .option('--offline', 'no network: module proxy off, no toolchain downloads')
    .addOption(
      new Option('--nix-entry <mode>', "nix runtime: `nix develop` on a flake or `nix-shell` on a shell.nix (default: the workspace's own flake.nix or shell.nix, else flake)").choices(
        NIX_ENTRIES,
      ),
    )
    .option('--timeout <seconds>', 'per-sample limit; the whole process tree is killed past it', String(DEFAULT_SAMPLE_TIMEOUT_MS / 1000))
    .option('--wait', 'when another run is measuring on this machine, wait for it to end instead of refusing')
    .option('--first-run <command>', 'startup scenarios: the command whose exit ends a start, split into words without a shell, e.g. "go run ./cmd/x -once" (default: go build -o /dev/null of the main packages)')
    .option('--main <package>', 'the main package (./cmd/x, relative to the workspace) for debug-breakpoint, reproducible-build, modcache-isolation and the default first run (default: the workspace\'s main packages; without one those scenarios are not applicable)')
    .option('--command <name=cmd>', "your own command as a scenario, measured in every environment (repeatable), split into words without a shell, e.g. build='make build'; alone, without --scenarios, only these are measured", (value: string, previous: string[] = []) => [...previous, value])
    .option('--test-args <args>', 'test and test-race: arguments added to `go test -count=1 ./...`, split into words without a shell, e.g. "-run TestParse -short"')
    .option('--show-output', "print the measured commands' output as they run (control characters shown as escapes)")
    .addOption(new Option('--style <style>', 'progress output, as hyperfine\'s: auto and full (a live line on a terminal, plain lines when piped), basic (plain lines), none (only errors and the outputs asked for)').choices(RUN_STYLES))
    .option('-i, --ignore-failure', 'keep a command that exits non-zero as a sample, with its exit code, instead of ending its result (as hyperfine -i)');
  addRunOutputOptions(run)
    .option('--weights <list>', 'weights of the ranking, e.g. startup=1,performance=2,maintenance=1 (default: equal)')
    .addOption(dbOption())
    .action(async (options: RunCommandOptions & { db?: string }) => {
      const { runCommand } = await import('./commands/run');
      const core = cliCore({ db: options.db });
      try {
        process.exitCode = await runCommand(core, options);
      } finally {
        core.dispose();
      }
    });

  cli
    .command('history')
    .description('list the runs in the history, newest first')
    .option(...JSON_OPTION)
    .option('--runtime <list>', 'only runs that measured one of these runtimes (comma-separated)')
    .option('--scenario <list>', 'only runs that measured one of these scenarios (comma-separated)')
    .option('--workspace <dir>', 'only runs of this Go module')
    .option('--since <when>', 'only runs started since: 30m, 12h, 7d, 2w ago, or a date (2026-12-01)')
    .option('--limit <n>', 'at most this many runs (default 200)')
    .addOption(dbOption())
    .action((options: HistoryOptions & { db?: string }) => {
      const core = cliCore({ db: options.db });
      try {
        process.exitCode = historyCommand(core, options);
      } finally {
        core.dispose();
      }
    });

  cli
    .command('show')
    .description('show one run: by id, or the newest that matches the options')
    .argument('[run-id]', 'as listed by `envbench history` (default: the newest run matching --workspace, --since, --runtime and --scenario)')
    .option('--json [file]', "print the run JSON (same as --format json); to a file when one is named")
    .option('--runtime <list>', 'only these runtimes\' results (comma-separated)')
    .option('--scenario <list>', 'only these scenarios\' results (comma-separated)')
    .option('--workspace <dir>', 'without a run id: the newest run of this Go module')
    .option('--since <when>', 'without a run id: the newest run started since 30m, 12h, 7d, 2w ago, or a date')
    .option('--weights <list>', 'weights of the ranking, e.g. startup=1,performance=2,maintenance=1 (default: equal)')
    .addOption(
      new Option('--format <format>', 'table (default), json, or bench: Go benchmark format for benchstat')
        .choices(SHOW_FORMATS)
        .conflicts('json'),
    )
    .addOption(dbOption())
    .action((runId: string | undefined, options: ShowOptions & { db?: string }) => {
      const core = cliCore({ db: options.db });
      try {
        process.exitCode = showCommand(core, runId, options);
      } finally {
        core.dispose();
      }
    });
  cli
    .command('compare')
    .description('run B against run A, as benchstat compares two benchmark files: medians with their 95% CI, the change and its p-value')
    .argument('<run-a>', 'the base run, as listed by `envbench history`')
    .argument('<run-b>', 'the run compared with it')
    .option('--filter <terms>', 'only these rows: runtime=ID and scenario=ID terms, comma-separated, e.g. runtime=native,scenario=test')
    .addOption(new Option('--format <format>', 'table (default), md, csv or json').choices(COMPARE_FORMATS))
    .addOption(dbOption())
    .action((runA: string, runB: string, options: CompareOptions & { db?: string }) => {
      const core = cliCore({ db: options.db });
      try {
        process.exitCode = compareCommand(core, runA, runB, options);
      } finally {
        core.dispose();
      }
    });

  cli
    .command('delete')
    .description('remove a run and everything measured in it from the history (as the app\'s Delete)')
    .argument('<run-id>', 'as listed by `envbench history`')
    .addOption(dbOption())
    .action((runId: string, options: { db?: string }) => {
      const core = cliCore({ db: options.db });
      try {
        process.exitCode = deleteCommand(core, runId);
      } finally {
        core.dispose();
      }
    });

  cli
    .command('export')
    .description('write one run as a report or data file, whole or not at all')
    .argument('<run-id>', 'as listed by `envbench history`')
    .requiredOption('--format <format>', EXPORT_FORMATS.join(', '))
    .requiredOption('--out <file>', "file to write (written whole or not at all); '-' for standard output (not pdf)")
    .option('--weights <list>', 'weights of the ranking, e.g. startup=1,performance=2,maintenance=1 (default: equal)')
    .option('--compare <run-id>', 'pdf: a comparison report, this run against an earlier one (before/after, or two machines)')
    .option('--chromium <path>', 'pdf: the Chromium or Chrome to print with (default: $CHROMIUM_PATH or the system Chromium)')
    .addOption(langOption())
    .addOption(dbOption())
    .addHelpText('after', () => (exporters ? `\nFormats:\n${exporters.map((e) => `  ${e.format.padEnd(12)} ${e.description}`).join('\n')}` : ''))
    .action(async (runId: string, options: ExportCommandOptions & { db?: string }) => {
      const { exportCommand } = await import('./commands/export');
      const core = cliCore({ db: options.db });
      try {
        process.exitCode = await exportCommand(core, runId, options, { envbench: ENVBENCH_BUILD });
      } finally {
        core.dispose();
      }
    });

  cli
    .command('import')
    .description('bring results measured by other tools into the history')
    .command('hyperfine')
    .description("one benchmark of hyperfine's --export-json file as a run in the history (wall times only); prints the run id")
    .argument('<file>', 'the file hyperfine wrote with --export-json')
    .requiredOption('--runtime <id>', `the environment hyperfine measured: ${RUNTIME_IDS.join(', ')}`)
    .requiredOption('--scenario <id>', `the timed scenario whose command it ran: ${SCENARIOS.filter((s) => s.kind !== 'check').map((s) => s.id).join(', ')}`)
    .option('--command-index <n>', 'which benchmark of the file, from 1 (needed when hyperfine measured several commands)')
    .option('--workspace <dir>', 'the Go module hyperfine ran in (default: the current folder when it has a go.mod)')
    .addOption(dbOption())
    .action(async (file: string, options: ImportHyperfineOptions & { db?: string }) => {
      const { importHyperfineCommand } = await import('./commands/import');
      const core = cliCore({ db: options.db });
      try {
        process.exitCode = await importHyperfineCommand(core, file, options);
      } finally {
        core.dispose();
      }
    });

  const hosts = cli.command('hosts').description('remote machines EnvBench measures over SSH (`run --host NAME`)');
  hosts
    .command('add')
    .description('add a machine reached with your SSH key or agent (never a password); its host key must already be in known_hosts')
    .argument('<name>', 'a short name for --host, e.g. box')
    .argument('<url>', 'ssh://user@host[:port]')
    .option('--identity-file <file>', 'a private key for this host (default: the agent and ~/.ssh/config decide)')
    .option('--known-hosts <file>', 'a known_hosts file for this host (default: ~/.ssh/known_hosts)')
    .option('--no-check', 'add it without connecting first')
    .action(async (name: string, url: string, options: HostsAddOptions) => {
      const { hostsAddCommand } = await import('./commands/hosts');
      process.exitCode = await hostsAddCommand(name, url, options);
    });
  hosts
    .command('list')
    .description('the machines added, with their URLs and keys')
    .option(...JSON_OPTION)
    .action(async (options: { json?: string | boolean }) => {
      const { hostsListCommand } = await import('./commands/hosts');
      process.exitCode = hostsListCommand(options);
    });
  hosts
    .command('remove')
    .description('forget a machine (what EnvBench left on it stays there)')
    .argument('<name>')
    .action(async (name: string) => {
      const { hostsRemoveCommand } = await import('./commands/hosts');
      process.exitCode = hostsRemoveCommand(name);
    });
  hosts
    .command('doctor')
    .description('connect to a machine and say what it has: kernel, CPUs, memory, Go, Docker, Nix, Devbox, rsync, and the SSH round trip')
    .argument('<name>')
    .option(...JSON_OPTION)
    .action(async (name: string, options: { json?: string | boolean }) => {
      const { hostsDoctorCommand } = await import('./commands/hosts');
      process.exitCode = await hostsDoctorCommand(name, options);
    });

  cli
    .command('clean')
    .description('remove every Docker container, volume, network and image EnvBench made (by label), and nothing else')
    .option('--caches', "instead: remove only EnvBench's caches (build caches, scratch copies, gopls/dlv copies in $ENVBENCH_CACHE_DIR or ~/.cache/envbench), not Docker objects nor the history; says how much it freed")
    .option('--force', 'clean even while a run is measuring on this machine (that run may then fail)')
    .action(async (options: { caches?: boolean; force?: boolean }) => {
      const { cleanCachesCommand, cleanCommand, refuseWhileMeasuring } = await import('./commands/clean');
      if (!options.force) refuseWhileMeasuring(cliCore());
      process.exitCode = options.caches ? await cleanCachesCommand(cliCore()) : await cleanCommand(cliCore());
    });

  cli
    .command('serve')
    .description('serve the app to a browser over local HTTP + WebSocket, with a fresh token, until Ctrl-C')
    .option('--port <n>', 'port to listen on (default 0: any free one, printed)')
    .option('--host <addr>', 'address to listen on (default 127.0.0.1; any other needs --allow-remote)')
    .option('--allow-remote', 'allow an address other machines can reach: whoever reaches it with the URL controls EnvBench')
    .option('--open', 'open the URL in the desktop browser (xdg-open)')
    .option('--no-open', 'do not open a browser (default)')
    .addOption(dbOption())
    .action(async (options: ServeOptions & { db?: string }) => {
      const { serveCommand } = await import('./commands/serve');
      const core = cliCore({ db: options.db });
      try {
        process.exitCode = await serveCommand(core, options);
      } finally {
        core.dispose();
      }
    });

  cli
    .command('completion')
    .description('print a completion script for bash, zsh or fish (eval "$(envbench completion bash)" in ~/.bashrc)')
    .argument('<shell>', COMPLETION_SHELLS.join(', '))
    .action((shell: string) => {
      process.stdout.write(completionScript(cli, shell));
    });

  // A parse error is its one line, then the usage of the command it was for, not the whole help.
  for (const command of withSubcommands(cli)) {
    const name = commandPath(command);
    command.showHelpAfterError(`Usage: ${name} ${command.usage()}\nRun '${name} --help' for its options.`);
  }

  // Every command removes containers left behind by an EnvBench process that died: first, for a
  // command that uses the engine; beside the command (awaited before it ends) for one that only
  // reads or writes the history, so `history` does not wait for the engine's answer (about 12 ms),
  // and for `serve`, which waits for the user (the reap never touches a live process's containers).
  let reaping: Promise<void> | null = null;
  cli.hook('preAction', async (_cli, action) => {
    const reap = cliCore()
      .reapOrphans()
      .then((reaped) => {
        if (reaped.removed.length > 0) process.stderr.write(`envbench: removed ${reaped.removed.length} containers left by an EnvBench process that died: ${reaped.removed.join('; ')}\n`);
        for (const left of reaped.left) process.stderr.write(`envbench: left ${left}\n`);
      });
    if (!REAP_BESIDE_COMMANDS.has(commandPath(action))) return reap;
    reaping = reap.catch((error: unknown) => {
      process.stderr.write(`envbench: could not look for containers left by an EnvBench process that died: ${describeError(error)}\n`);
    });
  });
  cli.hook('postAction', async () => {
    await reaping;
  });
  return cli;
}

/** Commands that touch only the history (and stdout), and `serve`: the orphan reap runs beside them, a failure only a warning. */
const REAP_BESIDE_COMMANDS = new Set(['envbench history', 'envbench show', 'envbench compare', 'envbench delete', 'envbench export', 'envbench import hyperfine', 'envbench hosts list', 'envbench completion', 'envbench serve']);

function withSubcommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(withSubcommands)];
}

/** `envbench import hyperfine`: the words that name a command. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export async function main(argv: string[]): Promise<void> {
  // A reader that stops early (`envbench export --help | head -2`) closes the pipe: there is
  // nothing more to say, so end quietly instead of with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? 0);
    });
  }
  try {
    const helpAsked = argv.slice(2).some((word) => word === '--help' || word === '-h' || word === 'help');
    await program(helpAsked ? (await import('../core/export/exporters')).EXPORTERS : null).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    process.stderr.write(`envbench: ${escapeControlCharactersInText(describeError(error))}\n`);
    process.exitCode = isUserError(error) ? EXIT_BAD_INPUT : 1;
  }
}

void main(process.argv);
