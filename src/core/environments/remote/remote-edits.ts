import type { RemoteHost } from '../../hosts/remote-host';
import type { RemoteEdits } from '../runtime';

/**
 * How a remote session's scratch copy reaches the host, for the remote-sync scenario: the same
 * rsync over SSH the session syncs with, whole or file by file. None without a scratch copy.
 */
export function remoteEdits(host: RemoteHost, localScratch: string | null | undefined, remoteScratch: string | null): RemoteEdits | undefined {
  if (!localScratch || !remoteScratch) return undefined;
  return {
    host: host.entry.name,
    // The copy exists (prepare synced it): no `mkdir` round trip in the figure.
    syncAll: (signal) => host.sync(localScratch, remoteScratch, { signal, remoteDirExists: true }),
    syncFiles: (files, signal) => host.syncFiles(localScratch, remoteScratch, files, { signal }),
  };
}
