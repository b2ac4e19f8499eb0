import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TerminalInfo } from '../../../shared/ipc/contract';
import type { RuntimeHealth, RuntimeId, WorkspaceInfo } from '../../../shared/run';
import { api, errorMessage, useApiEvent } from '../api';
import { TERMINAL_SCROLLBACK } from '../../../shared/terminal-flood';
import { TerminalWriter } from '../terminal-writer';

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
