// Text `explain` cannot read. A UsageError, so the CLI prints the reason and the
// hint and exits 2; it keeps the text and the reason like observe's TimerTextError.
import { UsageError } from '../errors.ts';

export const ACCEPTED_FORMS =
  "give a netstat -o timer like 'keepalive (6176.47/0/0)' or 'on (0.21/2/2)', an ss -o timer like " +
  "'timer:(keepalive,2min3sec,0)' or 'timer:(on,1.999ms,1)', or a whole line of ss -tano / netstat -tno";

export class ExplainError extends UsageError {
  override name = 'ExplainError';

  constructor(
    readonly text: string,
    readonly reason: string,
    hint: string = ACCEPTED_FORMS,
  ) {
    super(`cannot explain ${JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}...` : text)}: ${reason}`, hint);
  }
}
