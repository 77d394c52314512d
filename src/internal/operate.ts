// Internal: not part of the public API, not importable from the package.
import { Observable, type Observer, type OperatorFunction, type Subscriber, Subscription } from 'rxjs';
import type { ResponseStreamEvent } from '../types';
import { type EventKind, eventKind } from './eventKind';
import { ResponseBoundary } from './ResponseBoundary';

/**
 * The callbacks of a stateful operator; any of them may throw, which errors the output. `next` is called as
 * a plain function, not as a method of this object (`this: void`): it must not use `this`.
 */
export interface OperatorHandlers<T> {
  next(this: void, value: T): void;
  /** Runs when the source completes, before the output does; may emit, or throw to error instead. */
  complete?(): void;
  /** Runs when the source errors: returns the error to pass on (the same or another), or `null` to complete. */
  recover?(error: unknown): unknown;
}

/**
 * An observer that is also a `Subscription`. RxJS subscribes such an object directly (no wrapper), so when
 * the output is unsubscribed, even synchronously inside the source's `subscribe` (a firehose cut by `take`),
 * the source sees `closed` and its teardown runs at once. This is what RxJS's internal `operate` does,
 * written against the public API only.
 *
 * Subclasses write `next` themselves, each the same way: return at once when `closed`, and pass what the
 * work throws to `this.error`. It is repeated on purpose: a `next` shared by every operator calls each
 * operator's work through one megamorphic call site that V8 cannot inline, which costs a hot operator
 * about 40% of its time per event (`bench/operators.ts`); a subclass's own `next` calls its work directly.
 */
export abstract class OperatorObserver<T> extends Subscription implements Observer<T> {
  constructor(protected readonly destination: Subscriber<unknown>) {
    super();
    destination.add(this);
  }

  abstract next(value: T): void;

  error(error: unknown): void {
    if (this.closed) return;
    this.unsubscribe();
    this.destination.error(error);
  }

  complete(): void {
    if (this.closed) return;
    this.unsubscribe();
    try {
      this.end();
    } catch (error) {
      this.destination.error(error);
      return;
    }
    this.destination.complete();
  }

  /** Runs when the source completes, before the output does; may emit, or throw to error instead. */
  protected end(): void {}
}

/** The observer of `operate`: calls the handlers an operator's `init` returned. */
class ChainedObserver<T> extends OperatorObserver<T> {
  /** `handlers.next`, read once: one property load less on every event. */
  private readonly onNext: (value: T) => void;

  constructor(
    destination: Subscriber<unknown>,
    private readonly handlers: OperatorHandlers<T>,
  ) {
    super(destination);
    this.onNext = handlers.next;
  }

  next(value: T): void {
    if (this.closed) return;
    try {
      this.onNext(value);
    } catch (error) {
      this.error(error);
    }
  }

  protected override end(): void {
    this.handlers.complete?.();
  }

  override error(error: unknown): void {
    const recover = this.handlers.recover;
    if (!recover || this.closed) {
      super.error(error);
      return;
    }
    let outcome: unknown;
    try {
      outcome = recover(error);
    } catch (thrown) {
      outcome = thrown;
    }
    if (outcome !== null) {
      super.error(outcome);
      return;
    }
    this.unsubscribe();
    this.destination.complete();
  }
}

/**
 * Builds a stateful operator: `init` runs once per subscription (state is never shared between
 * subscriptions) and returns the handlers for the source's events; `teardown` clears that state on
 * complete, error and unsubscribe alike.
 */
export function operate<T, R>(
  init: (subscriber: Subscriber<R>) => OperatorHandlers<T> & { teardown?(): void },
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const handlers = init(subscriber);
      if (handlers.teardown) subscriber.add(() => handlers.teardown?.());
      const observer = new ChainedObserver<T>(subscriber, handlers);
      source.subscribe(observer);
    });
}

/** The handlers of {@link operatePerResponse}: `next` also gets the event's kind (see `eventKind`). */
export interface PerResponseHandlers<E> extends Omit<OperatorHandlers<E>, 'next'> {
  next(this: void, event: E, kind: EventKind): void;
  teardown?(): void;
}

/**
 * Builds a stateful operator over response events whose state belongs to one response: `init` runs at
 * subscription and again whenever a new response begins in the same subscription (see
 * {@link ResponseBoundary}), after the previous response's `teardown`. Only the current response's
 * `complete` runs when the source completes, so what an abandoned response left unfinished is dropped, and
 * every cap counts per response. An Images API stream counts as a response (`E` may include its events).
 * `init` gets the boundary too, which knows the current response's id.
 */
export function operatePerResponse<R, E extends { type: string } = ResponseStreamEvent>(
  init: (
    subscriber: Subscriber<R>,
    response: { readonly responseId: string | null },
  ) => PerResponseHandlers<E>,
): OperatorFunction<E, R> {
  return operate<E, R>((subscriber) => {
    const boundary = new ResponseBoundary();
    let current = init(subscriber, boundary);
    return {
      next(event) {
        // The event's kind, read once for the boundary and the handlers.
        const kind = eventKind(event.type);
        if (boundary.starts(event, kind)) {
          current.teardown?.();
          current = init(subscriber, boundary);
        }
        current.next(event, kind);
      },
      complete: () => current.complete?.(),
      recover: (error) => (current.recover ? current.recover(error) : error),
      teardown: () => current.teardown?.(),
    };
  });
}
