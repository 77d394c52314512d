import { type Observable, Subject, type Subscription, takeUntil } from 'rxjs';
import type { ImageStreamEvent, ResponseStreamEvent } from '../types';
import { maxBufferedBytesOf, type ServerSentEventsOptions } from './serverSentEventsOptions';
import { sseFrames } from './sseFrames';

/**
 * Encodes an Observable of Responses API events as a server-sent events byte stream in the API's own
 * framing (`event: <type>\ndata: <json>\n\n`), for a relay between the API and a browser that must never
 * see the API key, nor the request the server made.
 *
 * - Lazy: subscribes (sends the upstream request, with `streamResponse`) when the body is first read, not when
 *   the stream is made; cancelling the stream (the browser went away) unsubscribes, which aborts the upstream
 *   request.
 * - The source completing closes the stream.
 * - `response.*` events carry only {@link ServerSentEventsOptions.responseFields} of their `Response`
 *   (default {@link DEFAULT_RESPONSE_FIELDS}: no `instructions`, `tools`, `prompt`, `metadata`, `user`...).
 * - A failure is one `error` event (`{ type: 'error', code, message, param: null, sequence_number }`, see
 *   `toSafeError`: no headers, keys or stacks) and then the stream closes: a source error, an `error` event of
 *   the API (its text mapped too, never relayed as it came), an event over `maxEventBytes`
 *   (`event_too_large`), a source silent for `idleTimeout` (`stream_idle`). A `response.failed` is relayed
 *   with its error's text mapped the same way.
 * - Bounded: a client more than `maxBufferedBytes` behind is dropped.
 * - It never cancels a response: the browser going away unsubscribes detached (a background response goes on
 *   running, for the browser to resume); a Cancel is `cancelFromRequest`.
 * - With `cursor`, every event of a background response gets a signed cursor as its SSE `id:`, which
 *   `resumeFromRequest` verifies to resume the stream on any relay instance, and an upstream cut of it is
 *   relayed as a dropped connection (the browser resumes) rather than an `error` event.
 *
 * Read it with `fromServerSentEvents` in the browser, or with any SSE client.
 *
 * ```
 * events$:  --created--partial--completed|
 * bytes:    --"event: response.created\ndata: {...}\n\n"--...--|
 * events$:  --created--#
 * bytes:    --"event: response.created..."--"event: error\ndata: {"type":"error","code":...}\n\n"|
 * events$:  --created---------- (silent for idleTimeout)
 * bytes:    --"event: response.created..."--": keepalive"--...--"event: error ... stream_idle"|
 * cursor:   --"id: v1.cmVzcF8x.0.Hq3...\nevent: response.created\ndata: {...}\n\n"--...
 * ```
 *
 * @example
 * ```ts
 * // A fetch-style route handler (Next.js, Hono, Deno, Bun, Cloudflare):
 * import { serverSentEventsResponse } from 'rxjs-openai/server';
 * export const POST = async (request: Request) =>
 *   serverSentEventsResponse(streamResponse(client, { model: 'gpt-5', input: (await request.json()).prompt }));
 * // Or the bare stream, relaying the previews and the response's metadata too, with resume cursors:
 * const body = toServerSentEvents(events$, {
 *   events: ['response.image_generation_call.partial_image'],
 *   responseFields: [...DEFAULT_RESPONSE_FIELDS, 'metadata'],
 *   cursor: { secret: process.env.CURSOR_SECRET! },
 * });
 * ```
 *
 * @param events$ The events to relay, usually `streamResponse(client, params)`.
 * @param options An allowlist of events and of `Response` fields, size caps, a heartbeat, an idle timeout, an
 *   error mapper and the `cursor` secret(s).
 * @return A `ReadableStream` of the SSE bytes. A `cursor` with a missing or short secret throws a `TypeError`
 *   here, when the relay is set up.
 * @see serverSentEventsResponse
 * @see pipeServerSentEvents
 */
export function toServerSentEvents(
  events$: Observable<ResponseStreamEvent> | Observable<ImageStreamEvent>,
  options: ServerSentEventsOptions = {},
): ReadableStream<Uint8Array> {
  const maxBufferedBytes = maxBufferedBytesOf(options);
  const frames$ = sseFrames(events$, options);
  const encoder = new TextEncoder();

  let subscription: Subscription | undefined;
  let started = false;
  let done = false;
  // Stops the frames at once, even a synchronous source inside its `subscribe` (before `subscription` is known).
  const stopped = new Subject<void>();
  const stop = () => {
    done = true;
    stopped.next();
    subscription?.unsubscribe();
  };

  return new ReadableStream<Uint8Array>(
    {
      // Not `start`: the stream is made before the response is sent, and may never be read.
      pull(controller) {
        if (started) return;
        started = true;
        subscription = frames$.pipe(takeUntil(stopped)).subscribe({
          next(frame) {
            if (done) return;
            controller.enqueue(encoder.encode(frame));
            // With a high-water mark of 0, `desiredSize` is minus the bytes waiting.
            if (-(controller.desiredSize ?? 0) > maxBufferedBytes) {
              stop();
              controller.error(
                new Error(`The client fell more than ${maxBufferedBytes} bytes behind; the relay gave up.`),
              );
            }
          },
          error(error: unknown) {
            if (done) return;
            stop();
            controller.error(error);
          },
          complete() {
            if (done) return;
            stop();
            controller.close();
          },
        });
      },
      cancel() {
        stop();
      },
    },
    // A high-water mark of 0: `pull` runs on the first read only, not as soon as the stream is made.
    { highWaterMark: 0, size: (chunk) => chunk.byteLength },
  );
}
