import { escapeControlCharacters } from '../../shared/format/control-characters';

/**
 * Left-aligned columns; columns named in `right` are right-aligned (numbers). Control characters
 * in cells (a folder or module name with ESC sequences) are printed as visible escapes.
 */
export function textTable(header: string[], cells: string[][], right: ReadonlySet<number> = new Set()): string {
  const rows = cells.map((row) => row.map(escapeControlCharacters));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
