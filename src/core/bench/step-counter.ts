/**
 * Counts a run's steps (one warmup or measured sample of one runtime, or one check) and estimates
 * the time left: the steps of the current scenario at its own pace so far, later scenarios at the
 * run's overall pace. Null until one step has been timed.
 */
export class StepCounter {
  private completed = 0;
  private readonly byScenario = new Map<string, number[]>();
  private readonly all: number[] = [];
  private readonly total: number;

  /** `stepsPerScenario[i]`: the steps of the i-th scenario for one runtime; `runtimes`: how many are measured. */
  constructor(
    private readonly stepsPerScenario: readonly number[],
    private readonly runtimes: number,
  ) {
    this.total = this.stepsFrom(0);
  }

  get completedSteps(): number {
    return this.completed;
  }

  get totalSteps(): number {
    return this.total;
  }

  /** One step done; its duration counts towards the pace only when it succeeded (`ms` not null). */
  step(scenarioId: string, ms: number | null): void {
    this.completed++;
    if (ms === null) return;
    this.byScenario.set(scenarioId, [...(this.byScenario.get(scenarioId) ?? []), ms]);
    this.all.push(ms);
  }

  /** Steps a scenario will not take (adaptive sampling stopped it): they no longer count towards the ETA. */
  skip(steps: number): void {
    this.completed += steps;
  }

  etaMs(scenarioIndex: number, scenarioId: string): number | null {
    if (this.all.length === 0) return null;
    const current = this.byScenario.get(scenarioId) ?? [];
    const laterSteps = this.stepsFrom(scenarioIndex + 1);
    const currentSteps = Math.max(0, this.total - this.completed - laterSteps);
    return currentSteps * (current.length > 0 ? mean(current) : mean(this.all)) + laterSteps * mean(this.all);
  }

  private stepsFrom(index: number): number {
    return this.stepsPerScenario.slice(index).reduce((sum, s) => sum + s, 0) * this.runtimes;
  }
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
