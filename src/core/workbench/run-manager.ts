import type { ActiveRun, RunRequest } from '../../shared/ipc/contract';
import type { RuntimeId } from '../../shared/run';
import type { Core, RunInput } from '../create-core';
import { describeError, UserError } from '../user-error';
import type { EventHub } from './event-hub';

interface Measuring extends ActiveRun {
  controller: AbortController;
  finished: Promise<void>;
}

/**
 * Runs started from the app: one at a time (measurements share the machine's cores), in the
 * background, with progress, the live log and state changes as events, and a cancel that stops
 * processes and containers (the scheduler's abort signal). Each run lands in the same history the
 * CLI reads, because it goes through the same core.
 */
export class RunManager {
  private readonly active = new Map<string, Measuring>();
  /** Between run:start and the run existing in the history: a second start must wait for it too. */
  private starting = false;

  constructor(
    private readonly core: Core,
    private readonly hub: EventHub,
  ) {}

  /** Resolves once the run exists in the history (its id), or rejects with why it cannot start. */
  start(request: RunRequest): Promise<{ runId: string }> {
    const busy = [...this.active.values()][0];
    if (busy || this.starting) {
      return Promise.reject(new UserError(`Run ${busy ? busy.runId : 'another run'} is still measuring`, 'runs share this machine\'s cores, so EnvBench measures one at a time', 'Wait for it to finish or cancel it, then start again'));
    }
    this.starting = true;
    const controller = new AbortController();
    return new Promise((resolve, reject) => {
      let runId: string | null = null;
      const log = (runtime: RuntimeId | null, stream: 'log' | 'stdout' | 'stderr', text: string): void => {
        if (runId) this.hub.emit('bench:log', { runId, runtime, stream, text });
      };
      const finished = this.core
        .run(
          runInputOf(request),
          {
            signal: controller.signal,
            onStarted: (id) => {
              runId = id;
              this.starting = false;
              this.active.set(id, { runId: id, request, startedAt: new Date().toISOString(), progress: null, cancelling: false, controller, finished });
              this.hub.emit('bench:state', { runId: id, status: 'running' });
              resolve({ runId: id });
            },
            onProgress: (progress) => {
              const entry = runId ? this.active.get(runId) : undefined;
              if (entry) entry.progress = progress;
              this.hub.emit('bench:progress', progress);
            },
            onOutput: (runtime, stream, text) => log(runtime, stream, text),
            onLog: (line) => log(null, 'log', `${line}\n`),
          },
        )
        .then(
          (run) => {
            this.hub.emit('bench:state', { runId: run.id, status: run.status === 'completed' ? 'completed' : run.status === 'cancelled' ? 'cancelled' : 'failed' });
          },
          (error: unknown) => {
            if (runId) this.hub.emit('bench:state', { runId, status: 'failed', error: describeError(error) });
            else {
              this.starting = false;
              reject(error);
            }
          },
        )
        .finally(() => {
          if (runId) this.active.delete(runId);
        });
    });
  }

  /** Stops a run: its processes and containers go, its results are marked cancelled. */
  cancel(runId: string): { cancelled: boolean } {
    const entry = this.active.get(runId);
    if (!entry) return { cancelled: false };
    entry.cancelling = true;
    entry.controller.abort();
    return { cancelled: true };
  }

  list(): ActiveRun[] {
    return [...this.active.values()].map(({ runId, request, startedAt, progress, cancelling }) => ({ runId, request, startedAt, progress, cancelling }));
  }

  /** Cancels every run and waits until each has cleaned up. */
  async dispose(): Promise<void> {
    const running = [...this.active.values()];
    for (const entry of running) entry.controller.abort();
    await Promise.allSettled(running.map((entry) => entry.finished));
  }
}

/** The core's run input for the app's run request (the same choices as `envbench run`). */
export function runInputOf(request: RunRequest): RunInput {
  return {
    workspace: request.workspace,
    runtimes: request.runtimes,
    scenarios: request.scenarios,
    runs: request.runs,
    ...(request.budgetSeconds !== undefined ? { budgetSeconds: request.budgetSeconds } : {}),
    warmup: request.warmup,
    offline: request.offline,
    firstRun: request.firstRun,
    main: request.main,
    testArgs: request.testArgs,
  };
}
