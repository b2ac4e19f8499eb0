import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TerminalInfo } from '../../../shared/ipc/contract';
import type { RuntimeHealth, RuntimeId, WorkspaceInfo } from '../../../shared/run';
import { api, errorMessage, useApiEvent } from '../api';
import { floodCut, FloodGuard, isPlainText, TERMINAL_SCROLLBACK } from '../../../shared/terminal-flood';

/**
 * Output that arrives before a terminal's pane is drawn (the first prompt) waits here, so nothing
 * is lost between `terminal:open` answering and the pane subscribing.
 */
const pending = new Map<string, string[]>();
const sinks = new Map<string, (data: string) => void>();
api.on('terminal:data', ({ id, data }) => {
  const sink = sinks.get(id);
  if (sink) sink(data);
  else pending.set(id, [...(pending.get(id) ?? []), data]);
});

/**
 * Keystrokes in order: one write in flight per terminal, what is typed meanwhile goes in the next
 * one. (Concurrent requests may arrive out of order over HTTP; a pasted line must not be shuffled.)
 */
const outgoing = new Map<string, { pending: string; sending: boolean }>();
function sendInput(id: string, data: string): void {
  const queue = outgoing.get(id) ?? { pending: '', sending: false };
  queue.pending += data;
  outgoing.set(id, queue);
  if (!queue.sending) void flushInput(id, queue);
}
async function flushInput(id: string, queue: { pending: string; sending: boolean }): Promise<void> {
  queue.sending = true;
  while (queue.pending) {
    const chunk = queue.pending;
    queue.pending = '';
    try {
      await api.invoke('terminal:write', { id, data: chunk });
    } catch {
      queue.pending = ''; // the terminal has ended: its exit is shown on the tab
    }
  }
  queue.sending = false;
}

/**
 * Flow control: the core pauses a terminal's pty while too much of its output is unacknowledged
 * (terminal-manager.ts). Acknowledgements go one request at a time, each carrying all the
 * characters drawn since the last, so a flood costs a few requests a second, not one per chunk.
 */
function acknowledger(id: string): (chars: number) => void {
  let drawn = 0;
  let sending = false;
  const send = async (): Promise<void> => {
    sending = true;
    while (drawn > 0) {
      const chars = drawn;
      drawn = 0;
      await api.invoke('terminal:ack', { id, chars }).catch(() => {});
    }
    sending = false;
  };
  return (chars) => {
    drawn += chars;
    if (!sending) void send();
  };
}

/**
 * During a flood, xterm.js gets a batch at most this often (30 a second), each cut to what the
 * buffer keeps: a batch costs xterm.js about 10 000 line feeds however much arrived before it.
 */
const FLOOD_FRAME_MS = 33;

/**
 * Feeds xterm.js one batch at a time: what arrives while it parses waits and goes in the next
 * batch, where a flood of plain text is cut to what the buffer keeps (terminal-flood.ts). While
 * xterm.js parses plain text (which cannot set margins or switch buffers), a flood waiting behind
 * it is cut as it arrives. Cut output is acknowledged at once, the rest once drawn: the pty then
 * pauses only for what xterm.js really has to parse.
 */
class TerminalWriter {
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
    this.term.write(text, () => {
      this.ack(chars);
      // A flood rewrites the whole buffer with every batch, and the screen shows one state a
      // frame: the next batch waits for the next frame, and what arrives meanwhile is cut.
      const wait = flood ? FLOOD_FRAME_MS - (performance.now() - started) : 0;
      if (wait > 0) this.frameTimer = setTimeout(() => this.flush(), wait);
      else this.flush();
    });
  }
}

/**
 * Real terminals inside each environment. Sessions live as long as this view is mounted (the app
 * keeps it mounted while other views show). Broadcast types the same input into every terminal
 * that has it switched on, shown side by side.
 */
export function TerminalsView({ workspace, runtimes, visible }: { workspace: WorkspaceInfo | null; runtimes: RuntimeHealth[] | null; visible: boolean }): React.JSX.Element {
  const [terminals, setTerminals] = useState<(TerminalInfo & { exited?: number })[]>([]);
  const [active, setActive] = useState<string | null>(null);
  const [broadcast, setBroadcast] = useState<string[]>([]);
  const [runtime, setRuntime] = useState<RuntimeId>('native');
  /** '' is this machine; else a remote host's name (`envbench hosts add`). */
  const [host, setHost] = useState('');
  const [hosts, setHosts] = useState<string[]>([]);
  const [offline, setOffline] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  const { t } = useTranslation();

  useEffect(() => {
    api.invoke('hosts:list').then((entries) => setHosts(entries.map((e) => e.name)), () => setHosts([]));
  }, []);
  useApiEvent('terminal:exit', ({ id, exitCode }) => setTerminals((list) => list.map((terminal) => (terminal.id === id ? { ...terminal, exited: exitCode } : terminal))));

  const open = async (): Promise<void> => {
    if (!workspace) return;
    setOpening(true);
    setError(null);
    try {
      const info = await api.invoke('terminal:open', { runtime, workspace: workspace.path, cols: 100, rows: 30, offline, ...(host ? { host } : {}) });
      setTerminals((list) => [...list, info]);
      setActive(info.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setOpening(false);
    }
  };
  const close = (id: string): void => {
    void api.invoke('terminal:close', { id }).catch(() => {});
    setTerminals((list) => list.filter((terminal) => terminal.id !== id));
    setBroadcast((list) => list.filter((x) => x !== id));
    sinks.delete(id);
    pending.delete(id);
    outgoing.delete(id);
    if (active === id) setActive(null);
  };
  const input = (from: string, data: string): void => {
    const targets = broadcast.includes(from) ? broadcast : [from];
    for (const id of targets) sendInput(id, data);
  };

  const broadcasting = broadcast.length > 1;
  const shown = broadcasting ? terminals.filter((terminal) => broadcast.includes(terminal.id)) : terminals.filter((terminal) => terminal.id === (active ?? terminals[0]?.id));
  return (
    <section aria-labelledby="terminals-title">
      <div className="row spread">
        <h2 id="terminals-title">{t('terminals.title')}</h2>
        <div className="row">
          {hosts.length > 0 && (
            <select value={host} onChange={(e) => setHost(e.target.value)} aria-label={t('terminals.machine')}>
              <option value="">{t('terminals.thisMachine')}</option>
              {hosts.map((name) => (
                <option key={name} value={name}>
                  {t('terminals.onHost', { name })}
                </option>
              ))}
            </select>
          )}
          <select value={runtime} onChange={(e) => setRuntime(e.target.value as RuntimeId)} aria-label={t('terminals.runtime')}>
            {(runtimes ?? []).map((r) => (
              <option key={r.id} value={r.id} disabled={!host && !r.available}>
                {r.id}
                {host || r.available ? '' : t('terminals.unavailable')}
              </option>
            ))}
          </select>
          <label title={t('terminals.offlineTitle')}>
            <input type="checkbox" checked={offline} onChange={(e) => setOffline(e.target.checked)} /> {t('terminals.offline')}
          </label>
          <button type="button" onClick={() => void open()} disabled={!workspace || opening}>
            {opening ? t('terminals.opening') : t('terminals.open')}
          </button>
        </div>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="tabs" role="tablist">
        {terminals.map((terminal) => (
          <div key={terminal.id} className={`tab ${shown.some((s) => s.id === terminal.id) ? 'active' : ''}`}>
            <button type="button" role="tab" aria-selected={terminal.id === active} onClick={() => setActive(terminal.id)} title={terminal.command}>
              {terminal.title}
              {terminal.exited !== undefined ? t('terminals.exited', { code: terminal.exited }) : ''}
            </button>
            <label title={t('terminals.broadcastTitle')}>
              <input type="checkbox" checked={broadcast.includes(terminal.id)} onChange={() => setBroadcast((list) => (list.includes(terminal.id) ? list.filter((x) => x !== terminal.id) : [...list, terminal.id]))} /> {t('terminals.broadcast')}
            </label>
            <button type="button" className="link" onClick={() => close(terminal.id)} aria-label={t('terminals.close', { title: terminal.title })}>
              ×
            </button>
          </div>
        ))}
      </div>
      {terminals.length === 0 && <p className="muted">{t('terminals.empty')}</p>}
      <div className={broadcasting ? 'terminal-grid' : ''}>
        {terminals.map((terminal) => (
          <TerminalPane key={terminal.id} info={terminal} visible={visible && shown.some((s) => s.id === terminal.id)} onInput={input} />
        ))}
      </div>
    </section>
  );
}

function TerminalPane({ info, visible, onInput }: { info: TerminalInfo; visible: boolean; onInput: (id: string, data: string) => void }): React.JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const termRef = useRef<Terminal | null>(null);
  const inputRef = useRef(onInput);
  inputRef.current = onInput;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const term = new Terminal({ scrollback: TERMINAL_SCROLLBACK, fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: 13, cursorBlink: true });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(element);
    termRef.current = term;
    fitRef.current = fit;
    const writer = new TerminalWriter(term, acknowledger(info.id));
    const write = (data: string): void => writer.push(data);
    for (const chunk of pending.get(info.id) ?? []) write(chunk);
    pending.delete(info.id);
    sinks.set(info.id, write);
    term.onData((data) => inputRef.current(info.id, data));
    // Copy and paste with Ctrl+Shift+C / Ctrl+Shift+V (Ctrl+C stays the shell's interrupt).
    term.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === 'KeyC') {
        void navigator.clipboard.writeText(term.getSelection()).catch(() => {});
        return false;
      }
      if (event.code === 'KeyV') {
        void navigator.clipboard.readText().then((text) => term.paste(text), () => {});
        return false;
      }
      return true;
    });
    return () => {
      sinks.delete(info.id);
      writer.dispose();
      term.dispose();
    };
  }, [info.id]);

  useEffect(() => {
    const element = host.current;
    if (!visible || !element) return;
    const refit = (): void => {
      const fit = fitRef.current;
      const term = termRef.current;
      if (!fit || !term || element.clientWidth === 0) return;
      fit.fit();
      void api.invoke('terminal:resize', { id: info.id, cols: term.cols, rows: term.rows }).catch(() => {});
    };
    refit();
    termRef.current?.focus();
    const observer = new ResizeObserver(refit);
    observer.observe(element);
    return () => observer.disconnect();
  }, [visible, info.id]);

  return <div className="terminal-pane" ref={host} data-terminal-id={info.id} data-runtime={info.runtime} hidden={!visible} />;
}
