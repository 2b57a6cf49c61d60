/**
 * Errors a user can fix (missing path, bad audio, bad option). The CLI prints their message as one line
 * and exits with code 1, never a stack trace; anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  /** The file or folder the problem is about, when there is one. */
  readonly path?: string;
  constructor(message: string, path?: string) {
    super(path !== undefined && !message.includes(path) ? `${path}: ${message}` : message);
    this.name = 'UserError';
    this.path = path;
  }
}

/** True for errors meant for the user: {@link UserError} and typed errors of other stages that carry a path. */
export function isUserError(err: unknown): err is Error & { path?: string } {
  if (err instanceof UserError) return true;
  if (!(err instanceof Error)) return false;
  const e = err as Error & { userFacing?: boolean; path?: unknown };
  return (
    e.userFacing === true || (e.name.endsWith('Error') && e.name !== 'Error' && typeof e.path === 'string')
  );
}

/** The message of any error as a single line (for one-line CLI reports). */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s*\n\s*/g, ' ').trim();
}
