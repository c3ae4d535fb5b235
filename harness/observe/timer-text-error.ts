// One error type for every piece of `ss` / `netstat` text we cannot read.
// Timer text is the evidence a verdict rests on, so an unreadable sample must
// stop the analysis loudly instead of turning into a silent 0 or NaN.

export class TimerTextError extends Error {
  override readonly name = 'TimerTextError';

  /**
   * @param text   the exact text that could not be read (kept for the report)
   * @param reason what was wrong with it
   * @param hint   what the text should have looked like, or what to do
   */
  constructor(
    readonly text: string,
    readonly reason: string,
    readonly hint?: string,
  ) {
    super(`cannot read ${JSON.stringify(text)}: ${reason}${hint ? ` (${hint})` : ''}`);
  }
}
