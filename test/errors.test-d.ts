import { describe, expectTypeOf, it } from 'vitest';
import { MalformedEventError, ResponseFailedError, RxOpenAIError, TruncatedStreamError } from '../src/index';

declare const error: unknown;
declare const failure: Error | string;
declare const either: TruncatedStreamError | string;

describe('error classes narrow with instanceof (through their Symbol.hasInstance)', () => {
  it('narrows unknown to the class on the right, for the root and every subclass', () => {
    if (error instanceof RxOpenAIError) expectTypeOf(error).toEqualTypeOf<RxOpenAIError>();
    if (error instanceof TruncatedStreamError) {
      expectTypeOf(error).toEqualTypeOf<TruncatedStreamError>();
      expectTypeOf(error.lastSequenceNumber).toEqualTypeOf<number | null>();
    }
    if (error instanceof ResponseFailedError) expectTypeOf(error.code).toEqualTypeOf<string | null>();
    if (error instanceof TruncatedStreamError || error instanceof MalformedEventError) {
      expectTypeOf(error).toEqualTypeOf<TruncatedStreamError | MalformedEventError>();
    }
  });

  it('narrows the else branch too', () => {
    if (failure instanceof RxOpenAIError) expectTypeOf(failure).toEqualTypeOf<RxOpenAIError>();
    if (either instanceof TruncatedStreamError) expectTypeOf(either).toEqualTypeOf<TruncatedStreamError>();
    else expectTypeOf(either).toEqualTypeOf<string>();
  });

  it('narrows to a subclass of your own', () => {
    class WithRetryHint extends TruncatedStreamError {
      readonly retryAfterMs = 1000;
    }
    if (error instanceof WithRetryHint) expectTypeOf(error.retryAfterMs).toEqualTypeOf<number>();
  });

  it('does not make a class without the error fields look like one', () => {
    if (error instanceof TruncatedStreamError) {
      // @ts-expect-error: a TruncatedStreamError has no idleMs
      error.idleMs;
    }
  });
});
