/**
 * Counts a run's steps (one warmup or measured sample of one runtime, or one check) and estimates
 * the time left: the steps of the current scenario at its own pace so far, later scenarios at
 * their planned pace (run-plan.ts) scaled by how the run has kept to its plan so far, or without
 * a plan at the run's overall pace. Null until one step has been timed.
 */
export class StepCounter {
  private completed = 0;
  private readonly byScenario = new Map<string, number[]>();
  private readonly all: number[] = [];
  private readonly total: number;
  private readonly scenarioIds: string[] = [];
  /** Actual and planned time of the timed steps that had a planned pace. */
  private actualMs = 0;
  private plannedMs = 0;

  /**
   * `stepsPerScenario[i]`: the steps of the i-th scenario for one runtime; `runtimes`: how many are
   * measured; `plannedStepMs[i]`: the plan's mean time of one of its steps (absent: no plan).
   */
  constructor(
    private readonly stepsPerScenario: readonly number[],
    private readonly runtimes: number,
    private readonly plannedStepMs: readonly number[] = [],
    scenarioIds: readonly string[] = [],
  ) {
    this.total = this.stepsFrom(0);
    this.scenarioIds = [...scenarioIds];
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
    const planned = this.plannedStepMs[this.scenarioIds.indexOf(scenarioId)];
    if (planned !== undefined && planned > 0) {
      this.actualMs += ms;
      this.plannedMs += planned;
    }
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
    const currentPace = current.length > 0 ? mean(current) : mean(this.all);
    if (this.plannedMs === 0) return currentSteps * currentPace + laterSteps * mean(this.all);
    // How the run keeps to its plan, within 4x either way (a first guess can be far off).
    const ratio = Math.min(4, Math.max(0.25, this.actualMs / this.plannedMs));
    let later = 0;
    for (let i = scenarioIndex + 1; i < this.stepsPerScenario.length; i++) later += this.stepsPerScenario[i]! * this.runtimes * (this.plannedStepMs[i] ?? 0) * ratio;
    return currentSteps * currentPace + later;
  }

  private stepsFrom(index: number): number {
    return this.stepsPerScenario.slice(index).reduce((sum, s) => sum + s, 0) * this.runtimes;
  }
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
