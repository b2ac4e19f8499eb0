import type { RuntimeHealth, RuntimeId } from '../../shared/run';
import { probe, parseVersion } from '../machine/tool-version';
import type { PrepareContext, Runtime, RuntimeSession } from './runtime';

/**
 * A runtime EnvBench lists but cannot drive yet. It still reports the tool it found, so
 * `envbench doctor` tells the truth about the machine; each is replaced by its own file
 * (docker.ts, dind.ts, nix.ts, devbox.ts) when implemented.
 */
export class PlannedRuntime implements Runtime {
  constructor(
    readonly id: RuntimeId,
    readonly displayName: string,
    private readonly versionCommand: readonly string[],
  ) {}

  async detect(): Promise<RuntimeHealth> {
    const [program, ...args] = this.versionCommand;
    const found = await probe(program!, args);
    const version = found.ok ? parseVersion(found.stdout + found.stderr) : null;
    const seen = version ? `${program} ${version} is installed, but ` : '';
    return {
      id: this.id,
      available: false,
      version,
      reason: `${seen}this version of EnvBench cannot measure the ${this.displayName} runtime yet`,
    };
  }

  async prepare(_context: PrepareContext): Promise<RuntimeSession> {
    throw new Error(`The ${this.displayName} runtime is not implemented in this version of EnvBench.`);
  }
}
