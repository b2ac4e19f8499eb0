/**
 * A terminal flood (`yes`, a build log, `cat` of a big file) is mostly lines that scroll out of
 * xterm.js's scrollback before anyone sees them, and parsing them costs xterm.js about 0.2 µs a
 * line: `yes` tops out near 5 MB/s in xterm.js alone. When a batch of output waiting for xterm.js
 * is plain text that would push more than the whole buffer (scrollback + rows) out, its older
 * lines are cut before xterm.js parses them: what the terminal shows, and keeps in its scrollback,
 * is the same as if it had parsed every byte.
 *
 * That holds only when nothing in the cut part changes state the kept part depends on, so a cut
 * needs all of:
 * - the parser in its ground state before the batch (FloodGuard: every escape sequence written so
 *   far is complete, so no half CSI can turn the batch's first characters into parameters);
 * - the batch is printable ASCII, tab, CR and LF only (no escape sequence, no other control, no
 *   wide character), with every LF after a CR, as a pty's output (onlcr) has it, so every kept
 *   line starts in column 0 whatever the cut one left;
 * - the normal buffer without scroll margins (checked by the caller: TerminalsView).
 * The cut keeps one line more than the buffer holds: the first kept line may continue the row
 * the cursor was on, and that row then scrolls out as it would have.
 */

/* eslint-disable no-control-regex -- this file matches terminal control characters on purpose */

/** What may follow ESC: the introducers of strings that run until a terminator (DCS, SOS, OSC, PM, APC). */
const STRING_INTRODUCERS = new Set(['P', 'X', ']', '^', '_']);
/** 8-bit C1 introducers xterm.js also honours: DCS, SOS, CSI, OSC, PM, APC. */
const C1_INTRODUCER = /[\x90\x98\x9b\x9d\x9e\x9f]/;
const LAST_INTRODUCER = /[\x1b\x90\x98\x9b\x9d\x9e\x9f](?!.*[\x1b\x90\x98\x9b\x9d\x9e\x9f])/s;
/** The longest unfinished sequence tracked; past it the guard stays closed until a complete one. */
const TAIL_LIMIT = 4096;

/** Whether `tail` (starting at an escape sequence's introducer) holds that whole sequence. */
function sequenceComplete(tail: string): boolean {
  const first = tail[0]!;
  if (C1_INTRODUCER.test(first)) {
    if (first === '\x9b') return /^\x9b[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/.test(tail);
    return /[\x07\x9c]/.test(tail.slice(1));
  }
  // ESC alone at the end, or ESC and what follows.
  const next = tail[1];
  if (next === undefined) return false;
  if (next === '[') return /^\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/.test(tail);
  if (STRING_INTRODUCERS.has(next)) return /[\x07\x9c]/.test(tail.slice(2));
  // ESC \ (ST) ends a string begun earlier, and any other ESC sequence is intermediates then a final byte.
  return /^\x1b[\x20-\x2f]*[\x30-\x7e]/.test(tail);
}

/** Follows what was given to xterm.js: whether its parser is back in the ground state. */
export class FloodGuard {
  private unfinished = '';

  /** True when every escape sequence written so far is complete. */
  get ground(): boolean {
    return this.unfinished === '';
  }

  written(text: string): void {
    const match = LAST_INTRODUCER.exec(text);
    if (!match) {
      if (this.unfinished === '') return;
      this.settle(this.unfinished + text);
      return;
    }
    this.settle(text.slice(match.index));
  }

  private settle(tail: string): void {
    if (sequenceComplete(tail)) this.unfinished = '';
    // Too long to follow (a huge OSC): treated as unfinished until a later sequence completes.
    else this.unfinished = tail.length > TAIL_LIMIT ? tail.slice(0, 2) + tail.slice(-TAIL_LIMIT) : tail;
  }
}

const PLAIN_TEXT = /^[\t\r\n\x20-\x7e]*$/;
/** Plain text in which every LF follows a CR, but for an LF first (its CR, if any, ends the text before). One pass, no backtracking: each repetition starts at a CR. */
const PTY_PLAIN_TEXT = /^\n?[\t\x20-\x7e]*(?:\r\n?[\t\x20-\x7e]*)*$/;

/** Whether xterm.js parsing `text` cannot change anything a cut depends on (no escape sequence, no control but tab, CR and LF). */
export function isPlainText(text: string): boolean {
  return PLAIN_TEXT.test(text);
}

/**
 * Plain text (isPlainText) as a pty's output processing (onlcr) leaves it: every LF after a CR. An
 * LF first in `text` is not checked: the caller knows what came before it.
 */
export function isPtyPlainText(text: string): boolean {
  return PTY_PLAIN_TEXT.test(text);
}

/**
 * How many leading characters of `text` can be left unparsed: all before the last `keepLines`
 * line feeds (the cut falls right after a CR LF), or 0 when `text` is not plain text in pty form
 * or holds too few lines for a cut.
 */
export function floodCut(text: string, keepLines: number): number {
  return isPtyPlainText(text) ? (cutPtyChunks([text], keepLines)?.cut ?? 0) : 0;
}

/**
 * The flood cut of output kept as chunks, each already known to be plain text in pty form
 * (isPtyPlainText, and an LF first in a chunk after a CR), as the core knows it chunk by chunk:
 * what is kept (the last `keepLines` line feeds and what follows them) and how many characters
 * go before it, or null when the chunks hold too few lines. The chunks are not joined: only the
 * kept part is copied.
 */
export function cutPtyChunks(chunks: readonly string[], keepLines: number): { kept: string; cut: number } | null {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  // Only worth a look when the text could hold twice what is kept (a line is at least CR LF).
  if (total < 4 * keepLines) return null;
  // Cut right after the LF that leaves exactly `keepLines` LFs in the kept part.
  let seen = 0;
  for (let c = chunks.length - 1; c >= 0; c--) {
    const chunk = chunks[c]!;
    // charCodeAt, not lastIndexOf: three times faster on short lines, where the cut spends its time.
    for (let i = chunk.length - 1; i >= 0; i--) {
      if (chunk.charCodeAt(i) === 10 && ++seen === keepLines + 1) {
        const kept = chunk.slice(i + 1) + chunks.slice(c + 1).join('');
        return { kept, cut: total - kept.length };
      }
    }
  }
  return null;
}

/** Lines of scrollback every xterm.js of the app keeps; the core's cut (terminal-manager.ts) keeps at least that many. */
export const TERMINAL_SCROLLBACK = 10_000;

/** A CSI (7-bit or C1: parameters, intermediates, final byte), or a full reset (RIS, ESC c). */
const CSI_OR_RIS = /(?:\x1b\[|\x9b)([\x30-\x3f]*)([\x20-\x2f]*)([\x40-\x7e])|\x1bc/g;
/** DEC private modes that switch to (h) or from (l) the alternate buffer. */
const ALTERNATE_BUFFER_MODES = new Set(['47', '1047', '1049']);

/**
 * What a terminal's output stream leaves xterm.js in, as far as a cut cares: the parser's ground
 * state (FloodGuard), the alternate buffer, scroll margins. The core follows every character it
 * sends, so it knows this without asking the page. It errs one way only: when it cannot tell, it
 * says "not cuttable" (a flood then goes uncut, slower, never wrong).
 */
export class ScreenModes {
  private readonly guard = new FloodGuard();
  private alternate = false;
  private margins = false;
  /** An escape sequence cut in two by a chunk boundary: read again with the next chunk. */
  private tail = '';

  constructor(private rowCount: number) {}

  get rows(): number {
    return this.rowCount;
  }

  /** Plain text that follows can be cut exactly (terminal-flood.ts's conditions). */
  get cuttable(): boolean {
    return this.guard.ground && !this.alternate && !this.margins;
  }

  resized(rows: number): void {
    this.rowCount = rows;
  }

  written(text: string): void {
    if (this.tail === '' && isPlainText(text)) {
      if (!this.guard.ground) this.guard.written(text);
      return;
    }
    this.guard.written(text);
    const scanned = this.tail + text;
    let end = 0;
    for (const match of scanned.matchAll(CSI_OR_RIS)) {
      end = match.index + match[0].length;
      if (match[3] !== undefined) this.csi(match[1]!, match[2]!, match[3]);
      else this.alternate = this.margins = false; // RIS: the normal buffer, no margins
    }
    this.tail = this.guard.ground ? '' : scanned.slice(Math.max(end, scanned.length - TAIL_LIMIT));
  }

  private csi(params: string, intermediates: string, final: string): void {
    if (params.startsWith('?') && intermediates === '' && (final === 'h' || final === 'l')) {
      for (const mode of params.slice(1).split(';')) if (ALTERNATE_BUFFER_MODES.has(mode)) this.alternate = final === 'h';
    } else if (final === 'r' && intermediates === '' && !params.startsWith('?')) {
      const [top = 0, bottom = 0] = params.split(';').map((p) => Number.parseInt(p, 10) || 0);
      this.margins = top > 1 || (bottom > 0 && bottom < this.rowCount);
    } else if (final === 'p' && intermediates === '!') {
      this.margins = false; // DECSTR, a soft reset
    }
  }
}
