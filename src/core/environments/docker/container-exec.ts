import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { extractHelperReport, measureHelperArgs, withoutHelperReport } from '../../measure/measure-helper';
import type { ExecOptions, ExecOutcome } from '../runtime';
import type { CgroupSampler } from './cgroup-usage';

/** Where the measure helper is bind-mounted in every container EnvBench starts. */
export const HELPER_IN_CONTAINER = '/opt/envbench/bin/envbench-measure';
const OUTPUT_TAIL = 64 * 1024;
/** How often a running exec is checked for having ended without the helper's report. */
const EXIT_POLL_MS = 2_000;

function tail(text: string): string {
  return text.length > OUTPUT_TAIL ? text.slice(-OUTPUT_TAIL) : text;
}

/**
 * Runs one command inside a running container through the Engine API, measured twice: end to
 * end here (what `docker exec` costs the user) and inside by the measure helper. Optionally
 * samples the container's cgroup around it.
 */
export async function execMeasured(
  docker: Docker,
  container: Docker.Container,
  command: { argv: readonly string[]; workdir: string; env: string[]; user?: string },
  options: ExecOptions & {
    cgroup?: CgroupSampler;
    /** False for an engine in another PID namespace (DinD's inner daemon): its PIDs mean nothing here. */
    hostPids?: boolean;
  },
): Promise<ExecOutcome> {
  options.cgroup?.start();
  const started = process.hrtime.bigint();
  // The exec's stdin is EnvBench's lifeline: the engine closes it when this process's connection
  // drops (a kill -9 included), and the helper then kills the command (--watch-stdin). The engine
  // keeps the exec's stream open until stdin ends, so it is ended once the helper has reported,
  // or once the exec is seen to have ended without a report.
  const exec = await container.exec({
    Cmd: [HELPER_IN_CONTAINER, ...measureHelperArgs(command.argv, options.timeoutMs, { watchStdin: true })],
    WorkingDir: command.workdir,
    Env: command.env,
    ...(command.user ? { User: command.user } : {}),
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: true });
  const endStdin = (): void => {
    if (!stream.writableEnded) stream.end();
  };
  const exitWatch = setInterval(() => {
    exec.inspect().then(
      (info) => {
        if (!info.Running) endStdin();
      },
      () => endStdin(),
    );
  }, EXIT_POLL_MS);
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.setEncoding('utf8');
  err.setEncoding('utf8');
  out.on('data', (chunk: string) => {
    stdout = tail(stdout + chunk);
    options.onOutput?.('stdout', chunk);
  });
  err.on('data', (chunk: string) => {
    stderr = tail(stderr + chunk);
    const text = withoutHelperReport(chunk);
    if (text) options.onOutput?.('stderr', text);
    // The report is the helper's last word, written whole in one write once the command is gone.
    if (extractHelperReport(stderr).report) endStdin();
  });
  docker.modem.demuxStream(stream, out, err);

  let cancelled = false;
  const onAbort = (): void => {
    cancelled = true;
    // The helper runs as the exec's main process: SIGTERM it from the host so it kills the
    // command's process group and still reports; the stream then ends by itself.
    // Elsewhere, stop waiting: disposing the session removes the container and its processes.
    if (options.hostPids === false) {
      stream.destroy();
      return;
    }
    void exec.inspect().then((info) => {
      if (info.Pid) {
        try {
          process.kill(info.Pid, 'SIGTERM');
        } catch {
          stream.destroy();
        }
      }
    });
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
  } finally {
    clearInterval(exitWatch);
    options.signal?.removeEventListener('abort', onAbort);
  }
  const info = await exec.inspect();
  const outerWallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cgroup = options.cgroup?.finish();
  const { report, stderr: commandStderr } = extractHelperReport(stderr);
  return {
    outerWallMs,
    wallMs: outerWallMs,
    innerWallMs: report ? report.wallNs / 1e6 : outerWallMs,
    report,
    exitCode: report?.exitCode ?? info.ExitCode ?? 1,
    stdout,
    stderr: commandStderr,
    timedOut: Boolean(report?.timedOut),
    cancelled: cancelled || Boolean(report?.cancelled),
    ...(cgroup ? { cgroup } : {}),
  };
}
