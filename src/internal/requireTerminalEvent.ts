// Internal: not part of the public API, not importable from the package.
import type { MonoTypeOperatorFunction } from 'rxjs';
import { MalformedEventError, TruncatedStreamError } from '../errors';
import type { ResponseStreamEvent } from '../types';
import { isTerminalEvent, sequenceNumberOf } from './events';
import { operate } from './operate';

/**
 * Passes events through, and makes sure a cut stream is never taken for a finished one:
 * - the source completing without a terminal event, not aborted (`wasAborted()` false), errors with
 *   `TruncatedStreamError`;
 * - a network failure (fetch raises a `TypeError`: undici's `terminated`, a browser's `network error`) errors
 *   with `TruncatedStreamError` too, the original kept as `cause`;
 * - an event the SDK cannot parse (its `SyntaxError`: a torn or mangled frame) errors with
 *   `MalformedEventError`, the original kept as `cause`; other errors (the SDK's `APIError`) pass unchanged;
 * - any failure after the terminal event completes instead: the response was already whole.
 */
export function requireTerminalEvent(
  wasAborted: () => boolean,
): MonoTypeOperatorFunction<ResponseStreamEvent> {
  return operate<ResponseStreamEvent, ResponseStreamEvent>((subscriber) => {
    let count = 0;
    let lastSequenceNumber: number | null = null;
    let terminated = false;
    return {
      next(event) {
        count++;
        lastSequenceNumber = sequenceNumberOf(event) ?? lastSequenceNumber;
        if (!terminated && isTerminalEvent(event)) terminated = true;
        subscriber.next(event);
      },
      complete() {
        if (!terminated && !wasAborted()) throw new TruncatedStreamError(count, lastSequenceNumber);
      },
      recover(error) {
        if (terminated) return null;
        if (error instanceof TypeError)
          return new TruncatedStreamError(count, lastSequenceNumber, { cause: error });
        if (error instanceof SyntaxError)
          return new MalformedEventError(count, lastSequenceNumber, { cause: error });
        return error;
      },
    };
  });
}
