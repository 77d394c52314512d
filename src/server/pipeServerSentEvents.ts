import type { Observable, Subscription } from 'rxjs';
import type { ImageStreamEvent, ResponseStreamEvent } from '../types';
import { maxBufferedBytesOf, type ServerSentEventsOptions } from './serverSentEventsOptions';
import { SERVER_SENT_EVENTS_HEADERS } from './serverSentEventsResponse';
import { sseFrames } from './sseFrames';

/**
 * The part of a `node:http` `ServerResponse` (or Express's `res`) that {@link pipeServerSentEvents} uses;
 * declared here so that this module needs no Node types.
 */
export interface ServerResponseLike {
  readonly headersSent: boolean;
  readonly destroyed?: boolean;
  setHeader(name: string, value: string): unknown;
  flushHeaders?(): void;
  write(chunk: string): boolean;
  end(): unknown;
  destroy?(error?: Error): unknown;
  once(event: 'close' | 'drain', listener: () => void): unknown;
  off?(event: 'close' | 'drain', listener: () => void): unknown;
  /** Set by Express's `compression()` middleware: sends what it buffered. */
  flush?(): void;
}

/**
 * Relays the events to a `node:http` response (Express's `res`, or Fastify's `reply.raw` after
 * `reply.hijack()`) as server-sent events: sets the SSE headers, writes each event as the client can take it
 * (waiting for `drain`), and ends the response when the source ends. When the client disconnects (`close`), the source is unsubscribed,
 * which aborts the upstream request when it is `streamResponse` (and leaves a background response running: the
 * browser may resume it with its cursor). The options are those of {@link toServerSentEvents}: allowlists of
 * events and of `Response` fields, size caps, heartbeat, idle timeout, error mapping, `cursor`. Read the
 * request's body with `readJsonBody`, which is bounded; a resume with `resumeFromRequest`.
 *
 * ```
 * events$:  --created--partial--completed|
 * res:      200 text/event-stream  --event--event--event|  (res.end())
 * client:   ---------X                                     (close: events$ unsubscribed)
 * ```
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import OpenAI from 'openai';
 * import { streamResponse } from 'rxjs-openai';
 * import { pipeServerSentEvents } from 'rxjs-openai/server';
 *
 * const client = new OpenAI();
 * createServer((req, res) => {
 *   const prompt = new URL(req.url ?? '/', 'http://x').searchParams.get('prompt') ?? '';
 *   pipeServerSentEvents(streamResponse(client, { model: 'gpt-5', input: prompt }), res);
 * }).listen(3000);
 * ```
 *
 * @param events$ The events to relay.
 * @param res The `ServerResponse`; headers are set unless already sent.
 * @param options The relay's options.
 * @return A promise that settles when the response has ended or the client has gone; it never rejects.
 * @see toServerSentEvents
 */
export async function pipeServerSentEvents(
  events$: Observable<ResponseStreamEvent> | Observable<ImageStreamEvent>,
  res: ServerResponseLike,
  options: ServerSentEventsOptions = {},
): Promise<void> {
  if (res.destroyed) return;
  const maxBuffered = maxBufferedBytesOf(options);
  // The frames as text, written as they come (Node encodes them as it writes): no copy, no stream between.
  const frames$ = sseFrames(events$, options);
  if (!res.headersSent) {
    for (const [name, value] of Object.entries(SERVER_SENT_EVENTS_HEADERS)) res.setHeader(name, value);
    res.flushHeaders?.();
  }
  await new Promise<void>((resolve) => {
    /** Frames waiting for `drain`, and their length in characters (about bytes: the frames are JSON). */
    const waiting: string[] = [];
    let waitingChars = 0;
    let draining = false;
    let ended = false;
    let done = false;
    let subscription: Subscription | undefined;

    const finish = () => {
      if (done) return;
      done = true;
      res.off?.('close', finish);
      res.off?.('drain', onDrain);
      waiting.length = 0;
      // Also when the client went away (`close`): sseFrames unsubscribes from the source detached.
      subscription?.unsubscribe();
      resolve();
    };
    const write = (frame: string) => {
      if (!res.write(frame)) {
        draining = true;
        res.once('drain', onDrain);
      }
      res.flush?.();
    };
    const flush = () => {
      while (!draining && waiting.length > 0) {
        const frame = waiting.shift()!;
        waitingChars -= frame.length;
        write(frame);
      }
      if (!draining && ended) {
        res.end();
        finish();
      }
    };
    function onDrain() {
      draining = false;
      if (!done) flush();
    }
    /** The stream failed (a cut relayed as a cut, or a client too far behind): drop the connection. */
    const drop = (error: unknown) => {
      res.destroy?.(error instanceof Error ? error : undefined);
      finish();
    };

    res.once('close', finish);
    subscription = frames$.subscribe({
      next(frame) {
        if (done) return;
        if (!draining) {
          write(frame);
          return;
        }
        waiting.push(frame);
        waitingChars += frame.length;
        if (waitingChars > maxBuffered) {
          drop(new Error(`The client fell more than ${maxBuffered} bytes behind; the relay gave up.`));
        }
      },
      error: drop,
      complete() {
        ended = true;
        flush();
      },
    });
    if (done) subscription.unsubscribe();
  });
}
