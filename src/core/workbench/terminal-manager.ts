import crypto from 'node:crypto';
import type { IPty } from 'node-pty';
import type { IpcInvokeMap, TerminalInfo } from '../../shared/ipc/contract';
import type { Core } from '../create-core';
import type { ShellCommand } from '../environments/runtime';
import { describeError, UserError } from '../user-error';
import type { EventHub } from './event-hub';
import type { TerminalManager } from './terminal-types';
import { unknownRuntimes } from '../environments/registry';
import { cutPtyChunks, isPtyPlainText, ScreenModes, TERMINAL_SCROLLBACK } from '../../shared/terminal-flood';

/**
 * Flow control as VS Code does it (platform/terminal/node/terminalProcess.ts): the renderer acks
 * the characters it has drawn; a pty whose unacknowledged output passes the high watermark is
 * paused (the program blocks on a full pty buffer) until the renderer catches up below the low one.
 */
export const FLOW_CONTROL = { highWatermarkChars: 4_000_000, lowWatermarkChars: 1_000_000 } as const;
/** Output is coalesced for up to this long or this many characters into one 'terminal:data' event. */
export const OUTPUT_BATCH = { maxDelayMs: 8, maxChars: 64 * 1024 } as const;
/**
 * A flood of plain text is cut here, before it is sent, to what the page's buffer keeps
 * (shared/terminal-flood.ts): the page gets one batch a frame, and the pty is never paused for
 * lines nobody could see. What waits is cut each time it passes `compactChars`.
 */
export const FLOOD = { frameMs: 33, compactChars: 1_000_000 } as const;
/** Rows a cut keeps beyond the scrollback, at least: more than any window shows. */
const CUT_ROWS_AT_LEAST = 500;
/** After close(), how long a program has to exit on SIGHUP before it gets SIGKILL. */
const KILL_GRACE_MS = 3_000;
/** Variables that describe EnvBench's own terminal or process, not the new one. */
const NOT_INHERITED = new Set(['TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'WINDOWID', 'TERMCAP', 'COLUMNS', 'LINES', 'ELECTRON_RUN_AS_NODE', 'ELECTRON_NO_ATTACH_CONSOLE']);

type OpenRequest = IpcInvokeMap['terminal:open']['args'][0];

interface Terminal {
  readonly info: TerminalInfo;
  readonly pty: IPty;
  readonly command: ShellCommand;
  /** Characters emitted (or about to be) that the renderer has not acknowledged yet. */
  unacknowledged: number;
  paused: boolean;
  pending: string[];
  pendingChars: number;
  /**
   * How many of the pending chunks, from the first, are plain text in pty form (no escape
   * sequence, no control but tab, CR and LF; every LF after a CR): the part a cut may drop.
   */
  plainChunks: number;
  /** The last character of the output read so far (its code), to tell whether an LF starting a chunk follows a CR. */
  lastChar: number;
  /** Pending output is cut when it passes this many characters (doubled when a cut finds too few lines). */
  compactAt: number;
  /** Part of the pending batch was cut: a flood. */
  batchCut: boolean;
  /** The last batch was cut: batches go once a frame until one is not. */
  flooding: boolean;
  /** What the output sent so far leaves the page's xterm.js in. */
  readonly modes: ScreenModes;
  flushTimer: NodeJS.Timeout | null;
  killTimer: NodeJS.Timeout | null;
  closing: boolean;
}

/** What flow control is doing for one terminal (tests, diagnostics). */
export interface FlowControlState {
  paused: boolean;
  unacknowledged: number;
}

function noTerminal(id: string): Error {
  return new Error(`no terminal ${id}: it was closed or never opened`);
}

/**
 * Terminals inside each environment, on node-pty. The ptys run in the core's process (Electron's
 * main process, or `envbench serve`), never in the renderer, which only gets their output as
 * events. VS Code runs them in a separate pty-host process so that a flood of output cannot slow
 * the main process; moving this manager into an Electron utility process is possible later, since
 * it talks to the rest only through the EventHub.
 */
export class PtyTerminalManager implements TerminalManager {
  private readonly terminals = new Map<string, Terminal>();
  private readonly opening = new Map<Promise<unknown>, AbortController>();
  /** Exit of each terminal followed by its ShellCommand's disposal (a container removed). */
  private readonly endings = new Set<Promise<void>>();
  private disposed = false;

  constructor(
    private readonly core: Core,
    private readonly hub: EventHub,
  ) {}

  open(request: OpenRequest): Promise<TerminalInfo> {
    if (this.disposed) return Promise.reject(new Error('cannot open a terminal: EnvBench is shutting its terminals down'));
    const abort = new AbortController();
    const opened = this.start(request, abort.signal);
    this.opening.set(opened, abort);
    const forget = (): void => void this.opening.delete(opened);
    opened.then(forget, forget);
    return opened;
  }

  private async start({ runtime: runtimeId, workspace: folder, cols, rows, offline, host }: OpenRequest, signal: AbortSignal): Promise<TerminalInfo> {
    // On a remote host: the same environments there, reached over SSH (the host probed first).
    const runtimes = host === undefined ? await this.core.runtimes() : await this.core.hostRuntimes(host, signal);
    const runtime = runtimes.find((r) => r.id === runtimeId);
    if (!runtime) throw unknownRuntimes([runtimeId], runtimes.map((r) => r.id), 'Open the terminal in one of those');
    const what = `Cannot open a ${runtime.displayName} terminal`;
    const workspace = await this.core.inspectWorkspace(folder);
    const problem = runtime.checkWorkspace?.(workspace);
    if (problem) throw new UserError(what, problem.replace(/\.$/, ''), 'Then open the terminal again');
    const health = await runtime.detect();
    if (!health.available) throw new UserError(what, health.reason ?? `${runtime.id} is not available here`, '`envbench doctor` checks it again once fixed');
    if (!runtime.shellCommand) throw new UserError(what, `the ${runtime.id} runtime has no interactive shell`, 'Use another runtime');

    const id = crypto.randomUUID();
    const command = await runtime.shellCommand(workspace, { dataDir: this.core.dataDir, cacheDir: this.core.cacheDir, terminalId: id, offline: offline ?? false, signal });
    if (this.disposed) {
      await command.dispose?.().catch(() => {});
      throw new Error(`the ${runtime.id} terminal was closed while it opened: EnvBench is shutting its terminals down`);
    }
    let proc: IPty;
    try {
      // node-pty (a native addon) is loaded by the first terminal, not by every start of `envbench serve` or the app.
      const pty = await import('node-pty');
      proc = pty.spawn(command.file, command.args, { name: 'xterm-256color', cols, rows, cwd: command.cwd, env: this.environment(command) });
    } catch (error) {
      await command.dispose?.().catch(() => {});
      throw new UserError(what, `\`${command.display}\` could not be started in a pseudo-terminal (${describeError(error)})`, 'Check that the program exists and runs from a shell');
    }
    const terminal: Terminal = {
      info: { id, runtime: runtime.id, title: command.title, command: command.display },
      pty: proc,
      command,
      unacknowledged: 0,
      paused: false,
      pending: [],
      pendingChars: 0,
      plainChunks: 0,
      lastChar: 0,
      compactAt: FLOOD.compactChars,
      batchCut: false,
      flooding: false,
      modes: new ScreenModes(rows),
      flushTimer: null,
      killTimer: null,
      closing: false,
    };
    this.terminals.set(id, terminal);
    let ended!: () => void;
    const ending = new Promise<void>((resolve) => (ended = resolve));
    this.endings.add(ending);
    void ending.then(() => this.endings.delete(ending));
    proc.onData((data) => this.output(terminal, data));
    proc.onExit(({ exitCode, signal: exitSignal }) => {
      this.flush(terminal);
      if (terminal.flushTimer) clearTimeout(terminal.flushTimer);
      if (terminal.killTimer) clearTimeout(terminal.killTimer);
      this.terminals.delete(id);
      this.hub.emit('terminal:exit', { id, exitCode, ...(exitSignal ? { signal: exitSignal } : {}) });
      // A container left by a failed removal carries EnvBench's labels: the reaper or `envbench clean` removes it.
      void (command.dispose?.() ?? Promise.resolve()).catch(() => {}).finally(ended);
    });
    return terminal.info;
  }

  /** EnvBench's environment for the program, minus what describes EnvBench's own terminal, plus the runtime's. */
  private environment(command: ShellCommand): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !NOT_INHERITED.has(key)) env[key] = value;
    return { ...env, ...command.env, TERM: 'xterm-256color', COLORTERM: 'truecolor' };
  }

  private output(terminal: Terminal, data: string): void {
    terminal.pending.push(data);
    terminal.pendingChars += data.length;
    terminal.unacknowledged += data.length;
    // One pass over each chunk as it arrives: a cut then needs no look at what it drops.
    const plain = isPtyPlainText(data) && (data.charCodeAt(0) !== 10 || terminal.lastChar === 13);
    if (plain && terminal.plainChunks === terminal.pending.length - 1) terminal.plainChunks++;
    terminal.lastChar = data.charCodeAt(data.length - 1);
    const cuttable = this.cuttable(terminal);
    if (cuttable && terminal.pendingChars >= terminal.compactAt) this.cut(terminal);
    if (!terminal.paused && !terminal.closing && terminal.unacknowledged > FLOW_CONTROL.highWatermarkChars) {
      terminal.paused = true;
      terminal.pty.pause();
    }
    if (!cuttable && terminal.pendingChars >= OUTPUT_BATCH.maxChars) this.flush(terminal);
    else terminal.flushTimer ??= setTimeout(() => this.flush(terminal), terminal.flooding ? FLOOD.frameMs : OUTPUT_BATCH.maxDelayMs);
  }

  /** The whole pending batch is plain text after output that left the page's terminal where a cut is exact. */
  private cuttable(terminal: Terminal): boolean {
    return terminal.plainChunks === terminal.pending.length && terminal.modes.cuttable;
  }

  /**
   * Cuts the plain chunks the pending batch starts with to the lines the page's buffer keeps; what
   * follows them (a prompt after a flood) is kept whole. The cut part counts as acknowledged.
   */
  private cut(terminal: Terminal): void {
    if (terminal.plainChunks === 0 || !terminal.modes.cuttable) return;
    const plain = terminal.plainChunks === terminal.pending.length ? terminal.pending : terminal.pending.slice(0, terminal.plainChunks);
    const cut = cutPtyChunks(plain, TERMINAL_SCROLLBACK + Math.max(terminal.modes.rows, CUT_ROWS_AT_LEAST) + 1);
    if (!cut) {
      // Too few lines yet (long ones): try again with twice as much.
      terminal.compactAt = terminal.pendingChars * 2;
      return;
    }
    // What is kept holds the buffer's lines: never empty.
    terminal.pending = [cut.kept, ...terminal.pending.slice(terminal.plainChunks)];
    terminal.plainChunks = 1;
    terminal.pendingChars -= cut.cut;
    terminal.batchCut = true;
    this.acknowledged(terminal, cut.cut);
  }

  private flush(terminal: Terminal): void {
    if (terminal.flushTimer) clearTimeout(terminal.flushTimer);
    terminal.flushTimer = null;
    if (terminal.pending.length === 0) {
      terminal.flooding = false;
      return;
    }
    this.cut(terminal);
    const data = terminal.pending.length === 1 ? terminal.pending[0]! : terminal.pending.join('');
    terminal.flooding = terminal.batchCut;
    terminal.pending = [];
    terminal.pendingChars = 0;
    terminal.plainChunks = 0;
    terminal.compactAt = FLOOD.compactChars;
    terminal.batchCut = false;
    terminal.modes.written(data);
    this.hub.emit('terminal:data', { id: terminal.info.id, data });
  }

  private get(id: string): Terminal {
    const terminal = this.terminals.get(id);
    if (!terminal) throw noTerminal(id);
    return terminal;
  }

  write(id: string, data: string): void {
    this.get(id).pty.write(data);
  }

  resize(id: string, cols: number, rows: number): void {
    const terminal = this.get(id);
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) {
      throw new Error(`cannot resize terminal ${id} to ${cols}x${rows}: columns and rows must be positive whole numbers`);
    }
    terminal.pty.resize(cols, rows);
    terminal.modes.resized(rows);
  }

  /** Acks can arrive after a terminal ended (its last output was still being drawn): those are ignored. */
  ack(id: string, chars: number): void {
    const terminal = this.terminals.get(id);
    if (terminal) this.acknowledged(terminal, chars);
  }

  private acknowledged(terminal: Terminal, chars: number): void {
    terminal.unacknowledged = Math.max(0, terminal.unacknowledged - chars);
    if (terminal.paused && terminal.unacknowledged < FLOW_CONTROL.lowWatermarkChars) {
      terminal.paused = false;
      terminal.pty.resume();
    }
  }

  close(id: string): void {
    this.kill(this.get(id));
  }

  /** SIGHUP, as when a terminal window closes; SIGKILL if the program is still there after a grace period. */
  private kill(terminal: Terminal): void {
    if (terminal.closing) return;
    terminal.closing = true;
    // A paused pty is not read, so its exit would never be noticed.
    if (terminal.paused) {
      terminal.paused = false;
      terminal.pty.resume();
    }
    terminal.pty.kill('SIGHUP');
    terminal.killTimer = setTimeout(() => terminal.pty.kill('SIGKILL'), KILL_GRACE_MS);
    terminal.killTimer.unref();
  }

  list(): TerminalInfo[] {
    return [...this.terminals.values()].map((t) => t.info);
  }

  /** Whether a terminal's pty is paused, and how much output the renderer has not acknowledged. */
  flowControl(id: string): FlowControlState {
    const terminal = this.get(id);
    return { paused: terminal.paused, unacknowledged: terminal.unacknowledged };
  }

  /** Kills every terminal, stops the ones still opening, and waits until what they created is removed. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const abort of this.opening.values()) abort.abort();
    await Promise.allSettled([...this.opening.keys()]);
    for (const terminal of this.terminals.values()) this.kill(terminal);
    await Promise.allSettled([...this.endings]);
  }
}

export function createTerminalManager(core: Core, hub: EventHub): TerminalManager {
  return new PtyTerminalManager(core, hub);
}
