/**
 * An error meant for a person: what happened, why, and what to do next.
 * Shells print `message` as one line and exit non-zero; nothing else is needed to explain it.
 */
export class UserError extends Error {
  readonly what: string;
  readonly why: string;
  readonly fix: string;

  constructor(what: string, why: string, fix: string) {
    super(`${what}: ${why}. ${fix}`);
    this.name = 'UserError';
    this.what = what;
    this.why = why;
    this.fix = fix;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
