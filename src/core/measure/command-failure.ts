import { commandLine } from '../environments/runtime';
import type { MeasuredOutcome } from './measured-process';

/** The last `count` non-empty lines of a command's output, joined with ' | '. */
export function lastLines(text: string, count: number): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(-count)
    .join(' | ');
}

/** Why a measured command does not count, or null when it does. */
export function sampleFailure(command: readonly string[], outcome: MeasuredOutcome, timeoutMs: number): string | null {
  const shown = commandLine(command);
  if (outcome.cancelled) return 'cancelled';
  if (outcome.timedOut) return `\`${shown}\` timed out after ${Math.round(timeoutMs / 1000)} s and was killed with its process tree`;
  if (outcome.report?.execError) {
    const missing = /no such file/i.test(outcome.report.execError) ? ` (\`${command[0]}\` is not installed in this environment)` : '';
    return `\`${shown}\` could not start: ${outcome.report.execError}${missing}`;
  }
  if (!outcome.report) return `\`${shown}\` ended without a measurement (exit ${outcome.exitCode}): ${lastLines(outcome.stderr, 5) || 'no output'}`;
  if (outcome.exitCode !== 0) {
    // A failed `go test` is told by its failing tests: the last lines would be a stack trace's.
    const tests = command[0] === 'go' && command[1] === 'test' ? failingTests(`${outcome.stdout}\n${outcome.stderr}`) : null;
    return `\`${shown}\` exited with ${outcome.exitCode}: ${tests ?? (lastLines(outcome.stderr + '\n' + outcome.stdout, 6) || 'no output')}`;
  }
  return null;
}

const MAX_FAILED_TESTS = 10;
const MAX_COMPILER_ERRORS = 3;

/**
 * What a failed `go test` says failed, joined with ' | ': each `--- FAIL: TestX (0.00s)` line
 * (subtests too) with the first line it printed (the t.Error message, the panic, the race), each
 * package's `FAIL <package>` line, and for a package that did not build, the compiler's first
 * errors. At most MAX_FAILED_TESTS tests, then how many more. Null when the output has none of
 * these (the command failed some other way).
 */
export function failingTests(output: string): string | null {
  const lines = output.split('\n').map((l) => l.replace(/\s+$/, ''));
  const tests: string[] = [];
  const packages: string[] = [];
  const compiler: string[] = [];
  for (const [i, line] of lines.entries()) {
    const failed = /^(\s*)--- FAIL: (\S+ \([^)]*\))/.exec(line);
    if (failed) {
      const indent = failed[1]!.length;
      // The test's own first line: indented under it (t.Error, the race detector) or a panic right after it.
      const next = lines.slice(i + 1).find((l) => l.trim() !== '');
      const said = next && !/^\s*--- (FAIL|PASS|SKIP):/.test(next) && (/^panic: /.test(next) || next.length - next.trimStart().length > indent) ? next.trim() : null;
      tests.push(`--- FAIL: ${failed[2]}${said ? `: ${said}` : ''}`);
      continue;
    }
    const pkg = /^FAIL\t(\S+)\s*(.*)$/.exec(line);
    if (pkg) packages.push(`FAIL ${pkg[1]}${pkg[2] ? ` ${pkg[2]}` : ''}`);
    else if (/^\S+\.go:\d+(:\d+)?: /.test(line) && compiler.length < MAX_COMPILER_ERRORS) compiler.push(line.trim());
  }
  if (tests.length === 0 && packages.length === 0) return null;
  const shown = tests.slice(0, MAX_FAILED_TESTS);
  if (tests.length > MAX_FAILED_TESTS) shown.push(`… and ${tests.length - MAX_FAILED_TESTS} more failing tests`);
  const builds = packages.some((p) => p.endsWith('[build failed]')) ? compiler : [];
  return [...shown, ...packages, ...builds].join(' | ');
}

/**
 * The line of a failed command's output that says what went wrong: the first that is not progress
 * (`go: downloading ...`) or a warning. For a module fetch it names the host that could not be reached.
 */
export function firstErrorLine(output: string): string | null {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const telling = lines.find((l) => !/^(go: (downloading|finding|extracting) |warning:|#\s)/i.test(l));
  return telling ?? lines[0] ?? null;
}
