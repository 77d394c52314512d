// Internal: not part of the public API, not importable from the package.
import {
  asyncScheduler,
  type MonoTypeOperatorFunction,
  Observable,
  type SchedulerAction,
  type SchedulerLike,
  type Subscriber,
} from 'rxjs';
import { MalformedEventError, StreamIdleError, TruncatedStreamError } from '../errors';
import { sequenceNumberOf, type TerminalEventRule } from './events';
import { OperatorObserver } from './operate';

/** What {@link guardStream} checks. */
export interface StreamGuardOptions {
  /**
   * The events that end a stream (the Responses API's three; the Images API's `*.completed`): with it, a
   * stream must end with one. Without it, how the stream ends is not checked.
   */
  readonly isTerminal?: TerminalEventRule;
  /** Why the stream stopped, when known (the SDK ends its stream quietly on any abort). */
  readonly endCause?: () => unknown;
  /** The idle timeout in milliseconds; `0` (the default) turns it off. */
  readonly idleMs?: number;
  /** The scheduler of the idle timeout (RxJS's `asyncScheduler` by default; marble tests pass theirs). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Passes events through, and makes sure that neither a cut nor a stall is ever taken for a finished stream. It
 * sits under the sources, where only a cut can end a stream early: our own abort (unsubscribing) stops it
 * without an end, and the caller's signal errors further down (`failOnCallerAbort`) before the stream can end.
 *
 * With `isTerminal`:
 * - the source completing without a terminal event errors with `TruncatedStreamError`, with `endCause()` as
 *   `cause`;
 * - a network failure (fetch raises a `TypeError`: undici's `terminated`, a browser's `network error`) or an
 *   abort that is not ours (an `AbortError` from a custom fetch's deadline, a navigation) errors with
 *   `TruncatedStreamError` too, the original kept as `cause`;
 * - an event the SDK cannot parse (its `SyntaxError`: a torn or mangled frame) errors with
 *   `MalformedEventError`, the original kept as `cause`; other errors (the SDK's `APIError`) pass unchanged;
 * - any failure after the terminal event completes instead: the response was already whole.
 *
 * With `idleMs`: no event for that long since subscription or since the last event errors with
 * {@link StreamIdleError}, after the terminal event too (a stream that stalls before it ends is not ended), and
 * unsubscribes from the source (which aborts its request). Cheaper than RxJS's `timeout({ each })`, which
 * schedules a new timer for every event: this keeps one timer and reads the clock per event; when the timer
 * fires early (events came meanwhile) it sleeps for the time left. On RxJS schedulers, so marble tests run it in
 * virtual time.
 *
 * One observer for both: one hand-off per event, one count of the events and their last sequence number for
 * both errors.
 */
export function guardStream<E extends { type: string }>(
  options: StreamGuardOptions,
): MonoTypeOperatorFunction<E> {
  const idleMs = options.idleMs ?? 0;
  if (options.isTerminal === undefined && idleMs <= 0) return (source) => source;
  return (source) =>
    new Observable<E>((subscriber) => {
      source.subscribe(new GuardObserver<E>(subscriber, options, idleMs));
    });
}

class GuardObserver<E extends { type: string }> extends OperatorObserver<E> {
  private count = 0;
  private lastSequenceNumber: number | null = null;
  private terminated = false;
  /** When the last event came (or the subscription), with an idle timeout. */
  private last = 0;
  private readonly isTerminal: TerminalEventRule | undefined;
  private readonly scheduler: SchedulerLike;

  constructor(
    destination: Subscriber<E>,
    private readonly options: StreamGuardOptions,
    private readonly idleMs: number,
  ) {
    super(destination);
    this.isTerminal = options.isTerminal;
    this.scheduler = options.scheduler ?? asyncScheduler;
    if (idleMs > 0) this.watchIdle();
  }

  next(event: E): void {
    if (this.closed) return;
    this.count++;
    this.lastSequenceNumber = sequenceNumberOf(event) ?? this.lastSequenceNumber;
    if (this.idleMs > 0) this.last = this.scheduler.now();
    if (!this.terminated && this.isTerminal?.(event)) this.terminated = true;
    this.destination.next(event);
  }

  override error(error: unknown): void {
    if (this.closed || this.isTerminal === undefined) {
      super.error(error);
      return;
    }
    // After the terminal event, the response was already whole.
    if (this.terminated) {
      this.unsubscribe();
      this.destination.complete();
      return;
    }
    if (error instanceof TypeError || isAbortError(error))
      super.error(new TruncatedStreamError(this.count, this.lastSequenceNumber, { cause: error }));
    else if (error instanceof SyntaxError)
      super.error(new MalformedEventError(this.count, this.lastSequenceNumber, { cause: error }));
    else super.error(error);
  }

  protected override end(): void {
    if (this.isTerminal === undefined || this.terminated) return;
    const cause = this.options.endCause?.();
    throw new TruncatedStreamError(
      this.count,
      this.lastSequenceNumber,
      cause === undefined ? undefined : { cause },
    );
  }

  /** One scheduled action checks the silence; past the timeout, the output errors (past `error`'s mapping). */
  private watchIdle(): void {
    const observer = this;
    const { idleMs, scheduler } = this;
    this.last = scheduler.now();
    this.destination.add(
      scheduler.schedule(function (this: SchedulerAction<unknown>) {
        const silent = scheduler.now() - observer.last;
        if (silent < idleMs) this.schedule(undefined, idleMs - silent);
        else observer.idle();
      }, idleMs),
    );
  }

  private idle(): void {
    super.error(new StreamIdleError(this.idleMs, this.count, this.lastSequenceNumber));
  }
}

/** Whether `error` is what an aborted fetch throws (a `DOMException` or an `Error` named `AbortError`). */
function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
