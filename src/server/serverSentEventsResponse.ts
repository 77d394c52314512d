import type { Observable } from 'rxjs';
import type { ImageStreamEvent, ResponseStreamEvent } from '../types';
import type { ServerSentEventsOptions } from './serverSentEventsOptions';
import { toServerSentEvents } from './toServerSentEvents';

/**
 * The response headers of an SSE relay: the event-stream content type, no caching or transformation by
 * proxies, and no buffering by nginx (`x-accel-buffering: no`), so that each event reaches the browser
 * when it is sent.
 */
export const SERVER_SENT_EVENTS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
});

/** Options of {@link serverSentEventsResponse}: those of `toServerSentEvents`, plus the response's. */
export interface ServerSentEventsResponseOptions extends ServerSentEventsOptions {
  /** More response headers (CORS, cookies...); they win over the defaults. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The HTTP status (default 200). */
  readonly status?: number;
}

/**
 * A ready fetch `Response` that relays the events as server-sent events, for fetch-style route handlers
 * (Next.js, Hono, Deno, Bun, Cloudflare Workers, SvelteKit...). The body is {@link toServerSentEvents}:
 * when the client disconnects, the runtime cancels it and the source is unsubscribed.
 *
 * ```
 * events$:  --created--partial--completed|
 * response: 200 text/event-stream  --event--event--event|
 * ```
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { streamResponse } from 'rxjs-openai';
 * import { serverSentEventsResponse } from 'rxjs-openai/server';
 *
 * const client = new OpenAI();
 * export async function POST(request: Request): Promise<Response> {
 *   const { prompt } = await request.json();
 *   return serverSentEventsResponse(
 *     streamResponse(client, { model: 'gpt-5', input: prompt, tools: [{ type: 'image_generation', partial_images: 2 }] }),
 *   );
 * }
 * ```
 *
 * @param events$ The events to relay, usually `streamResponse(client, params)`.
 * @param options The relay's options, extra `headers` and a `status`.
 * @return A `Response` with the SSE headers and body.
 * @see toServerSentEvents
 */
export function serverSentEventsResponse(
  events$: Observable<ResponseStreamEvent> | Observable<ImageStreamEvent>,
  options: ServerSentEventsResponseOptions = {},
): Response {
  return new Response(toServerSentEvents(events$, options), {
    status: options.status ?? 200,
    headers: { ...SERVER_SENT_EVENTS_HEADERS, ...options.headers },
  });
}
