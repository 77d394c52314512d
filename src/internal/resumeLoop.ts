// Internal: not part of the public API, not importable from the package.
import { APIConnectionError, APIError } from 'openai/core/error';
import { asyncScheduler, Observable, type Observer, type SchedulerLike, Subscription, timer } from 'rxjs';
import {
  MalformedEventError,
  RelayHttpError,
  ResumeFailedError,
  RxOpenAIError,
  SequenceGapError,
  StreamIdleError,
  TruncatedStreamError,
} from '../errors';
import type { ResponseStreamEvent } from '../types';
import { unsubscribeDetached } from './cancelResponse';
import { isTerminalEvent, sequenceNumberOf } from './events';
import { ResponseBoundary } from './ResponseBoundary';

/**
 * The SSE comment, inside an event's frame, that tells the browser which event this one follows when the relay
 * did not relay the ones in between (an `events` allowlist): `: after <sequence number>`. Written by the relay
 * with `cursor` (`sseFrames`), read by `fromServerSentEvents`, so that it can tell such a jump from events lost
 * on the way (`SequenceGapError`).
 */
export const AFTER_COMMENT = ': after ';

/** How many reconnections in a row may bring nothing new (the default of `retries`). */
export const DEFAULT_RESUME_RETRIES = 5;

/** The delay before reconnection `attempt` (1, 2, ...), or one delay for all, in milliseconds. */
export type ResumeBackoff = number | ((attempt: number, error: unknown) => number);

/** 500 ms, doubling, at most 8 s: 0.5, 1, 2, 4, 8 s. */
export function defaultBackoff(attempt: number): number {
  return Math.min(500 * 2 ** (attempt - 1), 8000);
}

/**
 * Whether a stream's failure is the network's (resume) rather than the API's or ours (pass it on): a
 * truncated stream, a torn frame or a stall, the SDK's `APIConnectionError`, an HTTP 5xx (from the API, or from
 * a relay or a load balancer in front of it: `RelayHttpError`), or an error that comes from neither the SDK
 * nor this library (a reset socket's `TypeError: terminated`, a browser's `TypeError: Failed to fetch`).
 */
export function isResumableFailure(error: unknown): boolean {
  if (
    error instanceof TruncatedStreamError ||
    error instanceof MalformedEventError ||
    error instanceof StreamIdleError
  )
    return true;
  if (error instanceof RelayHttpError) return error.status >= 500;
  if (error instanceof RxOpenAIError || !(error instanceof Error)) return false;
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError) return isServerError(error);
  // An error of another copy of the SDK (where `instanceof` fails) is recognised by its classes' names.
  const names = classNames(error);
  if (names.includes('APIConnectionError')) return true;
  if (names.includes('APIError')) return isServerError(error as { status?: unknown });
  return !names.includes('OpenAIError');
}

function isServerError(error: { status?: unknown }): boolean {
  return typeof error.status === 'number' && error.status >= 500;
}

function classNames(error: Error): string[] {
  const names: string[] = [];
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    names.push(String(proto.constructor?.name));
  }
  return names;
}

/** What the loop knows of the response being resumed; it starts afresh when a new response begins. */
export class ResumeState {
  /** The response's id, once known (the hooks set it). */
  responseId: string | null = null;
  /** What the response said of `background`, once an event carried it. */
  background: boolean | null = null;
  /** What to resume from, besides `last`: the relay's cursor (the browser's hooks set it). */
  cursor: string | null = null;
  /** The `sequence_number` of the last event passed on. */
  last: number | null = null;
  /** Whether any event of the response was passed on. */
  received = false;
  /** Reconnections in a row without a new event. */
  attempts = 0;
  /** A terminal or `error` event was passed on: the response is over, nothing to resume. */
  ended = false;
  /** A terminal event (`response.completed`, `.failed`, `.incomplete`) was passed on. */
  terminated = false;

  reset(): void {
    this.responseId = this.cursor = this.last = this.background = null;
    this.received = this.ended = this.terminated = false;
    this.attempts = 0;
  }
}

/** The retries and their delays. */
export interface ResumePolicy {
  readonly retries?: number | undefined;
  readonly backoff?: ResumeBackoff | undefined;
  /** The scheduler of the waits (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike | undefined;
  /** Whether duplicates are dropped and gaps reported (default `true`). */
  readonly checkSequence?: boolean | undefined;
}

/** What differs between `resumable()` (the server side) and `fromServerSentEvents` (the browser side). */
export interface ResumeHooks {
  /** Whether a failure is worth a reconnection (else it passes through unchanged). */
  isResumable(error: unknown): boolean;
  /**
   * Reads an event that is about to be passed on (not a duplicate), with the state before it; may throw to
   * error the output, which is never resumed (say, `ResumeNotPossibleError` for a response that is not a
   * background one).
   */
  inspect(event: ResponseStreamEvent, state: ResumeState): void;
  /**
   * The `sequence_number` of the event this one follows, when the connection says so (a relay that passes only
   * some event types), `null` for "the one before it", or `undefined` to skip the gap check for this event.
   */
  follows?(event: ResponseStreamEvent): number | null | undefined;
  /**
   * A resumable failure with nothing to resume from: the error to end with (the same, or another), or `null` to
   * resume.
   */
  unresumable(error: unknown, state: ResumeState): unknown;
  /** The stream to reconnect to: the events after `state.last`. */
  reconnect(state: ResumeState): Observable<ResponseStreamEvent>;
  /**
   * The subscriber unsubscribed (it is not called after an error or a completion): the connection, if any, was
   * closed without cancelling anything (detached); the hook may cancel the response.
   */
  abandoned?(state: ResumeState): void;
}

/**
 * The resume mechanism shared by `resumable()` and `fromServerSentEvents`: one uninterrupted stream over
 * connections that drop. Events at or below the last `sequence_number` passed on are dropped (replays overlap),
 * a jump errors with `SequenceGapError`, a resumable failure waits `backoff` (on `scheduler`, so marble tests
 * run it in virtual time; unsubscribing during the wait cancels it) and reconnects, and after `retries`
 * reconnections in a row without a new event it errors with `ResumeFailedError` (the last failure as `cause`).
 * A failure after the terminal event completes (nothing is missing); after an `error` event it passes on.
 * State belongs to a response (`ResponseBoundary`): a new response starts afresh.
 */
export function resumeLoop(
  source: Observable<ResponseStreamEvent>,
  policy: ResumePolicy,
  hooks: ResumeHooks,
): Observable<ResponseStreamEvent> {
  const retries = policy.retries ?? DEFAULT_RESUME_RETRIES;
  const backoff = policy.backoff ?? defaultBackoff;
  const scheduler = policy.scheduler ?? asyncScheduler;
  const checkSequence = policy.checkSequence !== false;

  return new Observable<ResponseStreamEvent>((subscriber) => {
    const boundary = new ResponseBoundary();
    const state = new ResumeState();
    let link: Link | null = null;
    let waiting: Subscription | null = null;
    /** The output errored or completed: an unsubscribe after it abandons nothing. */
    let finished = false;

    const fail = (error: unknown) => {
      finished = true;
      subscriber.error(error);
    };

    const onEvent = (event: ResponseStreamEvent) => {
      if (boundary.starts(event)) state.reset();
      const sequenceNumber = sequenceNumberOf(event);
      if (checkSequence && sequenceNumber !== null && state.last !== null) {
        if (sequenceNumber <= state.last) return;
        const follows = hooks.follows ? hooks.follows(event) : null;
        if (follows !== undefined && (follows ?? sequenceNumber - 1) > state.last) {
          throw new SequenceGapError(state.responseId, state.last + 1, sequenceNumber);
        }
      }
      hooks.inspect(event, state);
      state.received = true;
      if (sequenceNumber !== null) {
        state.last = sequenceNumber;
        state.attempts = 0;
      }
      if (isTerminalEvent(event)) state.terminated = state.ended = true;
      else if (event.type === 'error') state.ended = true;
      subscriber.next(event);
    };

    const onError = (error: unknown) => {
      if (!hooks.isResumable(error)) return fail(error);
      if (state.ended) {
        // The connection dropped after the response was over: nothing is missing, nothing to resume.
        if (!state.terminated) return fail(error);
        finished = true;
        subscriber.complete();
        return;
      }
      const refusal = hooks.unresumable(error, state);
      if (refusal !== null) return fail(refusal);
      if (state.attempts >= retries) {
        return fail(
          new ResumeFailedError(state.responseId ?? '(unknown)', state.attempts, state.last, {
            cause: error,
          }),
        );
      }
      state.attempts++;
      let delay: number;
      try {
        delay = typeof backoff === 'number' ? backoff : backoff(state.attempts, error);
      } catch (backoffError) {
        return fail(backoffError);
      }
      waiting = timer(delay, scheduler).subscribe(() => {
        waiting = null;
        let stream: Observable<ResponseStreamEvent>;
        try {
          stream = hooks.reconnect(state);
        } catch (reconnectError) {
          return fail(reconnectError);
        }
        connect(stream);
      });
    };

    const complete = () => {
      finished = true;
      subscriber.complete();
    };

    const connect = (stream: Observable<ResponseStreamEvent>) => {
      link = new Link(onEvent, onError, fail, complete);
      stream.subscribe(link);
    };

    subscriber.add(() => {
      waiting?.unsubscribe();
      // The connection is closed without cancelling: whether to cancel is the hooks' call, once.
      if (link) unsubscribeDetached(link);
      if (!finished) hooks.abandoned?.(state);
    });

    connect(source);
  });
}

/**
 * An observer that is also a `Subscription` (RxJS subscribes it directly, so unsubscribing it stops the
 * connection at once, even synchronously inside `subscribe`). Completion ends the output; an error goes to
 * `onError` after this connection is closed; a callback that throws (our own verdict: a gap, a response that
 * cannot resume) closes the connection without cancelling and errors the output.
 */
class Link extends Subscription implements Observer<ResponseStreamEvent> {
  constructor(
    private readonly onEvent: (event: ResponseStreamEvent) => void,
    private readonly onError: (error: unknown) => void,
    private readonly fail: (error: unknown) => void,
    private readonly onComplete: () => void,
  ) {
    super();
  }

  next(event: ResponseStreamEvent): void {
    if (this.closed) return;
    try {
      this.onEvent(event);
    } catch (error) {
      unsubscribeDetached(this);
      this.fail(error);
    }
  }

  error(error: unknown): void {
    if (this.closed) return;
    this.unsubscribe();
    this.onError(error);
  }

  complete(): void {
    if (this.closed) return;
    this.unsubscribe();
    this.onComplete();
  }
}
