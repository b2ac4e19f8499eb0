import type { ToolResult } from '../../machine/run-tool';

/** Runs nix-store with an argument vector where the session runs every Nix call. */
export type NixStoreRunner = (args: string[]) => Promise<ToolResult>;

/**
 * The store queries a Nix session's cold start and footprint need, over `nix-store` (the classic
 * CLI: `nix store delete` takes installables and would build a .drv).
 */
export class NixStoreQueries {
  constructor(private readonly nixStore: NixStoreRunner) {}

  /** Which of these paths are in the store now. */
  async presentPaths(paths: readonly string[]): Promise<string[]> {
    const present: string[] = [];
    for (const p of paths) if ((await this.nixStore(['--check-validity', p])).code === 0) present.push(p);
    return present;
  }

  /** The GC roots that keep a store path alive, as `nix-store --query --roots` prints them ("root -> path"). */
  async rootsOf(storePath: string): Promise<string[]> {
    return (await this.nixStore(['--query', '--roots', storePath])).stdout.split('\n').filter((l) => l.includes(' -> '));
  }

  /**
   * `paths` with what Nix needs deleted in the same `nix-store --delete` to delete them: every path
   * that refers to them, and the built outputs of those derivations (with keep-derivations, a
   * valid output keeps its derivation), to a fixpoint.
   */
  async deletionClosure(paths: readonly string[]): Promise<string[]> {
    const all = new Set<string>();
    let frontier = [...paths];
    for (let round = 0; round < 4 && frontier.length > 0; round++) {
      const referrers = (await this.nixStore(['--query', '--referrers-closure', ...frontier])).stdout.trim().split('\n').filter(Boolean);
      const added = [...new Set([...frontier, ...referrers])].filter((p) => !all.has(p));
      added.forEach((p) => all.add(p));
      frontier = [];
      for (const drv of added.filter((p) => p.endsWith('.drv'))) {
        const outputs = (await this.nixStore(['--query', '--outputs', drv])).stdout.trim().split('\n').filter(Boolean);
        frontier.push(...(await this.presentPaths(outputs)).filter((p) => !all.has(p)));
      }
    }
    return [...all];
  }

  /** Deletes the paths Nix may delete (none a GC root keeps alive); its answer. */
  delete(paths: readonly string[]): Promise<ToolResult> {
    return this.nixStore(['--delete', ...paths]);
  }
}
