// Internal: not part of the public API, not importable from the package.
import { APIUserAbortError } from 'openai/core/error';
import { type MonoTypeOperatorFunction, Observable, type Subscriber, type Unsubscribable } from 'rxjs';
import type { CancelOnUnsubscribeOptions, ResponseStreamEvent, ResponsesClient } from '../types';
import { carriedResponseOf, isTerminalEvent } from './events';
import { OperatorObserver } from './operate';

/**
 * The key of the "detached unsubscribe" depth, on `globalThis`: a global symbol, so that the ESM and CJS builds
 * of this package loaded in one process (see `errors.ts`) share it.
 */
const DETACHED: unique symbol = Symbol.for('rxjs-openai.detachedUnsubscribe');

type DetachedHolder = { [DETACHED]?: number };

/**
 * Unsubscribes without cancelling: a source that would cancel its background response on unsubscribe
 * (`streamResponse`, `resumeResponse`, `resumable`) leaves it running when its teardown runs inside this call.
 * Teardown in RxJS is synchronous, so the whole chain below `subscription` runs inside it. The relay uses it:
 * a browser that went away may come back and resume, so a relay never cancels on its own.
 */
export function unsubscribeDetached(subscription: Unsubscribable): void {
  const holder = globalThis as DetachedHolder;
  holder[DETACHED] = (holder[DETACHED] ?? 0) + 1;
  try {
    subscription.unsubscribe();
  } finally {
    holder[DETACHED] = (holder[DETACHED] ?? 1) - 1;
  }
}

/** Whether a teardown runs inside {@link unsubscribeDetached}: then it must not cancel anything. */
export function isDetaching(): boolean {
  return ((globalThis as DetachedHolder)[DETACHED] ?? 0) > 0;
}

/**
 * `source`, except that unsubscribing from the result unsubscribes from `source` detached (see
 * {@link unsubscribeDetached}): its background responses are left running.
 */
export function detached<T>(source: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const link = new DetachedLink(subscriber);
    // Not added to `subscriber` (that would unsubscribe it without the flag): the teardown below does it.
    subscriber.add(() => unsubscribeDetached(link));
    source.subscribe(link);
  });
}

/**
 * Passes everything on; an observer that is also a `Subscription`, so that RxJS subscribes it directly and stops
 * at its `closed`. Not linked to its destination: only `detached`'s teardown unsubscribes it.
 */
class DetachedLink<T> extends OperatorObserver<T> {
  constructor(destination: Subscriber<T>) {
    super(destination);
    destination.remove(this);
  }
  next(value: T): void {
    if (!this.closed) this.destination.next(value);
  }
}

/**
 * Calls `client.responses.cancel(responseId)` and forgets it: a client without `cancel` is skipped, and a
 * failure (thrown or rejected) goes to `onCancelError` only. Never throws: it runs in teardown.
 */
export function cancelQuietly(
  client: ResponsesClient,
  responseId: string,
  onCancelError: CancelOnUnsubscribeOptions['onCancelError'],
): void {
  callQuietly(
    () => {
      const responses = client.responses;
      return typeof responses.cancel === 'function' ? responses.cancel(responseId) : undefined;
    },
    (error) => onCancelError?.(error, responseId),
  );
}

/**
 * Calls `call` and forgets it: what it throws or its promise rejects with goes to `onError` only, and what
 * `onError` throws is dropped. Never throws: it runs in teardown.
 */
export function callQuietly(call: () => unknown, onError: (error: unknown) => void): void {
  const report = (error: unknown) => {
    try {
      onError(error);
    } catch {
      // A throwing error handler must not escape a teardown either.
    }
  };
  try {
    Promise.resolve(call()).then(undefined, report);
  } catch (error) {
    report(error);
  }
}

/** What {@link cancelOnUnsubscribe} needs: the client, its options, and what is known before any event. */
export interface CancelOnUnsubscribeConfig extends CancelOnUnsubscribeOptions {
  /** The caller's `signal`: its abort (an `APIUserAbortError`) cancels too. */
  readonly signal?: AbortSignal | null | undefined;
  /** The id of the response, when known up front (`resumeResponse`): a stored background response. */
  readonly responseId?: string;
}

/**
 * The Cancel of the Responses sources: when the subscriber unsubscribes from a background response before its
 * terminal event (or the caller's `signal` aborts it), calls `client.responses.cancel(id)`, so that the
 * response stops running (and billing) on the API's side. Completion, and any other error (a cut that
 * `resumable()` will resume), cancel nothing; neither does an unsubscribe inside {@link unsubscribeDetached} (a
 * relay). The id and `background` come from the events that carry the response (`response.created`...).
 */
export function cancelOnUnsubscribe(
  client: ResponsesClient,
  config: CancelOnUnsubscribeConfig,
): MonoTypeOperatorFunction<ResponseStreamEvent> {
  if (config.cancelOnUnsubscribe === false) return (source) => source;
  return (source) =>
    new Observable<ResponseStreamEvent>((subscriber) => {
      const observer = new CancelObserver(subscriber, client, config);
      subscriber.add(() => observer.abandoned());
      source.subscribe(observer);
    });
}

/** Tracks the response's id, whether it is a background one, and whether it is over. */
class CancelObserver extends OperatorObserver<ResponseStreamEvent> {
  private responseId: string | null;
  private background: boolean;
  /** The response is over (a terminal event), or the stream ended: nothing to cancel. */
  private over = false;

  constructor(
    destination: Subscriber<ResponseStreamEvent>,
    private readonly client: ResponsesClient,
    private readonly config: CancelOnUnsubscribeConfig,
  ) {
    super(destination);
    this.responseId = config.responseId ?? null;
    this.background = config.responseId !== undefined;
  }

  next(event: ResponseStreamEvent): void {
    if (this.closed) return;
    const response = carriedResponseOf(event);
    if (response) {
      if (response.id !== this.responseId) {
        this.responseId = response.id;
        this.over = false;
      }
      if (response.background !== null) this.background = response.background;
    }
    if (isTerminalEvent(event)) this.over = true;
    this.destination.next(event);
  }

  override error(error: unknown): void {
    if (this.closed) return;
    // The caller's Cancel through its signal stops the work too; any other error cancels nothing.
    const cancel = error instanceof APIUserAbortError && this.config.signal?.aborted === true;
    if (cancel) this.cancel();
    this.over = true;
    super.error(error);
  }

  override complete(): void {
    this.over = true;
    super.complete();
  }

  /** The subscriber's teardown: an unsubscribe while the response runs cancels it. */
  abandoned(): void {
    if (!isDetaching()) this.cancel();
    this.over = true;
  }

  private cancel(): void {
    if (this.over || !this.background || this.responseId === null) return;
    this.over = true;
    cancelQuietly(this.client, this.responseId, this.config.onCancelError);
  }
}
