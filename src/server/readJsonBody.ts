import { RxOpenAIError } from '../errors';

/** The default of {@link ReadJsonBodyOptions.maxBytes}: 64 KiB, far more than a prompt and its settings. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Options of {@link readJsonBody}. */
export interface ReadJsonBodyOptions {
  /** The largest body accepted, in bytes (default 64 KiB); a larger one is refused with HTTP 413. */
  readonly maxBytes?: number;
}

/**
 * A request body that a relay refuses: not JSON, not a JSON object, too large, or cut off by the client. Its
 * `status` is the HTTP status to answer, and `toSafeError` gives its `code` and `message` as they are.
 *
 * @example
 * ```ts
 * import { RequestBodyError, readJsonBody, toSafeError } from 'rxjs-openai/server';
 * try {
 *   const { prompt } = await readJsonBody(req);
 *   if (typeof prompt !== 'string') throw new RequestBodyError(400, 'invalid_prompt', 'Send a prompt.');
 * } catch (error) {
 *   res.writeHead(error instanceof RequestBodyError ? error.status : 500, { 'content-type': 'application/json' });
 *   res.end(JSON.stringify(toSafeError(error)));
 * }
 * ```
 */
export class RequestBodyError extends RxOpenAIError {
  override name = 'RequestBodyError';
  constructor(
    /** The HTTP status to answer: 400, or 413 for a body over the limit. */
    readonly status: number,
    /** A short machine-readable code: `invalid_json`, `invalid_body`, `body_too_large`, `body_aborted`... */
    readonly code: string,
    /** A message fit to show a user. */
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The part of a `node:http` `IncomingMessage` (or Express's `req`, before any body parser) that
 * {@link readJsonBody} uses; declared here so that this module needs no Node types.
 */
export interface IncomingMessageLike {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The path and query (`cursorOf` reads a `?cursor=`). */
  readonly url?: string | undefined;
  /** Set once the body has been read to its end. */
  readonly readableEnded?: boolean;
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  off(event: 'end' | 'close', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  resume(): unknown;
}

/** What {@link readJsonBody} reads: a `node:http` request, or a fetch `Request` (route handlers). */
export type JsonBodySource = IncomingMessageLike | Request;

/**
 * Reads a request body as a JSON object, bounded, for a relay that must keep serving whatever a client sends:
 * every way a body can be wrong rejects with a {@link RequestBodyError} (never anything else), and nothing is
 * left to crash the process.
 *
 * - over `maxBytes` (64 KiB; a `content-length` over it is refused before reading): 413 `body_too_large`;
 *   with `node:http` the rest is discarded unread, so answer with `connection: close`;
 * - not UTF-8 JSON: 400 `invalid_json`; JSON but not an object: 400 `invalid_body`;
 * - the client went away mid-upload: 400 `body_aborted` (there is nobody left to answer).
 *
 * ```
 * req:     --{"prompt":--"a fox"}--|
 * result:  ---------------------------{ prompt: 'a fox' }
 * req:     --{"prompt":--X             (client gone)
 * result:  -------------#              (RequestBodyError 400 body_aborted)
 * ```
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { RequestBodyError, readJsonBody, toSafeError } from 'rxjs-openai/server';
 *
 * createServer(async (req, res) => {
 *   try {
 *     const { prompt } = await readJsonBody(req, { maxBytes: 16 * 1024 });
 *     // ...
 *   } catch (error) {
 *     res.writeHead(error instanceof RequestBodyError ? error.status : 500, {
 *       'content-type': 'application/json',
 *       connection: 'close',
 *     });
 *     res.end(JSON.stringify(toSafeError(error)));
 *   }
 * });
 * ```
 *
 * @param request A `node:http` `IncomingMessage` (Express's `req`), or a fetch `Request`.
 * @param options The size limit.
 * @return A promise of the parsed object; it rejects with {@link RequestBodyError} only.
 * @see toSafeError
 */
export async function readJsonBody(
  request: JsonBodySource,
  options: ReadJsonBodyOptions = {},
): Promise<Record<string, unknown>> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const bytes = isFetchRequest(request)
    ? await readFetchBody(request, maxBytes)
    : await readNodeBody(request, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new RequestBodyError(400, 'invalid_json', 'The request body is not valid JSON.', { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RequestBodyError(400, 'invalid_body', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

function isFetchRequest(request: JsonBodySource): request is Request {
  return typeof (request as Partial<IncomingMessageLike>).on !== 'function';
}

function tooLarge(maxBytes: number): RequestBodyError {
  return new RequestBodyError(413, 'body_too_large', `The request body is over ${maxBytes} bytes.`);
}

function aborted(cause?: unknown): RequestBodyError {
  return new RequestBodyError(400, 'body_aborted', 'The request body was cut off.', { cause });
}

/** The declared `content-length`, or `null`. */
function declaredLength(value: string | string[] | null | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text == null || !/^\s*\d+\s*$/.test(text)) return null;
  return Number(text);
}

async function readFetchBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const body = request.body;
  if (request.bodyUsed) throw new RequestBodyError(400, 'invalid_body', 'The request body was already read.');
  if (!body) return new Uint8Array();
  if ((declaredLength(request.headers.get('content-length')) ?? 0) > maxBytes) {
    body.cancel().catch(() => undefined);
    throw tooLarge(maxBytes);
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error instanceof RequestBodyError ? error : aborted(error);
  } finally {
    reader.releaseLock();
  }
  return concat(chunks, size);
}

function readNodeBody(request: IncomingMessageLike, maxBytes: number): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const encoder = new TextEncoder();
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Uint8Array | string) => {
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      size += bytes.byteLength;
      if (size > maxBytes) discard(tooLarge(maxBytes));
      else chunks.push(bytes);
    };
    const onEnd = () => {
      const bytes = concat(chunks, size);
      cleanup();
      resolve(bytes);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(aborted(error));
    };
    // `close` before `end`: the connection went away mid-body.
    const onClose = () => {
      cleanup();
      reject(aborted());
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      chunks.length = 0;
    };
    const discard = (error: RequestBodyError) => {
      cleanup();
      // Let the rest of the body flow into the void, so that the response can still be written.
      request.resume();
      reject(error);
    };

    // An `error` after we stopped listening must not reach the process as an unhandled 'error' event.
    request.on('error', ignore);
    if (request.readableEnded) {
      reject(new RequestBodyError(400, 'invalid_body', 'The request body was already read.'));
    } else if ((declaredLength(request.headers['content-length']) ?? 0) > maxBytes) {
      discard(tooLarge(maxBytes));
    } else {
      request.on('data', onData);
      request.on('end', onEnd);
      request.on('error', onError);
      request.on('close', onClose);
    }
  });
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

function ignore(): void {}
