/** What went wrong, for callers that branch on it (the CLI maps these to exit messages). */
export type AudioErrorCode =
  | 'not-found' // the path does not exist or is not a file
  | 'unreadable' // the file exists but cannot be read (permissions, I/O)
  | 'unwritable' // an output file cannot be written
  | 'unsupported' // a real audio file in a format or encoding this library does not decode
  | 'corrupt' // the container is malformed or truncated
  | 'bad-option'; // a caller passed an invalid argument (rate, offset, duration, ...)

/**
 * The one error type of lib/audio. Its message is always a single line, `<subject>: <problem>`, where
 * the subject is the file path or, for in-memory calls, the function name. It is marked user-facing
 * (`userFacing`, `path`) so the CLI prints it as one line instead of a stack trace.
 */
export class AudioError extends Error {
  override readonly name = 'AudioError';
  readonly userFacing = true;
  /** The file the problem is about; undefined for in-memory calls. */
  readonly path: string | undefined;

  constructor(
    readonly code: AudioErrorCode,
    /** The file path or, for in-memory calls, the function the problem was found in. */
    readonly subject: string,
    /** The problem alone, without the subject. */
    readonly problem: string,
    /** False when `subject` names a function rather than a file. Default true. */
    subjectIsPath = true,
  ) {
    super(`${subject}: ${problem}`.replace(/\s*[\r\n]+\s*/g, ' '));
    this.path = subjectIsPath ? subject : undefined;
  }
}
