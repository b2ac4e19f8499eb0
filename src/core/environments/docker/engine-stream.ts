import type Docker from 'dockerode';

interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Waits for a build, pull, import or load stream to finish; the engine reports failures inside
 * the stream (errorDetail), not as an HTTP error, so they are surfaced here.
 */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream, onLine?: (line: string) => void): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: ProgressEvent[]) => {
        if (error) return reject(error);
        const failed = events.find((e) => e.error || e.errorDetail);
        if (failed) return reject(new Error(failed.errorDetail?.message ?? failed.error ?? 'the engine reported an error'));
        resolve(events);
      },
      (event: ProgressEvent) => {
        const text = (event.stream ?? event.status ?? '').trim();
        if (text) onLine?.(text);
      },
    );
  });
}

export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}
