// Results that do not apply (a library has no main package to debug or build), grouped once for
// every rendering: the CLI summary, Markdown, the app and the printed report list them the same way.

import type { ResultJson, RuntimeId } from '../run';

export interface NotApplicableEntry {
  scenario: string;
  /** Why, as recorded ("example.com/lib has no main package ... ; name one with --main ./cmd/x"). */
  reason: string;
  /** The runtimes it did not apply in; null when every runtime of the run (the usual case: it is decided per workspace). */
  runtimes: RuntimeId[] | null;
}

/** The run's not-applicable results, one entry per scenario and reason, in the order of the results. */
export function notApplicableEntries(results: readonly ResultJson[]): NotApplicableEntry[] {
  const runtimes = new Set(results.map((r) => r.runtime));
  const groups = new Map<string, NotApplicableEntry>();
  for (const result of results) {
    if (result.status !== 'not-applicable') continue;
    const reason = result.reason ?? 'no reason recorded';
    const key = JSON.stringify([result.scenario, reason]);
    const entry = groups.get(key) ?? { scenario: result.scenario, reason, runtimes: [] };
    entry.runtimes!.push(result.runtime);
    groups.set(key, entry);
  }
  return [...groups.values()].map((e) => (e.runtimes!.length === runtimes.size ? { ...e, runtimes: null } : e));
}

/** Results with figures or a failure to show: everything but the not-applicable ones. */
export function applicableResults<T extends Pick<ResultJson, 'status'>>(results: readonly T[]): T[] {
  return results.filter((r) => r.status !== 'not-applicable');
}

/** "debug-breakpoint: <reason>", or "debug-breakpoint (docker, nix): <reason>" when it did not apply everywhere. */
export function notApplicableLine(entry: NotApplicableEntry): string {
  return `${entry.scenario}${entry.runtimes ? ` (${entry.runtimes.join(', ')})` : ''}: ${entry.reason}`;
}
