import type { Core } from '../../core/create-core';
import { UserError } from '../../core/user-error';
import { escapeControlCharactersInText } from '../../shared/format/control-characters';

export interface ImportHyperfineOptions {
  runtime: string;
  scenario: string;
  commandIndex?: string;
  workspace?: string;
}

/** `envbench import hyperfine FILE`: prints the new run's id on stdout (for scripts), what it did on stderr. */
export async function importHyperfineCommand(core: Core, file: string, options: ImportHyperfineOptions): Promise<number> {
  let commandIndex: number | undefined;
  if (options.commandIndex !== undefined) {
    if (!/^\d+$/.test(options.commandIndex.trim())) {
      throw new UserError(`Invalid --command-index "${options.commandIndex}"`, 'it must be a whole number: the benchmark\'s position in the file, from 1', 'Pass for example --command-index 1');
    }
    commandIndex = Number(options.commandIndex);
  }
  const { run, notes } = await core.importHyperfine({ file, runtime: options.runtime, scenario: options.scenario, commandIndex, workspace: options.workspace });
  const result = run.results[0]!;
  process.stdout.write(`${run.id}\n`);
  process.stderr.write(
    `envbench: imported ${result.samples.length} runs of ${JSON.stringify(String(run.maintenance[0]?.facts['import.command'] ?? ''))} as ${result.runtime} ${result.scenario} (only wall times) into ${core.dbFile}: run ${run.id} (${run.status}); see it with \`envbench show ${run.id}\`\n`,
  );
  for (const note of notes) process.stderr.write(`envbench: note: ${escapeControlCharactersInText(note)}\n`);
  if (result.reason) process.stderr.write(`envbench: ${escapeControlCharactersInText(result.reason)}\n`);
  return 0;
}
