import type { RunProgress } from '../../shared/run';
import { formatMs } from '../../shared/format/units';
import { escapeControlCharacters } from '../../shared/format/control-characters';

export function formatProgress(p: RunProgress): string {
  const eta = p.etaMs === null ? '' : ` · ETA ${formatMs(p.etaMs)}`;
  return `[${p.completedSteps}/${p.totalSteps}] ${p.scenario} on ${p.runtime}: ${p.phase} ${p.sample}/${p.of}${eta}`;
}

/** One self-overwriting line on a terminal; nothing at all when stderr is not a TTY. */
export class ProgressLine {
  private shown = false;
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(text: string): void {
    if (!this.stream.isTTY) return;
    const width = Math.max(20, (this.stream.columns ?? 100) - 1);
    this.stream.write(`\r\x1b[2K${escapeControlCharacters(text).slice(0, width)}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
