import { Help } from 'commander';
import { escapeControlCharacters } from '../../shared/format/control-characters';

export interface TextTableOptions {
  /** Columns aligned right (numbers). */
  right?: ReadonlySet<number>;
  /**
   * The width the table must fit (a terminal's columns): the last column (a reason, a sentence)
   * wraps at spaces, its later lines under its first. Without one, rows are as long as they are.
   */
  width?: number;
}

/** The narrowest the last column wraps to, however wide the columns before it. */
const MIN_WRAPPED = 30;
/** The longest rule under the last column: a 400-character reason needs no 400-dash rule. */
const MAX_LAST_RULE = 60;

/**
 * Left-aligned columns; columns named in `right` are right-aligned (numbers). Control characters
 * in cells (a folder or module name with ESC sequences) are printed as visible escapes.
 */
export function textTable(header: string[], cells: string[][], right: ReadonlySet<number> | TextTableOptions = new Set()): string {
  const options: TextTableOptions = right instanceof Set ? { right } : (right as TextTableOptions);
  const aligned = options.right ?? new Set<number>();
  const rows = cells.map((row) => row.map(escapeControlCharacters));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const last = header.length - 1;
  const lastStart = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
  const wrapAt = options.width === undefined ? Infinity : Math.max(MIN_WRAPPED, options.width - lastStart);
  if (widths[last]! > wrapAt) widths[last] = Math.max(header[last]!.length, ...rows.map((r) => longestLine(wrap(r[last] ?? '', wrapAt))));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (aligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const row = (cells: string[]): string => {
    const [first = '', ...more] = wrap(cells[last] ?? '', wrapAt).split('\n');
    return [line([...cells.slice(0, last), first]), ...more.map((text) => ' '.repeat(lastStart) + text)].join('\n');
  };
  const rule = widths.map((w, i) => '-'.repeat(i === last ? Math.min(w, Math.max(MAX_LAST_RULE, header[last]!.length)) : w));
  return [line(header), line(rule), ...rows.map(row)].join('\n');
}

function wrap(text: string, width: number): string {
  return width === Infinity || text.length <= width ? text : new Help().boxWrap(text, width);
}

function longestLine(text: string): number {
  return Math.max(...text.split('\n').map((l) => l.length));
}

/** The width to fit on a terminal; none when piped (a file or `grep` gets whole lines). */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number | undefined {
  return stream.isTTY && stream.columns > 0 ? stream.columns : undefined;
}
