import type { RunProgress, RunStep } from '../../shared/run';
import { formatMs } from '../../shared/format/units';
import { escapeControlCharacters, escapeControlCharactersInText } from '../../shared/format/control-characters';

/** How long a pipe may stay silent during a run: a plain line repeats the current step after it. */
export const HEARTBEAT_MS = 10_000;

/** The run's remaining time; below a second it is the step under way ("ETA 0 µs" while a step runs for half a minute says nothing). */
function formatEta(etaMs: number | null): string {
  if (etaMs === null) return '';
  return etaMs < 1000 ? ' · ETA: this step' : ` · ETA ${formatMs(etaMs)}`;
}

export function formatProgress(p: RunProgress): string {
  const eta = formatEta(p.etaMs);
  return `[${p.completedSteps}/${p.totalSteps}] ${p.scenario} on ${p.runtime}: ${p.phase} ${p.sample}/${p.of}${eta}`;
}

/** `1:05` for 65 s, `1:02:03` past an hour. */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/**
 * What a run is doing, told while it runs. On a terminal: one self-overwriting line on stderr
 * with the current step, the steps done, the time so far and the ETA. Piped (CI logs, `| tee`):
 * a plain line at every step, and the current step again whenever nothing was written for
 * HEARTBEAT_MS, so the output is never silent for longer (a long image build, a slow sample).
 */
/** hyperfine's --style, as far as EnvBench's output has one: auto and full (a live line on a terminal), basic (plain lines), none (silent). */
export const RUN_STYLES = ['auto', 'basic', 'full', 'none'] as const;
export type RunStyle = (typeof RUN_STYLES)[number];

export class RunStatus {
  private readonly started: number;
  private step = 'starting';
  /** The run log's latest line since the step began (an image build's step), shown after it. */
  private detail = '';
  private stepStarted: number;
  private counts = '';
  private eta = '';
  private lastWrite: number;
  private shown = false;
  private timer: NodeJS.Timeout | null = null;

  /** A live line redrawn in place (a terminal), plain lines (a pipe, or --style basic), or nothing (--style none). */
  private readonly mode: 'live' | 'lines' | 'silent';

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly now: () => number = Date.now,
    style: RunStyle = 'auto',
  ) {
    this.mode = style === 'none' ? 'silent' : style !== 'basic' && stream.isTTY ? 'live' : 'lines';
    this.started = now();
    this.stepStarted = this.started;
    this.lastWrite = this.started;
    // Every second: the terminal line's clock moves, and a heartbeat is at most a second late.
    this.timer = setInterval(() => this.heartbeat(), 1000);
    this.timer.unref();
  }

  /** Before a warmup, sample or check. */
  stepStarting(step: RunStep): void {
    this.setStep(`${step.scenario} on ${step.runtime}: ${step.phase} ${step.sample}/${step.of}`);
  }

  /** After one: the steps done and the ETA. */
  progress(p: RunProgress): void {
    this.counts = `[${p.completedSteps}/${p.totalSteps}] `;
    this.eta = formatEta(p.etaMs);
    this.render();
  }

  /** A line of the run's log: preparing a runtime is a step; any other line (an image build's output) details the current one. */
  log(line: string): void {
    if (/^preparing /.test(line)) {
      this.setStep(line);
      return;
    }
    this.detail = escapeControlCharacters(line.trim());
    this.render();
  }

  /** On a terminal, redraws the line (its clock); piped, a plain line when nothing was written for HEARTBEAT_MS. */
  heartbeat(): void {
    if (this.mode === 'silent') return;
    if (this.mode === 'live') {
      this.render();
      return;
    }
    if (this.now() - this.lastWrite < HEARTBEAT_MS - 1000) return;
    this.writeLine(`still ${this.current()} (${formatElapsed(this.now() - this.stepStarted)} on this step)`);
  }

  /** A measured command's output (--show-output), escaped, above the live line. */
  output(target: NodeJS.WriteStream, text: string): void {
    this.clear();
    this.lastWrite = this.now();
    target.write(escapeControlCharactersInText(text));
    // Redrawn below whole lines only: a line still being written would be overwritten.
    if (text.endsWith('\n')) this.render();
  }

  /** Clears the terminal line, before other output and at the end. */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clear();
  }

  private setStep(text: string): void {
    this.stepStarted = this.now();
    this.step = escapeControlCharacters(text);
    this.detail = '';
    if (this.mode === 'live') this.render();
    else if (this.mode === 'lines') this.writeLine(this.step);
  }

  private current(): string {
    return this.detail ? `${this.step} (${this.detail})` : this.step;
  }

  private render(): void {
    if (this.mode !== 'live') return;
    const text = `${this.counts}${this.current()} · ${formatElapsed(this.now() - this.started)}${this.eta}`;
    const width = Math.max(20, (this.stream.columns ?? 100) - 1);
    this.stream.write(`\r\x1b[2K${text.slice(0, width)}`);
    this.shown = true;
  }

  private writeLine(text: string): void {
    this.lastWrite = this.now();
    this.stream.write(`envbench: ${formatElapsed(this.lastWrite - this.started)} ${this.counts}${text}${this.eta}\n`);
  }
}
