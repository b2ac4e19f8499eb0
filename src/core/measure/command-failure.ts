import { commandLine } from '../runtimes/runtime';
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
    return `\`${shown}\` exited with ${outcome.exitCode}: ${lastLines(outcome.stderr + '\n' + outcome.stdout, 6) || 'no output'}`;
  }
  return null;
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
