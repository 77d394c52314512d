import type {
  ResponseCreateParamsStreaming,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import { from, isObservable, type Observable, observable as observableSymbol } from 'rxjs';
import type { ResponseRetrieveStreamQuery, ResumableResponsesClient } from '../types';

/** What a fake client serves for one request: events as an array, an async iterable or an Observable. */
export type FakeEventSource =
  | readonly ResponseStreamEvent[]
  | AsyncIterable<ResponseStreamEvent>
  | Observable<ResponseStreamEvent>;

/** One recorded call of the fake's `responses.create`. */
export interface FakeCall {
  /** The request body it was called with. */
  readonly params: ResponseCreateParamsStreaming;
  /** The request options it was called with (`signal` included). */
  readonly options: { signal?: AbortSignal | null; [option: string]: unknown } | undefined;
  /** Whether the request's signal has been aborted (read live). */
  readonly aborted: boolean;
}

/** One recorded call of the fake's `responses.retrieve` (a replay, as `resumeResponse` sends it). */
export interface FakeRetrieveCall {
  /** The response id it was called with. */
  readonly responseId: string;
  /** The query it was called with (`stream: true`, `starting_after`). */
  readonly query: ResponseRetrieveStreamQuery;
  /** The request options it was called with (`signal` included). */
  readonly options: { signal?: AbortSignal | null; [option: string]: unknown } | undefined;
  /** Whether the request's signal has been aborted (read live). */
  readonly aborted: boolean;
}

/** What the fake's `responses.retrieve` serves: events, or a function of the call (id, `starting_after`, 0-based number). */
export type FakeRetrieveSource =
  | FakeEventSource
  | ((responseId: string, startingAfter: number | undefined, callIndex: number) => FakeEventSource);

/** Options of {@link fakeResponsesClient}. */
export interface FakeResponsesClientOptions {
  /**
   * What `responses.retrieve` serves. By default, when `source` is an array, its events after `starting_after`
   * (a faithful replay of a stored response); otherwise `retrieve` rejects.
   */
  retrieve?: FakeRetrieveSource;
}

/** A client whose `responses.create` and `responses.retrieve` serve given events, and record every call. */
export interface FakeResponsesClient extends ResumableResponsesClient {
  /** Every `create` call so far, in order. */
  readonly calls: readonly FakeCall[];
  /** Every `retrieve` call so far, in order. */
  readonly retrieveCalls: readonly FakeRetrieveCall[];
}

/**
 * A client for tests: `responses.create` serves `source` (the same for every call, or a function of the
 * call's params and its 0-based number), so `streamResponse` runs without a network.
 *
 * When the events come from an array or an Observable, `streamResponse` subscribes to them synchronously (no
 * promise hop), so it runs on a `TestScheduler`'s virtual time and marble tests see every event. Awaiting
 * `create` directly also works and gives an async iterable with a `controller`, like the SDK's `Stream`.
 *
 * @example
 * ```ts
 * import { TestScheduler } from 'rxjs/testing';
 * import { streamResponse, withFinalImage } from 'rxjs-openai';
 * import { fakeResponsesClient, imageGenerationEvents } from 'rxjs-openai/testing';
 *
 * const client = fakeResponsesClient(imageGenerationEvents());
 * streamResponse(client, { model: 'gpt-5', input: 'a fox' }).pipe(withFinalImage()).subscribe(console.log);
 * client.calls[0]?.params.stream; // true
 * ```
 *
 * `responses.retrieve` serves replays for `resumeResponse` and `resumable` the same way (see
 * {@link FakeResponsesClientOptions.retrieve}), e.g. `retrieve: (id, after) => cold('--d-e-f|', values)` in a
 * marble test of a dropped connection.
 *
 * @param source The events to serve, or a function returning them per call.
 * @param options `retrieve`: what `responses.retrieve` serves.
 * @return The fake client, with `calls` and `retrieveCalls` recorded.
 */
export function fakeResponsesClient(
  source: FakeEventSource | ((params: ResponseCreateParamsStreaming, callIndex: number) => FakeEventSource),
  options: FakeResponsesClientOptions = {},
): FakeResponsesClient {
  const calls: FakeCall[] = [];
  const retrieveCalls: FakeRetrieveCall[] = [];
  const retrieveSource: FakeRetrieveSource | undefined =
    options.retrieve ??
    (Array.isArray(source)
      ? (_id: string, after: number | undefined) =>
          (source as readonly ResponseStreamEvent[]).filter(
            (event) =>
              after === undefined || (event as { sequence_number?: number }).sequence_number! > after,
          )
      : undefined);
  return {
    calls,
    retrieveCalls,
    responses: {
      retrieve(
        responseId: string,
        query: ResponseRetrieveStreamQuery,
        options?: FakeRetrieveCall['options'],
      ) {
        const signal = options?.signal ?? undefined;
        retrieveCalls.push({
          responseId,
          query,
          options,
          get aborted() {
            return signal?.aborted === true;
          },
        });
        if (retrieveSource === undefined) {
          return Promise.reject(
            new Error(
              'fakeResponsesClient: responses.retrieve has nothing to serve (pass options.retrieve).',
            ),
          );
        }
        const events =
          typeof retrieveSource === 'function'
            ? retrieveSource(responseId, query.starting_after, retrieveCalls.length - 1)
            : retrieveSource;
        return serve(events, signal);
      },
      create(params: ResponseCreateParamsStreaming, options?: FakeCall['options']) {
        const signal = options?.signal ?? undefined;
        calls.push({
          params,
          options,
          get aborted() {
            return signal?.aborted === true;
          },
        });
        const events = typeof source === 'function' ? source(params, calls.length - 1) : source;
        return serve(events, signal);
      },
    },
  };
}

/**
 * What `create` and `retrieve` resolve to: an async iterable with a `controller`, like the SDK's `Stream`.
 * Arrays and Observables are also offered as an interop Observable, so the sources can stay synchronous
 * (and on virtual time). Internal to the kit: `fakeImagesClient` serves the Images API's events with it too.
 */
export function serve<E>(
  events: readonly E[] | AsyncIterable<E> | Observable<E>,
  signal: AbortSignal | undefined,
): PromiseLike<AsyncIterable<E> & { controller: AbortController }> {
  const controller = new AbortController();
  signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  const stream = {
    controller,
    [Symbol.asyncIterator]: () => iterate(events, controller.signal),
  };
  const pending = Promise.resolve(stream);
  const synchronous = Array.isArray(events) || isObservable(events);
  return Object.assign(
    pending,
    synchronous ? { [observableSymbol]: () => from(events as readonly E[]) } : {},
  );
}

/** Iterates any source; an abort ends the iteration at once, as it ends the SDK's stream. */
async function* iterate<E>(
  source: readonly E[] | AsyncIterable<E> | Observable<E>,
  signal: AbortSignal,
): AsyncGenerator<E> {
  if (isObservable(source)) {
    yield* observableValues(source, signal);
    return;
  }
  for await (const event of source as AsyncIterable<E>) {
    if (signal.aborted) return;
    yield event;
  }
}

async function* observableValues<E>(source: Observable<E>, signal: AbortSignal): AsyncGenerator<E> {
  const queue: E[] = [];
  let end: { error?: unknown } | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const subscription = source.subscribe({
    next: (event) => {
      queue.push(event);
      notify();
    },
    error: (error: unknown) => {
      end = { error };
      notify();
    },
    complete: () => {
      end = {};
      notify();
    },
  });
  signal.addEventListener('abort', notify, { once: true });
  try {
    while (!signal.aborted) {
      const next = queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (end) {
        if ('error' in (end as { error?: unknown })) throw (end as { error?: unknown }).error;
        return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    subscription.unsubscribe();
  }
}
