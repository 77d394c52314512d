import { Stream } from 'openai/core/streaming';
import { Observable } from 'rxjs';
import { RelayHttpError, ResponseStreamError, RxOpenAIError } from '../errors';
import type { ResponseEventStream, ResponseStreamEvent } from '../types';
import { fromResponseStream } from './fromResponseStream';

/** A fetch `Response` (the DOM's, not the API's `Response` object). */
type FetchResponse = globalThis.Response;

/** What `fromServerSentEvents` reads: a fetched `Response`, or a function that fetches one per subscription. */
export type ServerSentEventsInput = FetchResponse | ((signal: AbortSignal) => Promise<FetchResponse>);

/** How much of an HTTP error's body is kept in {@link RelayHttpError}. */
const MAX_ERROR_BODY_CHARS = 4096;

/**
 * Reads Responses API events from a server-sent events response, such as one relayed by
 * `rxjs-openai/server`, in the browser or any runtime with `fetch`.
 *
 * The body is decoded by the SDK's own SSE decoder (`Stream.fromSSEResponse` from `openai/core/streaming`,
 * in its `events` mode, so that an `error` event reaches us as data rather than as the SDK's `APIError`), and
 * every event is emitted as received. Then:
 *
 * - an HTTP status other than 2xx errors with {@link RelayHttpError} (status and the body's first 4 KiB), and
 *   so does a 2xx whose `content-type` is not `text/event-stream` (say, an HTML fallback page of a dev server
 *   whose proxy missed the route), which would otherwise look like an empty, truncated stream;
 * - an `error` event errors with {@link ResponseStreamError} (its `code` and `message`);
 * - a body that ends without `response.completed`, `response.failed` or `response.incomplete` errors with
 *   `TruncatedStreamError`: a dropped connection is never mistaken for success;
 * - unsubscribing aborts: with a function input, the `signal` it was given (so the fetch and the relay's
 *   upstream request stop); with a `Response`, its body is cancelled.
 *
 * A function input makes the Observable cold: one fetch per subscription, so `retry()` fetches again. A
 * `Response` can be read once, so that Observable can be subscribed once.
 *
 * ```
 * relay:   --created--partial--completed|
 * result:  --created--partial--completed|
 * relay:   --created--error|
 * result:  --created--#                    (ResponseStreamError)
 * ```
 *
 * @example
 * ```ts
 * import { fromServerSentEvents, imageStates } from 'rxjs-openai';
 *
 * const events$ = fromServerSentEvents((signal) =>
 *   fetch('/api/images', { method: 'POST', body: JSON.stringify({ prompt }), signal }),
 * );
 * events$.pipe(imageStates()).subscribe((images) => render(images));
 * ```
 *
 * @param input A fetch `Response`, or `(signal) => fetch(..., { signal })` for a cold source.
 * @return An Observable of the relayed events.
 * @see fromResponseStream
 */
export function fromServerSentEvents(input: ServerSentEventsInput): Observable<ResponseStreamEvent> {
  return new Observable<ResponseStreamEvent>((subscriber) => {
    const controller = new AbortController();
    subscriber.add(() => controller.abort());

    const open = async (): Promise<FetchResponse> => {
      if (typeof input === 'function') return input(controller.signal);
      if (input.bodyUsed) {
        throw new RxOpenAIError(
          'This Response was already read: pass a function that fetches to subscribe again.',
        );
      }
      return input;
    };

    open().then(
      async (response) => {
        if (subscriber.closed) {
          cancelBody(response);
          return;
        }
        const type = response.headers.get('content-type');
        if (!response.ok || (type !== null && !/text\/event-stream/i.test(type))) {
          const body = await readText(response, MAX_ERROR_BODY_CHARS);
          subscriber.error(new RelayHttpError(response.status, response.statusText, body));
          return;
        }
        // The SDK aborts the controller it is given whenever reading fails, so that one cannot tell our
        // unsubscribe from a dropped connection. `fromResponseStream` sees only `controller`, which only
        // unsubscribing aborts; the SDK gets its own, linked to ours.
        const sdkController = new AbortController();
        const abortSdk = () => sdkController.abort();
        controller.signal.addEventListener('abort', abortSdk, { once: true });
        subscriber.add(() => controller.signal.removeEventListener('abort', abortSdk));
        const stream = Stream.fromSSEResponse<ResponseStreamEvent>(
          response,
          sdkController,
          undefined,
          false,
          'events',
        );
        const events: ResponseEventStream = {
          [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
          controller,
        };
        subscriber.add(
          fromResponseStream(events).subscribe({
            next: (event) => {
              if (event.type === 'error') subscriber.error(new ResponseStreamError(event));
              else subscriber.next(event);
            },
            error: (error: unknown) => subscriber.error(error),
            complete: () => subscriber.complete(),
          }),
        );
      },
      (error: unknown) => {
        // Our own abort (on unsubscribe) is not an error; anything else (network, a caller's throw) is.
        if (!subscriber.closed) subscriber.error(error);
      },
    );
  });
}

/** Reads at most `max` characters of a body as text, then cancels the rest; never throws. */
async function readText(response: FetchResponse, max: number): Promise<string> {
  const body = response.body;
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < max) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    text += decoder.decode();
  } catch {
    // A body that fails half-way still gives its status; what was read is kept.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return text.slice(0, max);
}

function cancelBody(response: FetchResponse): void {
  if (response.body && !response.bodyUsed) response.body.cancel().catch(() => undefined);
}
