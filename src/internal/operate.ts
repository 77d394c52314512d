// Internal: not part of the public API, not importable from the package.
import { Observable, type Observer, type OperatorFunction, type Subscriber, Subscription } from 'rxjs';

/** The callbacks of a stateful operator; any of them may throw, which errors the output. */
export interface OperatorHandlers<T> {
  next(value: T): void;
  /** Runs when the source completes, before the output does; may emit, or throw to error instead. */
  complete?(): void;
}

/**
 * An observer that is also a `Subscription`. RxJS subscribes such an object directly (no wrapper), so when
 * the output is unsubscribed, even synchronously inside the source's `subscribe` (a firehose cut by `take`),
 * the source sees `closed` and its teardown runs at once. This is what RxJS's internal `operate` does,
 * written against the public API only.
 */
class ChainedObserver<T> extends Subscription implements Observer<T> {
  constructor(
    private readonly destination: Subscriber<unknown>,
    private readonly handlers: OperatorHandlers<T>,
  ) {
    super();
    destination.add(this);
  }

  next(value: T): void {
    if (this.closed) return;
    try {
      this.handlers.next(value);
    } catch (error) {
      this.error(error);
    }
  }

  error(error: unknown): void {
    if (this.closed) return;
    this.unsubscribe();
    this.destination.error(error);
  }

  complete(): void {
    if (this.closed) return;
    this.unsubscribe();
    try {
      this.handlers.complete?.();
    } catch (error) {
      this.destination.error(error);
      return;
    }
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
