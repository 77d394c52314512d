// Internal: not part of the public API, not importable from the package.
import type { MonoTypeOperatorFunction } from 'rxjs';
import { TruncatedStreamError } from '../errors';
import type { ResponseStreamEvent } from '../types';
import { isTerminalEvent, sequenceNumberOf } from './events';
import { operate } from './operate';

/**
 * Passes events through; when the source completes without a terminal event and `wasAborted()` is false,
 * errors with `TruncatedStreamError` instead of completing.
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
    };
  });
}
