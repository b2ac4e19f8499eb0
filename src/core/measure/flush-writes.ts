import { execFile } from 'node:child_process';

/**
 * Writes the kernel still holds for any step before this one (a 775 MB image build leaves
 * 1.5 GB dirty for up to 30 s here) go to disk now, unmeasured, instead of during the next
 * measured sample, whichever runtime it belongs to: nothing may run beside a sample, and the
 * kernel's writeback of a previous step would. hyperfine advises the same `sync` in --prepare.
 * Where there is no `sync` (Windows) it does nothing.
 */
export function flushPendingWrites(): Promise<void> {
  if (process.platform === 'win32') return Promise.resolve();
  return new Promise((resolve) => {
    // A failed sync (none on PATH) leaves the writes to the kernel, as before: no reason to fail a sample.
    execFile('sync', [], { timeout: 120_000 }, () => resolve());
  });
}
