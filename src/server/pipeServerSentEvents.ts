import type { Observable } from 'rxjs';
import type { ResponseStreamEvent } from '../types';
import type { ServerSentEventsOptions } from './serverSentEventsOptions';
import { SERVER_SENT_EVENTS_HEADERS } from './serverSentEventsResponse';
import { toServerSentEvents } from './toServerSentEvents';

/**
 * The part of a `node:http` `ServerResponse` (or Express's `res`) that {@link pipeServerSentEvents} uses;
 * declared here so that this module needs no Node types.
 */
export interface ServerResponseLike {
  readonly headersSent: boolean;
  readonly destroyed?: boolean;
  setHeader(name: string, value: string): unknown;
  flushHeaders?(): void;
  write(chunk: Uint8Array): boolean;
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
 * which aborts the upstream request when it is `streamResponse`. The options are those of
 * {@link toServerSentEvents}: allowlists of events and of `Response` fields, size caps, heartbeat, idle
 * timeout, error mapping. Read the request's body with `readJsonBody`, which is bounded.
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
  events$: Observable<ResponseStreamEvent>,
  res: ServerResponseLike,
  options: ServerSentEventsOptions = {},
): Promise<void> {
  if (res.destroyed) return;
  const reader = toServerSentEvents(events$, options).getReader();
  let gone = false;
  let wake: (() => void) | undefined;
  const onClose = () => {
    gone = true;
    wake?.();
    reader.cancel().catch(() => undefined);
  };
  res.once('close', onClose);
  // A stream that errors (the client fell too far behind) must also end a wait for `drain` that may never come.
  reader.closed.catch(() => wake?.());
  if (!res.headersSent) {
    for (const [name, value] of Object.entries(SERVER_SENT_EVENTS_HEADERS)) res.setHeader(name, value);
    res.flushHeaders?.();
  }
  try {
    while (!gone) {
      const { value, done } = await reader.read();
      if (done) {
        if (!gone) res.end();
        return;
      }
      if (gone) return;
      const flowing = res.write(value);
      res.flush?.();
      if (!flowing && !gone) {
        let drained!: () => void;
        await new Promise<void>((resolve) => {
          drained = resolve;
          wake = resolve;
          res.once('drain', resolve);
        });
        res.off?.('drain', drained);
        wake = undefined;
      }
    }
  } catch (error) {
    // The stream errored (the client fell too far behind): drop the connection.
    res.destroy?.(error instanceof Error ? error : undefined);
  } finally {
    res.off?.('close', onClose);
    reader.releaseLock();
  }
}
