import type { FactValue, RunLoadJson } from '../../shared/run';

/**
 * The machine's load average when a run starts and ends. A load above the core count means other
 * work competed for the CPU while EnvBench measured (EnvBench's own commands count too): its
 * figures are slower and noisier than on an idle machine (the A/A false-positive rate about triples).
 */
export type LoadAverage = [number, number, number];

const KEYS = ['1', '5', '15'] as const;

/** Run-level facts for one end of the run: loadStart1, loadStart5, loadStart15 (or loadEnd...). */
export function loadFacts(at: 'start' | 'end', load: readonly number[]): Record<string, FactValue> {
  const prefix = at === 'start' ? 'loadStart' : 'loadEnd';
  return Object.fromEntries(KEYS.map((k, i) => [`${prefix}${k}`, Math.round((load[i] ?? 0) * 100) / 100]));
}

function fromFacts(facts: Record<string, FactValue>, prefix: string): LoadAverage | null {
  const values = KEYS.map((k) => facts[`${prefix}${k}`]);
  return values.every((v) => typeof v === 'number') ? (values as LoadAverage) : null;
}

/** The warning a reader needs, or null: the 1-minute load at start or end above the core count. */
export function loadWarning(cpuCount: number, start: LoadAverage | null, end: LoadAverage | null): string | null {
  const points: [string, LoadAverage | null][] = [
    ['start', start],
    ['end', end],
  ];
  const over = points.filter((entry): entry is [string, LoadAverage] => entry[1] !== null && entry[1][0] > cpuCount);
  if (over.length === 0) return null;
  const where = over.map(([at, load]) => `${load[0].toFixed(2)} at the ${at}`).join(' and ');
  const cause = over.some(([at]) => at === 'start')
    ? 'other work shared the CPU, so figures are slower and noisier than on an idle machine'
    : "the load at the end includes EnvBench's own commands; if other work ran too, figures are slower and noisier than on an idle machine";
  return `measured under load: the 1-minute load average was ${where}, above this machine's ${cpuCount} cores; ${cause}`;
}

/** The run JSON's `load`, or undefined for a run that did not record it (older runs, imports). */
export function runLoad(facts: Record<string, FactValue> | undefined, cpuCount: number): RunLoadJson | undefined {
  if (!facts) return undefined;
  const start = fromFacts(facts, 'loadStart');
  const end = fromFacts(facts, 'loadEnd');
  if (!start && !end) return undefined;
  return { cpuCount, start, end, warning: loadWarning(cpuCount, start, end) };
}
