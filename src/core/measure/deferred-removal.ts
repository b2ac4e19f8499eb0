import fs from 'node:fs';
import path from 'node:path';

/**
 * What a run deletes between its samples (a cold start's caches and Nix store paths, its old
 * image, its containers and DinD data roots) is freed after the run's last sample, not before the
 * next one. ext4 without a journal will not reuse an inode freed in the last minute, and scans past
 * every such inode whenever it allocates one (fs/ext4/ialloc.c, recently_deleted()): on this
 * 2-core VM, `cp -r` of Go's tree (17,000 files) took 0.6 s, then 7, 13 and 15 s when each copy
 * followed the deletion of the one before, and Nix's cold `evaluate` grew from 2.3 to 16 s over six
 * samples. A person's real first start follows no such deletion, so a sample must not either.
 *
 * Folders are moved aside (a rename frees nothing); files something else deletes (`nix-store
 * --delete`) are kept alive by hard links; Docker objects are removed by deferred work. Everything
 * goes in drain(), which the run calls once its sessions are disposed. What a killed run left in
 * the trash goes at the next drain or `envbench clean --caches`.
 */
export class DeferredRemovals {
  private readonly pending: (() => Promise<void>)[] = [];
  private slots = 0;

  /** `trashRoot`: a folder of EnvBench's cache directory (trashDir()), on the filesystem of the folders it parks. */
  constructor(
    private readonly trashRoot: string,
    private readonly runId: string,
  ) {}

  private nextSlot(): string {
    return path.join(this.trashRoot, this.runId, String(this.slots++));
  }

  /**
   * Empties `dir` now by moving it aside, and recreates it empty. Where it cannot be moved (on
   * another filesystem than the trash) it is removed now, as without this class.
   */
  async empty(dir: string): Promise<void> {
    const slot = this.nextSlot();
    try {
      await fs.promises.mkdir(path.dirname(slot), { recursive: true });
      await fs.promises.rename(dir, slot);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') await fs.promises.rm(dir, { recursive: true, force: true });
    }
    await fs.promises.mkdir(dir, { recursive: true });
  }

  /**
   * Hard links to every file under `paths`, made before something else deletes them, so their
   * inodes live until drain(). Folders cannot be linked: only they are freed at once. Best effort:
   * a file that cannot be linked (another filesystem, protected_hardlinks) is freed with the rest.
   */
  keepFilesOf(paths: readonly string[]): void {
    for (const source of paths) {
      try {
        linkTree(source, this.nextSlot());
      } catch {
        // Not linkable from here: deleted now, as without this class.
      }
    }
  }

  /** Work for after the last sample: removing a container, volume or image the run replaced. */
  defer(work: () => Promise<void>): void {
    this.pending.push(work);
  }

  /**
   * Frees everything: deferred work first (twice, for work that waits on other work: an image
   * whose stopped container goes later in the list), then the trash, this run's and any a killed
   * run left.
   */
  async drain(): Promise<void> {
    for (let pass = 0; pass < 2 && this.pending.length > 0; pass++) {
      for (const work of this.pending.splice(0)) {
        await work().catch(() => this.pending.push(work));
      }
    }
    this.pending.length = 0;
    await fs.promises.rm(this.trashRoot, { recursive: true, force: true }).catch(() => {});
  }
}

/** Empties `dir`: moved aside until the run's last sample when a run gives `removals`, else removed now. */
export async function emptyFolder(dir: string, removals: DeferredRemovals | undefined): Promise<void> {
  if (removals) return removals.empty(dir);
  await fs.promises.rm(dir, { recursive: true, force: true });
  await fs.promises.mkdir(dir, { recursive: true });
}

/** A copy of `source` at `target` whose files are hard links (cp -al): folders new, files shared. */
function linkTree(source: string, target: string): void {
  const stat = fs.lstatSync(source);
  if (!stat.isDirectory()) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.linkSync(source, target);
    return;
  }
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) linkTree(from, to);
    else fs.linkSync(from, to);
  }
}
