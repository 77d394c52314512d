import { APIError } from 'openai/core/error';
import type { Observable } from 'rxjs';
import { resumeResponse } from '../sources/resumeResponse';
import type { ResponseStreamEvent, ResponseStreamOptions, ResumableResponsesClient } from '../types';
import { CursorError, type CursorOptions, MAX_CURSOR_CHARS, verifyCursor } from './cursor';
import type { IncomingMessageLike } from './readJsonBody';
import { markResumed } from './resumedResponse';
import { type SafeError, toSafeError } from './safeError';

/** A request a relay handles: a `node:http` `IncomingMessage` (Express's `req`), or a fetch `Request`. */
export type RelayRequest = IncomingMessageLike | Request;

/** Where {@link cursorOf} looks for a cursor besides the request's header and query. */
export interface CursorSourceOptions {
  /**
   * The request's JSON body, if your handler has read it (`readJsonBody`): its `cursor` field counts too. The
   * body is never read here: a stream resumed by a header or a query needs no body.
   */
  readonly body?: Readonly<Record<string, unknown>> | null;
}

/** Options of {@link resumeFromRequest} and {@link cancelFromRequest}. */
export interface FromRequestOptions extends CursorSourceOptions {
  /** The relay's cursor secret(s), as given to `toServerSentEvents`. */
  readonly cursor: CursorOptions;
  /** The SDK's request options of the call to the API (`timeout`, `headers`...), and `idleTimeout`. */
  readonly requestOptions?: ResponseStreamOptions;
}

/**
 * The cursor a request carries, unverified, or `null`: the `Last-Event-ID` header (what `EventSource` sends on
 * its own, and what `fromServerSentEvents`' examples send), else a `cursor` query parameter, else a `cursor`
 * field of `options.body`. Verify it with `verifyCursor` (or use {@link resumeFromRequest}) before trusting it.
 *
 * ```
 * request:  POST /api/images  Last-Event-ID: v1.cmVzcF8x.7.Hq3...     result: 'v1.cmVzcF8x.7.Hq3...'
 * request:  POST /api/images?cursor=v1.cmVzcF8x.7.Hq3...              result: 'v1.cmVzcF8x.7.Hq3...'
 * request:  POST /api/images  { "prompt": "a fox" }                    result: null
 * ```
 *
 * @example
 * ```ts
 * import { cursorOf } from 'rxjs-openai/server';
 * const cursor = cursorOf(req); // 'v1.cmVzcF8x.7.Hq3...' or null
 * ```
 *
 * @param request A `node:http` request or a fetch `Request`.
 * @param options The request's parsed `body`, if read.
 * @return The cursor's text, or `null` when the request carries none.
 */
export function cursorOf(request: RelayRequest, options: CursorSourceOptions = {}): string | null {
  const fetchStyle = isFetchRequest(request);
  const header = fetchStyle ? request.headers.get('last-event-id') : first(request.headers['last-event-id']);
  if (header) return header.trim();
  const url = request.url;
  if (url) {
    const query = new URL(url, 'http://relay.invalid').searchParams.get('cursor');
    if (query) return query;
  }
  const field = options.body?.cursor;
  return typeof field === 'string' && field ? field : null;
}

/**
 * Turns a request that carries a cursor into the stream to relay: the verified cursor's background response,
 * replayed from the API after the last event the browser received (`resumeResponse(client, id, {
 * startingAfter })`). Nothing is stored on the relay: the API's stored response is the only store, so any relay
 * instance with the same secret resumes any stream. Relay the result with the same `cursor` option, so that
 * its events get cursors too (pass it as it is: the relay learns from it which response it replays).
 *
 * - No cursor in the request: resolves `null` (create a new response instead).
 * - A malformed cursor rejects with `CursorError` 400 (`invalid_cursor`); a forged, altered or foreign one
 *   with `CursorError` 403 (`forbidden_cursor`): no request is sent to the API for it. `CursorError` is a
 *   `RequestBodyError`, so the usual `catch` answers it (`error.status`, `toSafeError(error)`).
 *
 * ```
 * request:  Last-Event-ID: v1.<resp_1>.7.<signature>
 * result:   resumeResponse(client, 'resp_1', { startingAfter: 7 }):  --8--9--10(completed)|
 * ```
 *
 * @example
 * ```ts
 * import { streamResponse } from 'rxjs-openai';
 * import { pipeServerSentEvents, readJsonBody, resumeFromRequest } from 'rxjs-openai/server';
 *
 * const cursor = { secret: process.env.CURSOR_SECRET! };
 * const events$ =
 *   (await resumeFromRequest(client, req, { cursor })) ??
 *   streamResponse(client, { model: 'gpt-5', input: (await readJsonBody(req)).prompt as string, background: true });
 * await pipeServerSentEvents(events$, res, { cursor });
 * ```
 *
 * @param client The `OpenAI` client (anything with `responses.retrieve`).
 * @param request A `node:http` request or a fetch `Request`.
 * @param options The `cursor` secret(s), the request's parsed `body` if read, and `requestOptions`.
 * @return A promise of the replay to relay, or `null` when the request carries no cursor.
 * @see cancelFromRequest
 */
export async function resumeFromRequest(
  client: ResumableResponsesClient,
  request: RelayRequest,
  options: FromRequestOptions,
): Promise<Observable<ResponseStreamEvent> | null> {
  const text = cursorOf(request, options);
  if (text === null) return null;
  const { responseId, sequenceNumber } = await verified(text, options.cursor);
  return markResumed(
    resumeResponse(client, responseId, { startingAfter: sequenceNumber }, options.requestOptions),
    responseId,
  );
}

/** What a relay answers a cancel request with: an HTTP status and a JSON body. */
export interface CancelAnswer {
  /** 200 when cancelled; 400/403 for a bad cursor; the API's 4xx (404, 400 for a finished response); 502. */
  readonly status: number;
  /** `{ id, status }` of the response after the cancel, or a `{ code, message }` error safe for a browser. */
  readonly body: { readonly id: string; readonly status: string } | SafeError;
}

/** The part of an OpenAI client {@link cancelFromRequest} needs: `responses.cancel`. */
export interface CancellableResponsesClient {
  responses: {
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's RequestOptions is internal; any keeps the real client assignable
    cancel(responseId: string, options?: any): PromiseLike<unknown>;
  };
}

/**
 * The relay's Cancel: verifies the request's cursor (as {@link resumeFromRequest} does) and cancels its
 * background response, `client.responses.cancel(id)`, so that it stops running and billing. A browser gets
 * to cancel only the responses this service streamed to it. Never rejects: it resolves the answer to send,
 * the same in `node:http` and fetch-style handlers.
 *
 * | The request...                                   | `status` | `body`                                          |
 * | ------------------------------------------------ | -------- | ----------------------------------------------- |
 * | carries a valid cursor; the API cancelled        | 200      | `{ id, status: 'cancelled' }`                   |
 * | carries no cursor                                | 400      | `{ code: 'missing_cursor', message }`           |
 * | carries a malformed / forged cursor              | 400/403  | `{ code: 'invalid_cursor' / 'forbidden_cursor' }` |
 * | the API refuses (finished: 400, unknown: 404)    | its 4xx  | `toSafeError`'s `{ code, message }`             |
 * | the API fails or cannot be reached (or 401/403)  | 502      | `toSafeError`'s `{ code, message }`             |
 *
 * ```
 * request:  POST /api/cancel  Last-Event-ID: v1.<resp_1>.7.<signature>
 * API:      POST /v1/responses/resp_1/cancel
 * answer:   200 { "id": "resp_1", "status": "cancelled" }
 * ```
 *
 * @example
 * ```ts
 * import { cancelFromRequest } from 'rxjs-openai/server';
 * // node:http
 * const { status, body } = await cancelFromRequest(client, req, { cursor: { secret } });
 * res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
 * // fetch-style
 * export const POST = async (request: Request) => {
 *   const { status, body } = await cancelFromRequest(client, request, { cursor: { secret } });
 *   return Response.json(body, { status });
 * };
 * ```
 *
 * @param client The `OpenAI` client (anything with `responses.cancel`).
 * @param request A `node:http` request or a fetch `Request`, with the cursor in `Last-Event-ID`, `?cursor=`
 *   or `options.body.cursor`.
 * @param options The `cursor` secret(s), the request's parsed `body` if read, and `requestOptions`.
 * @return A promise of the status and JSON body to answer.
 * @see resumeFromRequest
 */
export async function cancelFromRequest(
  client: CancellableResponsesClient,
  request: RelayRequest,
  options: FromRequestOptions,
): Promise<CancelAnswer> {
  const text = cursorOf(request, options);
  if (text === null) {
    return {
      status: 400,
      body: { code: 'missing_cursor', message: 'Send the cursor of the stream to cancel.' },
    };
  }
  let responseId: string;
  try {
    ({ responseId } = await verified(text, options.cursor));
  } catch (error) {
    const status = error instanceof CursorError ? error.status : 400;
    return { status, body: toSafeError(error) };
  }
  try {
    const { signal: _signal, idleTimeout: _idle, ...requestOptions } = options.requestOptions ?? {};
    const response = (await client.responses.cancel(responseId, requestOptions)) as {
      status?: unknown;
    } | null;
    const status = typeof response?.status === 'string' ? response.status : 'cancelled';
    return { status: 200, body: { id: responseId, status } };
  } catch (error) {
    const status = error instanceof APIError ? error.status : undefined;
    const passOn =
      typeof status === 'number' && status >= 400 && status < 500 && status !== 401 && status !== 403;
    return { status: passOn ? status : 502, body: toSafeError(error) };
  }
}

async function verified(text: string, options: CursorOptions) {
  if (text.length > MAX_CURSOR_CHARS)
    throw new CursorError(400, 'invalid_cursor', 'The cursor is malformed.');
  return verifyCursor(text, options);
}

function isFetchRequest(request: RelayRequest): request is Request {
  return typeof (request as Request).headers?.get === 'function';
}

function first(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}
