import fs from 'node:fs';
import path from 'node:path';
import type { FactValue } from '../../shared/run';

/** The most of a definition's text a run records; a real definition is a few KiB. */
export const RECORDED_DEFINITION_LIMIT_BYTES = 256 * 1024;

/**
 * The definition a runtime really used, recorded with the run as three facts so the report prints
 * what was measured, not what EnvBench would generate today: `definition.file` (where it was),
 * `definition.source` (which kind: the workspace's own, a generated offline flake, ...) and
 * `definition.text` (its content as used, cut at RECORDED_DEFINITION_LIMIT_BYTES with a note).
 * The dotted names keep them out of the maintenance tables and the scores.
 */
export function definitionFacts(file: string, source: string, text: string): Record<string, FactValue> {
  const outside = linkOutside(file);
  return { 'definition.file': file, 'definition.source': source, 'definition.text': outside ? `not shown: ${file} is a link to ${outside}, outside its folder` : capDefinitionText(text) };
}

/**
 * Where a definition file really is when a link takes it out of its own folder (a workspace's
 * flake.nix linked to ~/.ssh/...), else null: as the previews, the report never prints such a file.
 */
function linkOutside(file: string): string | null {
  try {
    const real = fs.realpathSync(file);
    const folder = fs.realpathSync(path.dirname(file));
    return real === folder || real.startsWith(folder + path.sep) ? null : real;
  } catch {
    return null;
  }
}

/** The text whole when it fits, else its first RECORDED_DEFINITION_LIMIT_BYTES (whole characters) and a line saying so. */
export function capDefinitionText(text: string, limit = RECORDED_DEFINITION_LIMIT_BYTES): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  // Decoding a cut in the middle of a character leaves U+FFFD at the end: drop it.
  const head = bytes.subarray(0, limit).toString('utf8').replace(/\uFFFD$/, '');
  return `${head}\n… (cut: the file has ${Math.ceil(bytes.length / 1024)} KiB; EnvBench records the first ${limit / 1024} KiB)`;
}
