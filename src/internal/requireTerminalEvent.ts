// Internal: not part of the public API, not importable from the package.
import type { MonoTypeOperatorFunction } from 'rxjs';
import { MalformedEventError, TruncatedStreamError } from '../errors';
import { isTerminalEvent, sequenceNumberOf, type TerminalEventRule } from './events';
import { operate } from './operate';

/**
 * Passes events through, and makes sure a cut stream is never taken for a finished one. It sits under the
 * sources, where only a cut can end a stream early: our own abort (unsubscribing) stops it without an end,
 * and the caller's signal errors further down (`failOnCallerAbort`) before the stream can end.
 * - the source completing without a terminal event errors with `TruncatedStreamError`, with `endCause()`
 *   (why the stream stopped, when known: the SDK ends its stream quietly on any abort) as `cause`;
 * - a network failure (fetch raises a `TypeError`: undici's `terminated`, a browser's `network error`) or an
 *   abort that is not ours (an `AbortError` from a custom fetch's deadline, a navigation) errors with
 *   `TruncatedStreamError` too, the original kept as `cause`;
 * - an event the SDK cannot parse (its `SyntaxError`: a torn or mangled frame) errors with
 *   `MalformedEventError`, the original kept as `cause`; other errors (the SDK's `APIError`) pass unchanged;
 * - any failure after the terminal event completes instead: the response was already whole.
 *
 * What a terminal event is depends on the API: `isTerminal` (default: the Responses API's three; the Images
 * API's sources pass `isImagesApiTerminalEvent`, its `*.completed` events).
 */
export function requireTerminalEvent<E extends { type: string }>(
  endCause: () => unknown = () => undefined,
  isTerminal: TerminalEventRule = isTerminalEvent,
): MonoTypeOperatorFunction<E> {
  return operate<E, E>((subscriber) => {
    let count = 0;
    let lastSequenceNumber: number | null = null;
    let terminated = false;
    return {
      next(event) {
        count++;
        lastSequenceNumber = sequenceNumberOf(event) ?? lastSequenceNumber;
        if (!terminated && isTerminal(event)) terminated = true;
        subscriber.next(event);
      },
      complete() {
        if (terminated) return;
        const cause = endCause();
        throw new TruncatedStreamError(
          count,
          lastSequenceNumber,
          cause === undefined ? undefined : { cause },
        );
      },
      recover(error) {
        if (terminated) return null;
        if (error instanceof TypeError || isAbortError(error))
          return new TruncatedStreamError(count, lastSequenceNumber, { cause: error });
        if (error instanceof SyntaxError)
          return new MalformedEventError(count, lastSequenceNumber, { cause: error });
        return error;
      },
    };
  });
}

/** Whether `error` is what an aborted fetch throws (a `DOMException` or an `Error` named `AbortError`). */
function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
