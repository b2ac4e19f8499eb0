import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RemoteEdits } from '../environments/runtime';
import { describeError } from '../user-error';
import { timeFileAppearing } from './file-sync';
import type { ProbeContext, ProbeOutcome } from './probe';

type SyncMethod = 'rsync' | 'watch-sync';

/**
 * Edit-to-visible latency from this machine to a remote host's environment (`run --host`), two
 * ways a developer gets edits there, one phase each:
 *  - rsync: the edit is saved, then the whole working copy is rsync'd over SSH (a sync-on-save
 *    hook, or the user typing it): rsync compares every file and sends what changed.
 *  - watch-sync: a watcher already running here (fs.watch, inotify) sees the new file and rsyncs
 *    just that file over SSH: what watch-and-sync loops (lsyncd, a `watchexec rsync` one-liner) do.
 * The environment on the host polls for the file as in file-sync; the time runs from the local
 * write until its `seen` reaches EnvBench, so it includes that line's way back over SSH (about
 * half the round trip doctor reports). rsync's bytes sent per phase are kept as facts.
 */
export async function remoteSync(context: ProbeContext): Promise<ProbeOutcome> {
  const edits = context.session.remoteEdits;
  if (!edits) return { failure: 'remote-sync measures edits reaching a remote host: run it with --host NAME' };
  const phases: { name: string; ms: number }[] = [];
  const facts: ProbeOutcome['facts'] = {};
  let measured: ProbeOutcome['measured'];
  for (const method of ['rsync', 'watch-sync'] as const) {
    const outcome = await oneEdit(context, edits, method);
    if ('failure' in outcome) return { failure: `${method}: ${outcome.failure}`, facts };
    phases.push({ name: method, ms: outcome.ms });
    facts[method === 'rsync' ? 'bytesSentRsync' : 'bytesSentWatchSync'] = outcome.bytesSent;
    measured = outcome.measured;
  }
  return { phases, measured, facts };
}

async function oneEdit(context: ProbeContext, edits: RemoteEdits, method: SyncMethod): Promise<{ ms: number; bytesSent: number; measured: NonNullable<ProbeOutcome['measured']> } | { failure: string }> {
  const name = `.envbench-remote-sync-${crypto.randomBytes(4).toString('hex')}`;
  const file = path.join(context.cwd, name);
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  context.execOptions.signal?.addEventListener('abort', abort, { once: true });
  let syncing: Promise<{ bytesSent: number }> | null = null;
  // The loop watches before the edit is made, as a running watcher would; it sends only what changed.
  const watcher = method === 'watch-sync' ? fs.watch(context.cwd, { persistent: false }) : null;
  watcher?.on('change', (_event, changed) => {
    if (changed?.toString() === name && syncing === null) syncing = edits.syncFiles([name], controller.signal);
  });
  try {
    const { failed, outcome, output, ms } = await timeFileAppearing(context, 'remote-sync', name, () => {
      fs.writeFileSync(file, `envbench remote-sync probe (${method})\n`);
      if (method === 'rsync') syncing = edits.syncAll(controller.signal);
    });
    const sent = syncing ? await (syncing as Promise<{ bytesSent: number }>).catch((error: unknown) => ({ bytesSent: -1, error })) : null;
    if (failed === 'cancelled') return { failure: 'cancelled' };
    if (sent && 'error' in sent) return { failure: `the sync to ${edits.host} failed: ${describeError(sent.error)}` };
    if (failed) return { failure: outcome.exitCode === 3 ? `the environment on ${edits.host} did not see ${name} within 30 s of the write here` : failed };
    if (ms === null || !sent) return { failure: `the environment's answer was not understood: ${output.trim().slice(0, 200) || 'no output'}` };
    return { ms, bytesSent: sent.bytesSent, measured: outcome };
  } finally {
    watcher?.close();
    controller.abort();
    context.execOptions.signal?.removeEventListener('abort', abort);
    fs.rmSync(file, { force: true });
  }
}
