import type { Terminal } from '@xterm/xterm';
import { floodCut, FloodGuard, isPlainText } from '../../shared/terminal-flood';

/**
 * During a flood, xterm.js gets a batch at most this often (30 a second), each cut to what the
 * buffer keeps: a batch costs xterm.js about 10 000 line feeds however much arrived before it.
 */
const FLOOD_FRAME_MS = 33;

/**
 * xterm.js parses what one write() gives it without yielding: a flood's batch of 10 000 lines
 * took 50 to 210 ms there on 2 vCPUs (the most while its scrollback fills), one long task
 * during which the page neither drew nor took input. Written in slices of this many characters,
 * its write buffer parses them about 12 ms at a time and lets the page draw between them.
 */
export const WRITE_SLICE_CHARS = 1024;

/**
 * Feeds xterm.js one batch at a time: what arrives while it parses waits and goes in the next
 * batch, where a flood of plain text is cut to what the buffer keeps (terminal-flood.ts). While
 * xterm.js parses plain text (which cannot set margins or switch buffers), a flood waiting behind
 * it is cut as it arrives. Cut output is acknowledged at once, the rest once drawn: the pty then
 * pauses only for what xterm.js really has to parse.
 */
export class TerminalWriter {
  private queue: string[] = [];
  private queuedChars = 0;
  private writing = false;
  /** The batch xterm.js is parsing is plain text: the state after it is the state the guard saw before it. */
  private plainInFlight = false;
  /** Cleared when what waits cannot be cut (not plain, or LF without CR), until the next batch. */
  private queueCuttable = true;
  /** The next batch of a flood, waiting for its frame. */
  private frameTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private readonly guard = new FloodGuard();
  /** DECSTBM set scroll margins: lines then scroll inside them, and a cut would not be exact. */
  private margins = false;

  constructor(
    private readonly term: Terminal,
    private readonly ack: (chars: number) => void,
  ) {
    const flat = (params: (number | number[])[]): number[] => params.map((p) => (Array.isArray(p) ? (p[0] ?? 0) : p));
    term.parser.registerCsiHandler({ final: 'r' }, (params) => {
      const [top = 0, bottom = 0] = flat(params);
      this.margins = top > 1 || (bottom > 0 && bottom < term.rows);
      return false; // xterm.js still sets them
    });
    // A full reset (RIS) and a soft reset (DECSTR) clear the margins.
    term.parser.registerEscHandler({ final: 'c' }, () => ((this.margins = false), false));
    term.parser.registerCsiHandler({ intermediates: '!', final: 'p' }, () => ((this.margins = false), false));
  }

  push(data: string): void {
    this.queue.push(data);
    this.queuedChars += data.length;
    if (!this.writing) this.flush();
    else if (this.plainInFlight && this.queueCuttable) this.cutQueue();
  }

  /** The lines a cut keeps: the whole buffer and one more (terminal-flood.ts). */
  private get keepLines(): number {
    return (this.term.options.scrollback ?? 0) + this.term.rows + 1;
  }

  private get cuttable(): boolean {
    return this.guard.ground && !this.margins && this.term.buffer.active.type === 'normal';
  }

  /** Cuts the flood waiting behind a plain batch, once it holds more than the buffer keeps. */
  private cutQueue(): void {
    if (this.queuedChars < 4 * this.keepLines || !this.cuttable) return;
    const text = this.queue.length === 1 ? this.queue[0]! : this.queue.join('');
    const cut = floodCut(text, this.keepLines);
    if (cut === 0) {
      this.queue = [text];
      this.queueCuttable = false;
      return;
    }
    const kept = text.slice(cut);
    this.queue = [kept];
    this.queuedChars = kept.length;
    this.ack(cut);
  }

  /** Before the terminal is disposed: nothing more is written. */
  dispose(): void {
    this.disposed = true;
    if (this.frameTimer) clearTimeout(this.frameTimer);
  }

  private flush(): void {
    this.frameTimer = null;
    if (this.disposed) return;
    if (this.queue.length === 0) {
      this.writing = false;
      return;
    }
    let text = this.queue.length === 1 ? this.queue[0]! : this.queue.join('');
    this.queue = [];
    this.queuedChars = 0;
    this.queueCuttable = true;
    let flood = false;
    if (this.cuttable) {
      const cut = floodCut(text, this.keepLines);
      if (cut > 0) {
        text = text.slice(cut);
        this.ack(cut);
        flood = true;
      }
    }
    this.writing = true;
    this.plainInFlight = isPlainText(text);
    this.guard.written(text);
    const chars = text.length;
    const started = performance.now();
    this.writeInSlices(text, () => {
      this.ack(chars);
      // A flood rewrites the whole buffer with every batch, and the screen shows one state a
      // frame: the next batch waits for the next frame, and what arrives meanwhile is cut.
      const wait = flood ? FLOOD_FRAME_MS - (performance.now() - started) : 0;
      if (wait > 0) this.frameTimer = setTimeout(() => this.flush(), wait);
      else this.flush();
    });
  }

  /** One batch as writes of at most WRITE_SLICE_CHARS, never between the halves of a surrogate pair; `parsed` after the last. */
  private writeInSlices(text: string, parsed: () => void): void {
    let at = 0;
    while (text.length - at > WRITE_SLICE_CHARS) {
      let end = at + WRITE_SLICE_CHARS;
      const last = text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate: its pair goes in the next slice
      this.term.write(text.slice(at, end));
      at = end;
    }
    this.term.write(at === 0 ? text : text.slice(at), parsed);
  }
}
