// Errors a user can act on. The CLI prints them as one line plus a hint and
// exits 2 ("could not run"), never with a stack trace.

export class UsageError extends Error {
  constructor(
    message: string,
    /** What to do about it. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Something the machine lacks (a tool, root, a running engine). Also exit 2. */
export class PrerequisiteError extends UsageError {
  override name = 'PrerequisiteError';
}
